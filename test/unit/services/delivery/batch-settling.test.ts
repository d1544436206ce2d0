import { expect, it } from '@jest/globals';
import { MemoryLedgerStore } from '../../../../src/services/ledger/memory-ledger-store.js';
import { MemoryMessageStore } from '../../../../src/services/messages/memory-message-store.js';
import { MessageProcessor } from '../../../../src/services/delivery/message-processor.js';
import {
  ChainedKeyedMutex,
  userSendLockKey,
} from '../../../../src/services/sending/keyed-mutex.js';
import type { SubscribeMessageSender } from '../../../../src/services/sending/send-service.js';
import { TemplateRegistry } from '../../../../src/services/templates/index.js';
import { TemplateCatalog } from '../../../../src/services/templates/template-catalog.js';
import { MemoryLock } from '../../../../src/shared/lock.js';
import { TEMPLATE } from '../../../helpers/delivery-harness.js';
import { queuedBatchRecord } from '../../../helpers/message-record.js';
import { recordingLogger } from '../../../helpers/recording-logger.js';

const APP = 'wxbatchsettle0001';

it('a batch job ends only once every send of it has settled, even when one of them failed', async () => {
  const messages = new MemoryMessageStore();
  const ledger = new MemoryLedgerStore();
  const now = new Date();
  const record = (openid: string) =>
    queuedBatchRecord({
      appId: APP,
      openid,
      templateId: TEMPLATE.id,
      createdAt: now,
      batchId: 'batch-settle-0',
    });
  const busy = record('oBusy');
  const slow = record('oSlow');
  await messages.createMany([busy, slow]);
  const sender: SubscribeMessageSender = {
    sendSubscribeMessage: async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { msgid: '2', attempts: 1 };
    },
  };
  // Another send to oBusy holds its lock, so the batch hands that message to a job of its own;
  // and the engine is gone, so that hand-off fails while the other send is still in flight.
  const lock = new MemoryLock();
  const held = await lock.tryAcquire(userSendLockKey(APP, 'oBusy'), 10_000);
  expect(held).not.toBeNull();
  const processor = new MessageProcessor({
    appId: APP,
    messages,
    ledger,
    catalog: new TemplateCatalog(new TemplateRegistry([TEMPLATE])),
    sender,
    userMutex: new ChainedKeyedMutex({ shared: lock }),
    quotaPolicy: 'track',
    logger: recordingLogger(),
  });
  const job = {
    id: 'batch-settle-0',
    campaignId: null,
    entries: [busy, slow].map((m) => ({ id: m.id, openid: m.openid })),
  };
  await expect(
    processor.processBatch(job, { attempt: 0, stopping: () => false, turnsTaken: 0 }, () =>
      Promise.reject(new Error('queue unavailable')),
    ),
  ).rejects.toThrow('queue unavailable');
  // The other send finished before the job gave up: recorded, not left SENDING for a rerun.
  expect((await messages.get(APP, slow.id))?.status).toBe('SENT');
  expect((await messages.get(APP, busy.id))?.status).toBe('QUEUED');
  await held!.release();
});
