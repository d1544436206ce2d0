import { afterAll, describe, expect, it } from '@jest/globals';
import type { QuotaPolicy } from '../../../../src/config.js';
import type { RedisClient } from '../../../../src/infra/redis/redis-connection.js';
import { RedisLock } from '../../../../src/infra/redis/redis-lock.js';
import type { LedgerStore } from '../../../../src/services/ledger/ledger-store.js';
import { MemoryLedgerStore } from '../../../../src/services/ledger/memory-ledger-store.js';
import { RedisLedgerStore } from '../../../../src/services/ledger/redis-ledger-store.js';
import { MemoryMessageStore } from '../../../../src/services/messages/memory-message-store.js';
import type { MessageStore } from '../../../../src/services/messages/message-store.js';
import { RedisMessageStore } from '../../../../src/services/messages/redis-message-store.js';
import { MemoryIdempotencyStore } from '../../../../src/services/sending/idempotency/memory-idempotency-store.js';
import {
  ChainedKeyedMutex,
  userSendLockKey,
} from '../../../../src/services/sending/keyed-mutex.js';
import { RedisSentRecorder } from '../../../../src/services/sending/redis-sent-recorder.js';
import { SendService } from '../../../../src/services/sending/send-service.js';
import { MessageProcessor } from '../../../../src/services/delivery/message-processor.js';
import {
  SeparateSentRecorder,
  type SentRecorder,
} from '../../../../src/services/sending/sent-recorder.js';
import { TemplateRegistry } from '../../../../src/services/templates/index.js';
import { TemplateCatalog } from '../../../../src/services/templates/template-catalog.js';
import { TransportError } from '../../../../src/services/wechat/client/http-transport.js';
import { WeChatError } from '../../../../src/services/wechat/client/wechat-error.js';
import { UpstreamUnavailableError } from '../../../../src/shared/errors.js';
import { MemoryLock, type DistributedLock } from '../../../../src/shared/lock.js';
import { recordingLogger } from '../../../helpers/recording-logger.js';
import {
  deleteTestPrefix,
  describeRedis,
  uniquePrefix,
  useTestRedis,
} from '../../../helpers/redis.js';
import { templateWith } from '../../../helpers/templates.js';
import { sentMessageRecord } from '../../../helpers/message-record.js';

const APP = 'wxsendlock0001';
const template = templateWith('thing1');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Outcome = 'sent' | 'refused' | 'transport' | 'thrown';

/** A WeChat that notes how many sends to one user overlap, and answers as told per call. */
function watchingSender(outcomes: () => Outcome) {
  const sender = {
    inFlight: 0,
    maxInFlight: 0,
    calls: 0,
    async sendSubscribeMessage() {
      sender.calls += 1;
      sender.inFlight += 1;
      sender.maxInFlight = Math.max(sender.maxInFlight, sender.inFlight);
      try {
        await sleep(15);
        switch (outcomes()) {
          case 'sent':
            return { msgid: String(2_000_000 + sender.calls), attempts: 1 };
          case 'refused':
            throw new WeChatError('/cgi-bin/message/subscribe/send', 40003, 'invalid openid');
          case 'transport':
            throw new UpstreamUnavailableError('WeChat did not answer', {
              cause: new TransportError('connect refused', 'ECONNREFUSED', false),
            });
          case 'thrown':
            throw new Error('a bug in the transport');
        }
      } finally {
        sender.inFlight -= 1;
      }
    },
  };
  return sender;
}

/** The stores and the lock one gateway process sees. */
interface ProcessParts {
  messages: MessageStore;
  ledger: LedgerStore;
  sentRecorder: SentRecorder;
  lock: DistributedLock;
}

/**
 * Two gateway processes' send services over one backend. The lease is long and the wait short,
 * so a lock left behind by a send makes the next one fail (LockTimeoutError) instead of waiting.
 */
function twoProcesses(
  parts: [ProcessParts, ProcessParts],
  sender: ReturnType<typeof watchingSender>,
  quotaPolicy: QuotaPolicy,
) {
  return parts.map(
    (p) =>
      new SendService({
        appId: APP,
        catalog: new TemplateCatalog(new TemplateRegistry([template])),
        sender,
        ledger: p.ledger,
        messages: p.messages,
        sentRecorder: p.sentRecorder,
        idempotency: new MemoryIdempotencyStore(),
        userMutex: new ChainedKeyedMutex({ shared: p.lock, ttlMs: 60_000, waitMs: 3000 }),
        quotaPolicy,
        logger: recordingLogger(),
      }),
  ) as [SendService, SendService];
}

/** `count` popup accepts of the template by `openid`: as many one-time credits. */
async function grantCredits(ledger: LedgerStore, openid: string, count: number): Promise<void> {
  const key = { appId: APP, openid, templateId: template.id };
  for (let i = 0; i < count; i++)
    await ledger.record(key, {
      status: 'ACCEPT',
      longTerm: false,
      source: 'client',
      at: new Date(),
    });
}

const request = (openid: string) => ({
  openid,
  templateId: template.id,
  data: { thing1: '已发货' },
});

