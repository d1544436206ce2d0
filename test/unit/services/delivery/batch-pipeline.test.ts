import { describe, expect, it } from '@jest/globals';
import { WeChatError } from '../../../../src/services/wechat/client/wechat-error.js';
import type { CampaignVerdict } from '../../../../src/services/delivery/campaign-gate.js';
import { MemoryLedgerStore } from '../../../../src/services/ledger/memory-ledger-store.js';
import { MemoryMessageStore } from '../../../../src/services/messages/memory-message-store.js';
import type { MessageRecord } from '../../../../src/services/messages/message-store.js';
import { MessageProcessor } from '../../../../src/services/delivery/message-processor.js';
import { ChainedKeyedMutex } from '../../../../src/services/sending/keyed-mutex.js';
import type { SubscribeMessageSender } from '../../../../src/services/sending/send-service.js';
import { TemplateRegistry } from '../../../../src/services/templates/index.js';
import { TemplateCatalog } from '../../../../src/services/templates/template-catalog.js';
import { MemoryLock } from '../../../../src/shared/lock.js';
import { TEMPLATE } from '../../../helpers/delivery-harness.js';
import { queuedBatchRecord } from '../../../helpers/message-record.js';
import { recordingLogger } from '../../../helpers/recording-logger.js';

const APP = 'wxbatchpipe00001';
const CONCURRENCY = 2;

/** A sender whose calls hang until the test lets them answer, one at a time, oldest first. */
function heldSender() {
  const waiting: ((error?: Error) => void)[] = [];
  let inFlight = 0;
  let most = 0;
  let calls = 0;
  const sender: SubscribeMessageSender = {
    sendSubscribeMessage: async () => {
      inFlight++;
      calls++;
      most = Math.max(most, inFlight);
      const error = await new Promise<Error | undefined>((answer) => waiting.push(answer));
      inFlight--;
      if (error) throw error;
      return { msgid: '1', attempts: 1 };
    },
  };
  return {
    sender,
    calling: () => waiting.length,
    mostAtOnce: () => most,
    calls: () => calls,
    answerOne: () => waiting.shift()?.(),
    /** The oldest call answers 45011, as when the minute's quota is used up. */
    answerMinuteQuota: () =>
      waiting.shift()?.(
        new WeChatError('/cgi-bin/message/subscribe/send', 45011, 'api minute-quota reach limit'),
      ),
    /** Every call answers, one every 2 ms, until `settled` settles; then what it settled with. */
    answerAllUntil: async <T>(settled: Promise<T>): Promise<T> => {
      const answering = setInterval(() => waiting.shift()?.(), 2);
      try {
        return await settled;
      } finally {
        clearInterval(answering);
      }
    },
  };
}

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition not reached in 2.5 s');
}

