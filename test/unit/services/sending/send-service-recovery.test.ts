import { describe, expect, it } from '@jest/globals';
import { MemoryLedgerStore } from '../../../../src/services/ledger/memory-ledger-store.js';
import { MemoryMessageStore } from '../../../../src/services/messages/memory-message-store.js';
import type { MessageRecord } from '../../../../src/services/messages/message-store.js';
import { MemoryIdempotencyStore } from '../../../../src/services/sending/idempotency/memory-idempotency-store.js';
import { ChainedKeyedMutex } from '../../../../src/services/sending/keyed-mutex.js';
import { SendService } from '../../../../src/services/sending/send-service.js';
import { TemplateRegistry } from '../../../../src/services/templates/index.js';
import { TemplateCatalog } from '../../../../src/services/templates/template-catalog.js';
import { StoreUnavailableError } from '../../../../src/shared/errors.js';
import { recordingLogger } from '../../../helpers/recording-logger.js';
import { templateWith } from '../../../helpers/templates.js';

const OPENID = 'oRecoveryUser000000000000001';
const template = templateWith('thing1');

/** A WeChat that counts sends and answers after `delayMs`. */
function countingSender(delayMs = 0) {
  const sender = {
    sends: 0,
    async sendSubscribeMessage() {
      sender.sends += 1;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { msgid: String(1000 + sender.sends), attempts: 1 };
    },
  };
  return sender;
}

function service(
  overrides: Partial<ConstructorParameters<typeof SendService>[0]> & {
    sender: ReturnType<typeof countingSender>;
  },
) {
  return new SendService({
    appId: 'wxrecovery0001',
    catalog: new TemplateCatalog(new TemplateRegistry([template])),
    ledger: new MemoryLedgerStore(),
    messages: new MemoryMessageStore(),
    idempotency: new MemoryIdempotencyStore(),
    userMutex: new ChainedKeyedMutex(),
    quotaPolicy: 'track',
    logger: recordingLogger(),
    ...overrides,
  });
}

const request = (idempotencyKey?: string) => ({
  openid: OPENID,
  templateId: template.id,
  data: { thing1: '已发货' },
  idempotencyKey,
});

describe('SendService when its records cannot be written', () => {
  it('sends nothing to WeChat and frees the idempotency key', async () => {
    const sender = countingSender();
    const messages = new MemoryMessageStore();
    messages.create = async () => {
      throw new StoreUnavailableError();
    };
    const idempotency = new MemoryIdempotencyStore();
    const sending = service({ sender, messages, idempotency });
    await expect(sending.send(request('k1'))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(sending.send(request())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(sender.sends).toBe(0);
    expect(
      await idempotency.claim('wxrecovery0001', 'k1', {
        fingerprint: 'f',
        messageId: 'NEXT',
        ttlSeconds: 1,
      }),
    ).toEqual({ claimed: true });
  });
});

describe('SendService when WeChat accepted a send but its outcome cannot be recorded', () => {
  it('answers STORE_UNAVAILABLE, keeps the credit spent and the key pinned, so a retry never sends again', async () => {
    const sender = countingSender();
    const messages = new MemoryMessageStore();
    // Recording the SENT (through the sent recorder) is the write that fails.
    messages.transition = async () => {
      throw new StoreUnavailableError();
    };
    const ledger = new MemoryLedgerStore();
    const idempotency = new MemoryIdempotencyStore();
    const key = { appId: 'wxrecovery0001', openid: OPENID, templateId: template.id };
    await ledger.record(key, {
      status: 'ACCEPT',
      longTerm: false,
      source: 'client',
      at: new Date(),
    });
    const sending = service({ sender, messages, ledger, idempotency, quotaPolicy: 'enforce' });
    await expect(sending.send(request('k2'))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(sender.sends).toBe(1);
    // The one credit was used by the send that reached WeChat: it is not handed back.
    await expect(sending.send(request())).rejects.toMatchObject({ code: 'NO_SUBSCRIPTION' });
    expect(
      await idempotency.claim('wxrecovery0001', 'k2', {
        fingerprint: 'f',
        messageId: 'NEXT',
        ttlSeconds: 1,
      }),
    ).toMatchObject({ claimed: false });
    expect(sender.sends).toBe(1);
  });
});

describe('SendService idempotency lease', () => {
  it('renews the lease of a send that outlives it, so a retry waits for it instead of sending again', async () => {
    const sender = countingSender(2500);
    const sending = service({ sender, idempotencyLeaseSeconds: 1 });
    const first = sending.send(request('slow-key'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const retry = sending.send(request('slow-key'));
    const [original, answered] = (await Promise.all([first, retry])) as MessageRecord[];
    expect(sender.sends).toBe(1);
    expect(answered).toEqual(original);
    expect(original!.status).toBe('SENT');
  });
});