function sendLockSuite(backend: string, makeParts: () => [ProcessParts, ProcessParts]) {
  describe.each(['track', 'enforce'] as const)(`[${backend}] QUOTA_POLICY=%s`, (quotaPolicy) => {
    it('never lets two processes send to one user at once, whatever the outcomes, and leaves the lock free', async () => {
      const parts = makeParts();
      const openid = `oSendLock${quotaPolicy}Mixed`;
      const cycle: Outcome[] = ['sent', 'refused', 'sent', 'transport', 'sent', 'thrown'];
      let next = 0;
      const sender = watchingSender(() => cycle[next++ % cycle.length]!);
      const [a, b] = twoProcesses(parts, sender, quotaPolicy);
      await grantCredits(parts[0].ledger, openid, 12);

      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).send(request(openid))),
      );
      expect(sender.calls).toBe(12);
      expect(sender.maxInFlight).toBe(1);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(8);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(4);
      const free = await parts[1].lock.tryAcquire(userSendLockKey(APP, openid), 1000);
      expect(free).not.toBeNull();
      await free!.release();
    });

    it('serialises engine sends in one process with direct sends in the other, and leaves the lock free', async () => {
      const parts = makeParts();
      const openid = `oSendLock${quotaPolicy}Engine`;
      const cycle: Outcome[] = ['sent', 'refused', 'sent', 'sent'];
      let next = 0;
      const sender = watchingSender(() => cycle[next++ % cycle.length]!);
      const [direct] = twoProcesses(parts, sender, quotaPolicy);
      const engine = new MessageProcessor({
        appId: APP,
        messages: parts[1].messages,
        ledger: parts[1].ledger,
        sentRecorder: parts[1].sentRecorder,
        catalog: new TemplateCatalog(new TemplateRegistry([template])),
        sender,
        userMutex: new ChainedKeyedMutex({ shared: parts[1].lock, ttlMs: 60_000, waitMs: 3000 }),
        quotaPolicy,
        logger: recordingLogger(),
      });
      await grantCredits(parts[0].ledger, openid, 12);
      const now = new Date();
      const queued = Array.from({ length: 6 }, (_, i) =>
        sentMessageRecord({
          appId: APP,
          createdAt: now,
          openid,
          templateId: template.id,
          data: { thing1: `第${i}` },
          status: 'QUEUED',
          sentAt: null,
          attempts: 0,
          sendAt: now,
        }),
      );
      for (const m of queued) await parts[1].messages.create(m);

      await Promise.allSettled([
        ...queued.map((m) => engine.process(m.id, 0)),
        ...queued.map(() => direct.send(request(openid))),
      ]);
      expect(sender.calls).toBe(12);
      expect(sender.maxInFlight).toBe(1);
      const statuses = await Promise.all(
        queued.map(async (m) => (await parts[0].messages.get(APP, m.id))?.status),
      );
      expect(statuses.every((status) => status === 'SENT' || status === 'FAILED')).toBe(true);
      const free = await parts[0].lock.tryAcquire(userSendLockKey(APP, openid), 1000);
      expect(free).not.toBeNull();
      await free!.release();
    });

    it.each(['sent', 'refused', 'transport', 'thrown'] as const)(
      'frees the lock when a send ends %s, so the other process sends at once',
      async (outcome) => {
        const parts = makeParts();
        const openid = `oSendLock${quotaPolicy}${outcome}`;
        let first = true;
        const sender = watchingSender(() => {
          const answer = first ? outcome : 'sent';
          first = false;
          return answer;
        });
        const [a, b] = twoProcesses(parts, sender, quotaPolicy);
        await grantCredits(parts[0].ledger, openid, 2);

        const ended = await a.send(request(openid)).catch((error: unknown) => error);
        if (outcome === 'sent') expect(ended).toMatchObject({ status: 'SENT' });
        else if (outcome === 'refused')
          expect(ended).toMatchObject({ status: 'FAILED', errcode: 40003 });
        else expect(ended).toBeInstanceOf(Error);
        // With the lock left behind, this send would wait out its 3 s and fail.
        expect(await b.send(request(openid))).toMatchObject({ status: 'SENT' });
      },
    );
  });
}

sendLockSuite('memory', () => {
  const messages = new MemoryMessageStore();
  const ledger = new MemoryLedgerStore();
  const lock = new MemoryLock();
  const parts = {
    messages,
    ledger,
    sentRecorder: new SeparateSentRecorder(messages, ledger),
    lock,
  };
  return [parts, parts];
});

describeRedis('the per-user send lock on Redis, two connections', () => {
  const first = useTestRedis();
  const second = useTestRedis();
  const prefixes: string[] = [];
  const partsOf = (client: RedisClient, prefix: string): ProcessParts => {
    const options = { client, prefix };
    return {
      messages: new RedisMessageStore(options),
      ledger: new RedisLedgerStore(options),
      sentRecorder: new RedisSentRecorder(options),
      lock: new RedisLock(options),
    };
  };
  sendLockSuite('redis', () => {
    const prefix = uniquePrefix('sendlock');
    prefixes.push(prefix);
    return [partsOf(first(), prefix), partsOf(second(), prefix)];
  });
  afterAll(async () => {
    for (const prefix of prefixes) await deleteTestPrefix(prefix);
  });
});