async function statuses(messages: MemoryMessageStore, records: readonly MessageRecord[]) {
  const counts: Record<string, number> = {};
  for (const r of records) {
    const status = (await messages.get(APP, r.id))?.status ?? 'GONE';
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/** `n` QUEUED messages of the batch `batchId`, to users `${openidPrefix}0…`, stored in `messages`. */
async function storedBatch(
  messages: MemoryMessageStore,
  batchId: string,
  openidPrefix: string,
  n: number,
  extra: Partial<MessageRecord> = {},
): Promise<MessageRecord[]> {
  const now = new Date();
  const records = Array.from({ length: n }, (_, i) =>
    queuedBatchRecord({
      appId: APP,
      openid: `${openidPrefix}${i}`,
      templateId: TEMPLATE.id,
      createdAt: now,
      batchId,
      ...extra,
    }),
  );
  await messages.createMany(records);
  return records;
}

type ProcessorDeps = ConstructorParameters<typeof MessageProcessor>[0];

/** A processor of APP with the test template, a shared in-memory lock and QUOTA_POLICY=track. */
function processorFor(
  messages: MemoryMessageStore,
  sender: SubscribeMessageSender,
  overrides: Partial<ProcessorDeps> = {},
): MessageProcessor {
  return new MessageProcessor({
    appId: APP,
    messages,
    ledger: new MemoryLedgerStore(),
    catalog: new TemplateCatalog(new TemplateRegistry([TEMPLATE])),
    sender,
    userMutex: new ChainedKeyedMutex({ shared: new MemoryLock() }),
    quotaPolicy: 'track',
    logger: recordingLogger(),
    concurrency: CONCURRENCY,
    ...overrides,
  });
}

/** Runs `records` as the batch job `id`; no message of it may be handed to a job of its own. */
function runBatch(
  processor: MessageProcessor,
  id: string,
  records: readonly MessageRecord[],
  options: { campaignId?: string; stopping?: () => boolean } = {},
) {
  return processor.processBatch(
    {
      id,
      campaignId: options.campaignId ?? null,
      entries: records.map((m) => ({ id: m.id, openid: m.openid })),
    },
    { attempt: 0, stopping: options.stopping ?? (() => false), turnsTaken: 0 },
    () => Promise.reject(new Error('no message of this batch is handed off')),
  );
}

/**
 * `n` stored messages running as the batch job `batchId` on a processor (with `overrides`) whose
 * calls hang until the test answers them.
 */
async function heldBatch(
  batchId: string,
  openidPrefix: string,
  n: number,
  overrides: Partial<ProcessorDeps> = {},
) {
  const messages = new MemoryMessageStore();
  const records = await storedBatch(messages, batchId, openidPrefix, n);
  const wechat = heldSender();
  const processor = processorFor(messages, wechat.sender, overrides);
  return { messages, records, wechat, done: runBatch(processor, batchId, records) };
}

it('a batch keeps its next sends claimed while calls are in flight, and never calls WeChat more than `concurrency` at once', async () => {
  const { messages, records, wechat, done } = await heldBatch('batch-pipe-0', 'oPipe', 10);

  // Two calls hang; four more sends are readied behind them (claimed), and no more than that.
  await until(async () => wechat.calling() === CONCURRENCY);
  await until(async () => (await statuses(messages, records)).SENDING === 3 * CONCURRENCY);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await statuses(messages, records)).toEqual({ SENDING: 6, QUEUED: 4 });
  expect(wechat.calling()).toBe(CONCURRENCY);

  // One answer: its send is recorded, a readied send takes the call slot, the next is claimed.
  wechat.answerOne();
  await until(async () => (await statuses(messages, records)).SENT === 1);
  await until(async () => (await statuses(messages, records)).SENDING === 6);
  expect(wechat.calling()).toBe(CONCURRENCY);

  await expect(wechat.answerAllUntil(done)).resolves.toEqual({ kind: 'done' });
  expect(await statuses(messages, records)).toEqual({ SENT: 10 });
  expect(wechat.mostAtOnce()).toBe(CONCURRENCY);
});

/** A rate limit that grants every turn asked for and counts them. */
function countingLimiter() {
  let turns = 0;
  return {
    takeSends: async (n: number) => {
      turns += n;
      return { granted: n, retryInMs: 0, yielded: false };
    },
    turns: () => turns,
  };
}

it('a batch takes the turns of its next sends ahead of their claims, and no more than twice `concurrency` of them', async () => {
  const limiter = countingLimiter();
  const { messages, records, wechat, done } = await heldBatch('batch-pipe-turns', 'oTurn', 20, {
    takeSends: limiter.takeSends,
  });

  // Two calls hang and four sends are claimed behind them; four more have their turns, unclaimed.
  await until(async () => (await statuses(messages, records)).SENDING === 3 * CONCURRENCY);
  await until(() => limiter.turns() === 5 * CONCURRENCY);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(limiter.turns()).toBe(5 * CONCURRENCY);
  expect(await statuses(messages, records)).toEqual({ SENDING: 6, QUEUED: 14 });

  await expect(wechat.answerAllUntil(done)).resolves.toEqual({ kind: 'done' });
  expect(limiter.turns()).toBe(20);
  expect(await statuses(messages, records)).toEqual({ SENT: 20 });
});

it('on the single path (no lock in the store) a batch takes its turns in the line, none ahead', async () => {
  const limiter = countingLimiter();
  const { wechat, done } = await heldBatch('batch-pipe-single-turns', 'oSingleTurn', 20, {
    takeSends: limiter.takeSends,
    userMutex: new ChainedKeyedMutex({}),
  });

  // Two calls hang and two sends wait for a call slot in the line, each with its turn: no more.
  await until(() => wechat.calling() === CONCURRENCY);
  await until(() => limiter.turns() === 2 * CONCURRENCY);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(limiter.turns()).toBe(2 * CONCURRENCY);

  await expect(wechat.answerAllUntil(done)).resolves.toEqual({ kind: 'done' });
  expect(limiter.turns()).toBe(20);
});

it('single jobs take their calls from the same slots as batch sends', async () => {
  const messages = new MemoryMessageStore();
  const now = new Date();
  const queued = (openid: string, batchId: string | null) =>
    queuedBatchRecord({ appId: APP, openid, templateId: TEMPLATE.id, createdAt: now, batchId });
  const batched = Array.from({ length: 4 }, (_, i) => queued(`oBatch${i}`, 'batch-pipe-1'));
  const single = Array.from({ length: 3 }, (_, i) => queued(`oSingle${i}`, null));
  await messages.createMany([...batched, ...single]);
  const wechat = heldSender();
  const processor = processorFor(messages, wechat.sender);
  const all = [
    runBatch(processor, 'batch-pipe-1', batched),
    ...single.map((m) => processor.process(m.id, 0)),
  ];
  await until(() => wechat.calling() === CONCURRENCY);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(wechat.calling()).toBe(CONCURRENCY);
  await wechat.answerAllUntil(Promise.all(all));
  expect(await statuses(messages, [...batched, ...single])).toEqual({ SENT: 7 });
  expect(wechat.mostAtOnce()).toBe(CONCURRENCY);
});

describe('a campaign paused or cancelled while sends are readied', () => {
  // track: claimed and recorded in groups (a line twice the call slots); enforce: each on the
  // single path, its credit reserved before the claim (a line as long as the call slots).
  for (const policy of ['track', 'enforce'] as const)
    for (const [change, readiedBecome] of [
      ['hold', { status: 'QUEUED', skipReason: null }],
      ['cancel', { status: 'SKIPPED', skipReason: 'CAMPAIGN_CANCELLED' }],
    ] as const) {
      it(`${policy}, ${change}: the readied sends are not called; they end ${readiedBecome.status}`, async () => {
        const readied = policy === 'track' ? 2 * CONCURRENCY : CONCURRENCY;
        const messages = new MemoryMessageStore();
        const now = new Date();
        const records = await storedBatch(messages, 'batch-gate-0', 'oGate', 8, {
          campaignId: 'cmpGate',
        });
        const ledger = new MemoryLedgerStore();
        for (const r of records)
          await ledger.record(
            { appId: APP, openid: r.openid, templateId: TEMPLATE.id },
            { status: 'ACCEPT', longTerm: false, source: 'client', at: now },
          );
        let verdict: CampaignVerdict = 'send';
        const wechat = heldSender();
        const processor = processorFor(messages, wechat.sender, {
          ledger,
          quotaPolicy: policy,
          campaignGate: { verdict: () => Promise.resolve(verdict) },
        });
        const done = runBatch(processor, 'batch-gate-0', records, { campaignId: 'cmpGate' });
        await until(
          async () => (await statuses(messages, records)).SENDING === CONCURRENCY + readied,
        );
        verdict = change;
        await expect(wechat.answerAllUntil(done)).resolves.toMatchObject({
          kind: change === 'hold' ? 'later' : 'done',
        });
        // Only the calls already under way were made.
        expect(wechat.mostAtOnce()).toBe(CONCURRENCY);
        expect(wechat.calls()).toBe(CONCURRENCY);
        const counts = await statuses(messages, records);
        expect(counts).toEqual({ SENT: CONCURRENCY, [readiedBecome.status]: 8 - CONCURRENCY });
        for (const r of records) {
          const m = await messages.get(APP, r.id);
          const credit = await ledger.get({
            appId: APP,
            openid: r.openid,
            templateId: TEMPLATE.id,
          });
          // A credit is spent only by the sends that were made, whatever the policy.
          if (m?.status === 'SENT') expect(credit).toMatchObject({ remaining: 0 });
          else {
            expect(m).toMatchObject(readiedBecome);
            expect(credit).toMatchObject({ remaining: 1 });
          }
        }
      });
    }
});

it('after a quota answer, the readied sends of the batch go back QUEUED without a call', async () => {
  const { messages, records, wechat, done } = await heldBatch('batch-quota-0', 'oQuota', 8);
  await until(async () => (await statuses(messages, records)).SENDING === 3 * CONCURRENCY);
  wechat.answerMinuteQuota();
  await expect(wechat.answerAllUntil(done)).resolves.toMatchObject({
    kind: 'quota',
    scope: 'minute',
  });
  // The call that answered 45011 and the one beside it; nobody else was called.
  expect(wechat.calls()).toBe(CONCURRENCY);
  expect(await statuses(messages, records)).toEqual({ SENT: 1, QUEUED: 7 });
});

it('a batch send waiting for its user, behind a single job of the same user, never holds the call slot that job needs', async () => {
  const messages = new MemoryMessageStore();
  const ledger = new MemoryLedgerStore();
  const now = new Date();
  const key = { appId: APP, openid: 'oShared', templateId: TEMPLATE.id };
  for (let i = 0; i < 2; i++)
    await ledger.record(key, { status: 'ACCEPT', longTerm: false, source: 'client', at: now });
  const own = queuedBatchRecord({ ...key, createdAt: now, batchId: null });
  const batched = queuedBatchRecord({ ...key, createdAt: now, batchId: 'batch-lock-0' });
  await messages.createMany([own, batched]);
  // The single job holds the user's lock a while before its call: time for the batch's send to
  // reach the lock first.
  const slowReserve: typeof ledger = Object.create(ledger) as typeof ledger;
  slowReserve.reserve = async (k, at) => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    return ledger.reserve(k, at);
  };
  const processor = processorFor(
    messages,
    { sendSubscribeMessage: () => Promise.resolve({ msgid: '1', attempts: 1 }) },
    { ledger: slowReserve, quotaPolicy: 'enforce', concurrency: 1 },
  );
  const single = processor.process(own.id, 0);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const batch = runBatch(processor, 'batch-lock-0', [batched]);
  await expect(Promise.all([single, batch])).resolves.toEqual([{ kind: 'done' }, { kind: 'done' }]);
  expect(await statuses(messages, [own, batched])).toEqual({ SENT: 2 });
}, 10_000);

it('a quota answer to one batch stops the readied sends of every other batch of the process', async () => {
  const messages = new MemoryMessageStore();
  const batches = [
    await storedBatch(messages, 'batch-quota-a', 'oQuotaA', 4),
    await storedBatch(messages, 'batch-quota-b', 'oQuotaB', 4),
  ];
  const wechat = heldSender();
  const processor = processorFor(messages, wechat.sender);
  const done = batches.map((records) => runBatch(processor, records[0]!.batchId!, records));
  const all = batches.flat();
  await until(async () => (await statuses(messages, all)).SENDING === 3 * CONCURRENCY);
  wechat.answerMinuteQuota();
  expect(await wechat.answerAllUntil(Promise.all(done))).toEqual([
    expect.objectContaining({ kind: 'quota', scope: 'minute' }),
    expect.objectContaining({ kind: 'quota', scope: 'minute' }),
  ]);
  expect(wechat.calls()).toBe(CONCURRENCY);
  expect(await statuses(messages, all)).toEqual({ SENT: 1, QUEUED: 7 });
});

it('a quota answer holds the engine’s sends (every process’s) at once, while the batch’s other calls are still in flight', async () => {
  const holds: { until: Date; scope: string }[] = [];
  const { wechat, done } = await heldBatch('batch-quota-hold', 'oQuotaHold', 8, {
    holdSends: async (until, scope) => {
      holds.push({ until, scope });
    },
  });
  await until(() => wechat.calling() === CONCURRENCY);
  wechat.answerMinuteQuota();
  await until(() => holds.length > 0);
  expect(wechat.calling()).toBe(CONCURRENCY - 1);
  expect(holds).toEqual([{ until: expect.any(Date), scope: 'minute' }]);
  expect(holds[0]!.until.getTime()).toBeGreaterThan(Date.now());
  await wechat.answerAllUntil(done);
});

it('a send waiting a long while for the rate limit notices a shutdown at once', async () => {
  const messages = new MemoryMessageStore();
  const now = new Date();
  const record = queuedBatchRecord({
    appId: APP,
    openid: 'oWaiting',
    templateId: TEMPLATE.id,
    createdAt: now,
    batchId: 'batch-wait-0',
  });
  await messages.createMany([record]);
  let stopping = false;
  const processor = processorFor(messages, heldSender().sender, {
    // The limit is used up for the next minute, as after a quota answer.
    takeSends: () => Promise.resolve({ granted: 0, retryInMs: 60_000, yielded: false }),
  });
  const done = runBatch(processor, 'batch-wait-0', [record], { stopping: () => stopping });
  await new Promise((resolve) => setTimeout(resolve, 100));
  stopping = true;
  // It gives up waiting rather than sleep out the minute, which this test's timeout would not allow.
  await expect(done).resolves.toMatchObject({ kind: 'later' });
  expect((await messages.get(APP, record.id))?.status).toBe('QUEUED');
});
