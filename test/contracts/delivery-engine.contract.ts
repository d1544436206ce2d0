import { afterEach, describe, expect, it } from '@jest/globals';
import { BadUserInputError } from '../../src/shared/errors.js';
import type { ScheduleRequest } from '../../src/services/delivery/schedule-request.js';
import {
  newMessageId,
  directSendFields,
  type MessageRecord,
} from '../../src/services/messages/message-store.js';
import { queuedBatchRecord } from '../helpers/message-record.js';
import {
  startDeliveryHarness,
  type DeliveryHarness,
  type EngineChoice,
  type HarnessOptions,
} from '../helpers/delivery-harness.js';

const FINAL = ['SENT', 'FAILED', 'UNKNOWN', 'SKIPPED', 'CANCELLED'] as const;
let serial = 0;
const openid = () => `oDelivery${Date.now().toString(36)}${serial++}`;
const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

/** Every state and outcome of the delivery engine, run once per engine. */
export function deliveryEngineContract(kind: EngineChoice): void {
  describe(`DeliveryEngine contract: ${kind}`, () => {
    let harness: DeliveryHarness | null = null;
    const start = async (options: HarnessOptions = {}) => {
      harness = await startDeliveryHarness(kind, options);
      return harness;
    };
    afterEach(async () => {
      await harness?.close();
      harness = null;
    });
    const request = (h: DeliveryHarness, overrides: Partial<ScheduleRequest> = {}) =>
      ({
        openid: openid(),
        templateId: h.templateId,
        data: { thing1: '您的订单已发货' },
        when: { delaySeconds: 1 },
        ...overrides,
      }) as ScheduleRequest;
    const count = async (h: DeliveryHarness) =>
      (await h.stores.messages.list(h.appId, {}, { first: 1 })).totalCount;

    it('sends a delayed message: SCHEDULED, then SENT with WeChat’s msgid', async () => {
      const h = await start();
      const message = await h.delivery.service.schedule(request(h));
      expect(message).toMatchObject({ status: 'SCHEDULED', attempts: 0, msgid: null });
      expect(message.sendAt!.getTime()).toBe(message.createdAt.getTime() + 1000);
      const sent = await h.waitFor(message.id, FINAL);
      expect(sent).toMatchObject({ status: 'SENT', msgid: h.stub.msgid, attempts: 1 });
      expect(h.stub.sendLog).toEqual([{ touser: message.openid, templateId: h.templateId }]);
      const reported = h.logger.lines.filter((l) => l.msg === 'send finished');
      expect(reported.map((l) => [l.fields.messageId, l.fields.status, l.fields.attempts])).toEqual(
        [[message.id, 'SENT', 1]],
      );
    });

    it('queues a message whose sendAt is within the last minute and sends it at once', async () => {
      const h = await start();
      const message = await h.delivery.service.schedule(
        request(h, { when: { sendAt: inSeconds(-30) } }),
      );
      expect(message.status).toBe('QUEUED');
      expect((await h.waitFor(message.id, FINAL)).status).toBe('SENT');
    });

    it('refuses bad input naming the field, and stores nothing', async () => {
      const h = await start();
      const cases: [Partial<ScheduleRequest>, string][] = [
        [{ when: {} }, 'when'],
        [{ when: { delaySeconds: 5, sendAt: inSeconds(5) } }, 'when'],
        [{ when: { delaySeconds: 0 } }, 'when.delaySeconds'],
        [{ when: { delaySeconds: 31_536_001 } }, 'when.delaySeconds'],
        [{ when: { delaySeconds: 1.5 } }, 'when.delaySeconds'],
        [{ when: { sendAt: inSeconds(-61) } }, 'when.sendAt'],
        [
          { when: { trigger: { name: 'paid', matchKey: 'o1', timeoutAt: inSeconds(-1) } } },
          'when.trigger.timeoutAt',
        ],
        [{ expiresAt: inSeconds(-1) }, 'expiresAt'],
        // Due at or after its expiry: it could only ever be skipped.
        [{ when: { sendAt: inSeconds(120) }, expiresAt: inSeconds(60) }, 'expiresAt'],
        [{ when: { delaySeconds: 60 }, expiresAt: inSeconds(30) }, 'expiresAt'],
        [{ openid: 'has space' }, 'openid'],
        [{ data: { thing1: 'x'.repeat(21) } }, 'thing1'],
        [{ page: '/pages/index' }, 'page'],
        [{ key: '' }, 'key'],
      ];
      for (const [overrides, field] of cases) {
        const error = await h.delivery.service
          .schedule(request(h, overrides))
          .catch((e: unknown) => e);
        expect({ field, error }).toEqual({ field, error: expect.any(BadUserInputError) });
        expect({ field, got: (error as BadUserInputError).field }).toEqual({ field, got: field });
      }
      expect(await count(h)).toBe(0);
      expect(await h.delivery.engine.status()).toMatchObject({ pausedUntil: null });
    });

    it('answers the same key and input with the same message, and refuses other input', async () => {
      const h = await start();
      const input = request(h, { key: 'order-42:shipped', when: { delaySeconds: 1 } });
      const first = await h.delivery.service.schedule(input);
      const again = await h.delivery.service.schedule({ ...input });
      expect(again.id).toBe(first.id);
      const conflict = await h.delivery.service
        .schedule({ ...input, data: { thing1: '另一个' } })
        .catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(BadUserInputError);
      expect(conflict).toMatchObject({ field: 'key' });
      expect((await h.delivery.service.messageByKey('order-42:shipped'))?.id).toBe(first.id);
      await h.waitFor(first.id, FINAL);
      expect(h.stub.counts.sends).toBe(1);
      expect(await count(h)).toBe(1);
    });

    it('cancels only what has not started, by id or key', async () => {
      const h = await start();
      const later = await h.delivery.service.schedule(
        request(h, { key: 'cancel-me', when: { delaySeconds: 600 } }),
      );
      expect(await h.delivery.engine.hasJob(later.id)).toBe(true);
      const cancelled = await h.delivery.service.cancel({ key: 'cancel-me' });
      expect(cancelled).toMatchObject({ outcome: 'CANCELLED', message: { status: 'CANCELLED' } });
      expect(await h.delivery.engine.hasJob(later.id)).toBe(false);
      expect((await h.delivery.service.cancel({ id: later.id })).outcome).toBe('ALREADY_FINAL');
      expect((await h.delivery.service.cancel({ id: newMessageId() })).outcome).toBe('NOT_FOUND');

      h.stub.sendDelayMs = 1500;
      const busy = await h.delivery.service.schedule(request(h, { when: { sendAt: new Date() } }));
      await h.waitFor(busy.id, ['SENDING']);
      expect(await h.delivery.service.cancel({ id: busy.id })).toMatchObject({
        outcome: 'TOO_LATE',
        message: { status: 'SENDING' },
      });
      expect((await h.waitFor(busy.id, FINAL)).status).toBe('SENT');
      expect(h.stub.counts.sends).toBe(1);
    });

    it('never sends a message cancelled around its due time', async () => {
      const h = await start();
      const messages = [];
      for (let i = 0; i < 10; i++)
        messages.push(
          await h.delivery.service.schedule(request(h, { when: { sendAt: inSeconds(0.3) } })),
        );
      await new Promise((resolve) => setTimeout(resolve, 250));
      const outcomes = await Promise.all(
        messages.map((m) => h.delivery.service.cancel({ id: m.id })),
      );
      const finals = await Promise.all(messages.map((m) => h.waitFor(m.id, FINAL)));
      const cancelled = outcomes.filter((o) => o.outcome === 'CANCELLED').length;
      expect(finals.filter((m) => m.status === 'CANCELLED')).toHaveLength(cancelled);
      expect(finals.filter((m) => m.status === 'SENT')).toHaveLength(10 - cancelled);
      expect(h.stub.counts.sends).toBe(10 - cancelled);
    });

    it('reschedules a waiting message', async () => {
      const h = await start();
      const message = await h.delivery.service.schedule(
        request(h, { when: { delaySeconds: 3600 } }),
      );
      const moved = await h.delivery.service.reschedule({ id: message.id }, new Date());
      expect(moved.status).toBe('QUEUED');
      expect((await h.waitFor(message.id, FINAL)).status).toBe('SENT');
      const expiring = await h.delivery.service.schedule(
        request(h, { when: { delaySeconds: 3600 }, expiresAt: inSeconds(7200) }),
      );
      await expect(
        h.delivery.service.reschedule({ id: expiring.id }, inSeconds(7300)),
      ).rejects.toMatchObject({
        field: 'sendAt',
        message: expect.stringContaining('must be before the message’s expiresAt'),
      });
      expect((await h.stores.messages.get(h.appId, expiring.id))?.sendAt).toEqual(expiring.sendAt);
      await expect(
        h.delivery.service.reschedule({ id: message.id }, new Date()),
      ).rejects.toMatchObject({
        field: 'id',
      });
    });

    it('holds a message for its trigger, and skips it at the timeout', async () => {
      const h = await start();
      const trigger = { name: 'order.paid', matchKey: 'order-7', timeoutAt: inSeconds(600) };
      const fired = await h.delivery.service.schedule(request(h, { when: { trigger } }));
      expect(fired).toMatchObject({ status: 'HELD', trigger });
      expect(await h.delivery.service.fireTrigger('order.paid', 'order-8')).toBe(0);
      expect(await h.delivery.service.fireTrigger('order.paid', 'order-7')).toBe(1);
      expect((await h.waitFor(fired.id, FINAL)).status).toBe('SENT');
      expect(await h.delivery.service.fireTrigger('order.paid', 'order-7')).toBe(0);
      await expect(h.delivery.service.fireTrigger('  ', 'order-7')).rejects.toMatchObject({
        field: 'name',
      });
      await expect(h.delivery.service.fireTrigger('order.paid', '\u200b')).rejects.toMatchObject({
        field: 'matchKey',
      });

      const timedOut = await h.delivery.service.schedule(
        request(h, { when: { trigger: { ...trigger, timeoutAt: inSeconds(1) } } }),
      );
      expect(await h.waitFor(timedOut.id, FINAL)).toMatchObject({
        status: 'SKIPPED',
        skipReason: 'TRIGGER_TIMEOUT',
      });
      expect(h.stub.counts.sends).toBe(1);
    });

    it('skips a message due after its expiresAt without calling WeChat', async () => {
      const h = await start();
      const held = (matchKey: string) =>
        h.delivery.service.schedule(
          request(h, {
            when: { trigger: { name: 't', matchKey, timeoutAt: inSeconds(600) } },
            expiresAt: inSeconds(0.5),
          }),
        );
      // Nobody fires it: it expires on its own, long before its trigger's timeout.
      const waiting = await held('never');
      expect(await h.waitFor(waiting.id, FINAL)).toMatchObject({
        status: 'SKIPPED',
        skipReason: 'EXPIRED',
      });
      // Its job lost: a fire after the expiry does not release it, and the sweeper skips the other.
      const [fired, swept] = [await held('late'), await held('swept')];
      await h.delivery.engine.remove(fired.id);
      await h.delivery.engine.remove(swept.id);
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(await h.delivery.service.fireTrigger('t', 'late')).toBe(0);
      expect(await h.stores.messages.get(h.appId, fired.id)).toMatchObject({
        status: 'SKIPPED',
        skipReason: 'EXPIRED',
      });
      expect((await h.delivery.sweeper.sweep())?.timedOut).toBe(1);
      expect(await h.stores.messages.get(h.appId, swept.id)).toMatchObject({
        status: 'SKIPPED',
        skipReason: 'EXPIRED',
      });
      expect(h.stub.counts.sends).toBe(0);
    });

    it('skips a message without credit under QUOTA_POLICY=enforce without calling WeChat', async () => {
      const h = await start({ quotaPolicy: 'enforce' });
      const message = await h.delivery.service.schedule(
        request(h, { when: { sendAt: new Date() } }),
      );
      expect(await h.waitFor(message.id, FINAL)).toMatchObject({
        status: 'SKIPPED',
        skipReason: 'NO_CREDIT',
      });
      expect(h.stub.counts.sends).toBe(0);
    });

    it('retries WeChat’s -1 with backoff and counts the calls', async () => {
      const h = await start();
      h.stub.sendErrors = [-1, -1, -1]; // the client's own three tries, then the engine's retry
      const message = await h.delivery.service.schedule(
        request(h, { when: { sendAt: new Date() } }),
      );
      expect(await h.waitFor(message.id, FINAL)).toMatchObject({ status: 'SENT', attempts: 4 });
      expect(h.stub.counts.sends).toBe(4);
    });

    it('fails at once on a permanent refusal', async () => {
      const h = await start();
      h.stub.sendErrors = [43101];
      const message = await h.delivery.service.schedule(
        request(h, { when: { sendAt: new Date() } }),
      );
      expect(await h.waitFor(message.id, FINAL)).toMatchObject({
        status: 'FAILED',
        errcode: 43101,
        attempts: 1,
      });
      expect(h.stub.counts.sends).toBe(1);
    });

    it('waits out the minute quota (45011) without counting it as an attempt', async () => {
      const h = await start({
        processor: { quotaReset: { minute: () => inSeconds(1), day: () => inSeconds(1) } },
      });
      h.stub.sendErrors = [45011];
      const message = await h.delivery.service.schedule(
        request(h, { when: { sendAt: new Date() } }),
      );
      await h.waitFor(message.id, ['QUEUED']);
      expect(await h.waitFor(message.id, FINAL)).toMatchObject({ status: 'SENT', attempts: 1 });
      expect(h.stub.counts.sends).toBe(2);
    });

    it('pauses the app on the daily quota (45009) and shows it in the health', async () => {
      const h = await start({
        processor: { quotaReset: { minute: () => inSeconds(2), day: () => inSeconds(2) } },
      });
      h.stub.sendErrors = [45009];
      const message = await h.delivery.service.schedule(
        request(h, { when: { sendAt: new Date() } }),
      );
      await h.waitFor(message.id, ['QUEUED']);
      let health = await h.delivery.service.health();
      // The engine pauses right after the message is requeued.
      for (let i = 0; i < 100 && !health.paused; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        health = await h.delivery.service.health();
      }
      expect(health).toMatchObject({ engine: kind, paused: true, queued: 1 });
      expect(health.pausedUntil!.getTime()).toBeGreaterThan(Date.now());
      expect(await h.waitFor(message.id, FINAL)).toMatchObject({ status: 'SENT', attempts: 1 });
      expect((await h.delivery.service.health()).paused).toBe(false);
    });

    it('holds every send at once on holdSends, never shortening a longer hold', async () => {
      const h = await start({ runWorkers: false });
      const { engine } = h.delivery;
      expect(await engine.takeSends(1, false)).toMatchObject({ granted: 1 });
      await engine.holdSends(inSeconds(30), 'minute');
      const held = await engine.takeSends(1, false);
      expect(held.granted).toBe(0);
      expect(held.retryInMs).toBeGreaterThan(20_000);
      expect((await engine.status()).pausedUntil).toBeNull();
      // A shorter hold that comes later (another send's minute quota) leaves the longer one.
      await engine.holdSends(inSeconds(1), 'minute');
      expect((await engine.takeSends(1, false)).retryInMs).toBeGreaterThan(20_000);
      await engine.holdSends(inSeconds(60), 'day');
      expect((await engine.takeSends(1, false)).retryInMs).toBeGreaterThan(50_000);
      expect((await engine.status()).pausedUntil!.getTime()).toBeGreaterThan(
        inSeconds(50).getTime(),
      );
    });

    it('shows a due message the rate limit keeps waiting as QUEUED, in the log and the health', async () => {
      const h = await start({ rateLimit: { max: 1, perSeconds: 1 } });
      const sendAt = inSeconds(1);
      const messages = await Promise.all(
        Array.from({ length: 5 }, () =>
          h.delivery.service.schedule(request(h, { when: { sendAt } })),
        ),
      );
      expect(messages.map((m) => m.status)).toEqual(Array(5).fill('SCHEDULED'));
      expect(await h.delivery.service.health()).toMatchObject({ scheduled: 5, queued: 0 });
      let waiting = { queued: 0, scheduled: 5 };
      for (let i = 0; i < 200 && waiting.scheduled > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        waiting = await h.delivery.service.health();
      }
      // One send a second: after sendAt, the others wait their turn QUEUED, none still SCHEDULED.
      expect(waiting.queued).toBeGreaterThan(0);
      expect(waiting.scheduled).toBe(0);
      const queued = await h.stores.messages.list(h.appId, { statuses: ['QUEUED'] }, { first: 10 });
      expect(queued.items.every((m) => m.sendAt!.getTime() === sendAt.getTime())).toBe(true);
      for (const m of messages) expect((await h.waitFor(m.id, FINAL)).status).toBe('SENT');
      expect(h.stub.sendLog).toHaveLength(5);
    });

    it('marks a message found SENDING UNKNOWN and never sends it', async () => {
      const h = await start();
      const id = newMessageId();
      const now = new Date();
      const scheduled = await h.delivery.service.schedule(
        request(h, { when: { delaySeconds: 3600 } }),
      );
      await h.stores.messages.create({
        ...scheduled,
        ...directSendFields(now),
        id,
        status: 'SENDING',
      });
      await h.delivery.engine.enqueue(id, now);
      expect((await h.waitFor(id, FINAL)).status).toBe('UNKNOWN');
      expect(h.stub.counts.sends).toBe(0);
    });

    it('sweeps: re-enqueues a due message whose job is lost, and expires abandoned sends', async () => {
      const h = await start({ sendingLeaseMs: 5000 });
      const lost = await h.delivery.service.schedule(request(h, { when: { delaySeconds: 1 } }));
      await h.delivery.engine.remove(lost.id);
      expect(await h.delivery.engine.hasJob(lost.id)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      // Due and still waiting: SCHEDULED, or QUEUED once the promoter has seen it.
      expect(['SCHEDULED', 'QUEUED']).toContain(
        (await h.stores.messages.get(h.appId, lost.id))?.status,
      );
      const report = await h.delivery.sweeper.sweep();
      expect(report?.reenqueued).toBe(1);
      expect((await h.waitFor(lost.id, FINAL)).status).toBe('SENT');

      const stuck = newMessageId();
      await h.stores.messages.create({
        ...lost,
        ...directSendFields(new Date(Date.now() - 6000)),
        id: stuck,
        status: 'SENDING',
      });
      expect((await h.delivery.sweeper.sweep())?.abandoned).toBe(1);
      expect((await h.stores.messages.get(h.appId, stuck))?.status).toBe('UNKNOWN');
      expect(h.stub.counts.sends).toBe(1);
    });

    it('resolves an UNKNOWN message by marking it or sending it again', async () => {
      const h = await start();
      const scheduled = await h.delivery.service.schedule(
        request(h, { when: { delaySeconds: 3600 } }),
      );
      // What a worker that died mid-send leaves behind:
      const message = { ...scheduled, ...directSendFields(new Date()), id: newMessageId() };
      await h.stores.messages.create({ ...message, status: 'UNKNOWN', attempts: 1 });
      const failed = { ...message, ...directSendFields(new Date()), id: newMessageId() };
      await h.stores.messages.create({ ...failed, status: 'UNKNOWN' });
      expect(await h.delivery.service.resolveUnknown(failed.id, 'MARK_FAILED')).toMatchObject({
        status: 'FAILED',
      });
      await expect(
        h.delivery.service.resolveUnknown(newMessageId(), 'MARK_SENT'),
      ).rejects.toMatchObject({ field: 'id' });
      await expect(h.delivery.service.resolveUnknown(failed.id, 'MARK_SENT')).rejects.toMatchObject(
        { field: 'id' },
      );
      const resent = await h.delivery.service.resolveUnknown(message.id, 'RESEND');
      expect(resent.status).toBe('QUEUED');
      expect(await h.waitFor(message.id, ['SENT'])).toMatchObject({ status: 'SENT', attempts: 2 });
      expect(h.stub.counts.sends).toBe(1);
    });

    it('settles the credit with an UNKNOWN message: MARK_SENT spends it, MARK_FAILED gives back a reservation', async () => {
      for (const quotaPolicy of ['track', 'enforce'] as const) {
        const h = await start({ quotaPolicy });
        const scheduled = await h.delivery.service.schedule(
          request(h, { when: { delaySeconds: 3600 } }),
        );
        const key = { appId: h.appId, openid: scheduled.openid, templateId: h.templateId };
        for (let i = 0; i < 2; i++)
          await h.stores.ledger.record(key, {
            status: 'ACCEPT',
            longTerm: false,
            source: 'client',
            at: new Date(),
          });
        // What a send that got no answer leaves: under enforce, the credit it reserved.
        const unknown = async () => {
          if (quotaPolicy === 'enforce') await h.stores.ledger.reserve(key, new Date());
          const id = newMessageId();
          await h.stores.messages.create({
            ...scheduled,
            ...directSendFields(new Date()),
            id,
            status: 'UNKNOWN',
            attempts: 1,
            errmsg: 'no answer',
          });
          return id;
        };
        const credit = async () => {
          const entry = await h.stores.ledger.get(key);
          return { policy: quotaPolicy, remaining: entry?.remaining, sent: entry?.sent };
        };
        const sent = await h.delivery.service.resolveUnknown(await unknown(), 'MARK_SENT');
        expect(sent).toMatchObject({ status: 'SENT', errmsg: null });
        expect(await credit()).toEqual({ policy: quotaPolicy, remaining: 1, sent: 1 });
        await h.delivery.service.resolveUnknown(await unknown(), 'MARK_FAILED');
        expect(await credit()).toEqual({ policy: quotaPolicy, remaining: 1, sent: 1 });
        expect(h.stub.counts.sends).toBe(0);
        await h.close();
        harness = null;
      }
    });

    describe('batch jobs', () => {
      /** QUEUED messages of one batch job, stored as a campaign's fan-out stores them. */
      const batchOf = async (
        h: DeliveryHarness,
        batchId: string,
        n: number,
        extra: (i: number) => Partial<MessageRecord> = () => ({}),
      ) => {
        const now = new Date();
        const records: MessageRecord[] = Array.from({ length: n }, (_, i) =>
          queuedBatchRecord({
            appId: h.appId,
            openid: openid(),
            templateId: h.templateId,
            createdAt: now,
            batchId,
            data: { thing1: '活动通知' },
            ...extra(i),
          }),
        );
        await h.stores.messages.createMany(records);
        return {
          records,
          job: {
            id: batchId,
            campaignId: null,
            entries: records.map((r) => ({ id: r.id, openid: r.openid })),
          },
        };
      };
      const sentTo = (h: DeliveryHarness) => h.stub.sendLog.map((s) => s.touser).sort();

      it('sends every message of a batch once, each in its own turn of the rate limit', async () => {
        const h = await start({ rateLimit: { max: 3, perSeconds: 3 } });
        const { records, job } = await batchOf(h, 'batch-contract-0', 6);
        await h.delivery.engine.enqueueBatch(job, new Date());
        expect(await h.delivery.engine.hasJob(job.id)).toBe(true);
        // A second enqueue of the same batch adds nothing.
        await h.delivery.engine.enqueueBatch(job, new Date());
        await h.waitFor(records[0]!.id, ['SENT', 'QUEUED', 'SENDING']);
        for (let i = 0; i < 200 && h.stub.counts.sends === 0; i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
        await new Promise((resolve) => setTimeout(resolve, 500));
        // Three turns per three seconds, fetching the job one of them (its first send's): three
        // sends, and the rest wait for the next window.
        expect(h.stub.counts.sends).toBe(3);
        for (const r of records) await h.waitFor(r.id, ['SENT']);
        expect(sentTo(h)).toEqual(records.map((r) => r.openid).sort());
        for (const r of records)
          expect(await h.stores.messages.get(h.appId, r.id)).toMatchObject({
            status: 'SENT',
            msgid: h.stub.msgid,
            attempts: 1,
            sendingJob: job.id,
          });
        for (let i = 0; i < 100 && (await h.delivery.engine.hasJob(job.id)); i++)
          await new Promise((resolve) => setTimeout(resolve, 20));
        expect(await h.delivery.engine.hasJob(job.id)).toBe(false);
      });

      it('run again after its worker died, marks its own SENDING message UNKNOWN and leaves another job’s', async () => {
        const h = await start();
        const { records, job } = await batchOf(h, 'batch-contract-1', 3, (i) =>
          i === 0
            ? { status: 'SENDING', sendingJob: 'batch-contract-1' }
            : i === 1
              ? { status: 'SENDING', sendingJob: 'batch-contract-2' }
              : {},
        );
        await h.delivery.engine.enqueueBatch(job, new Date());
        await h.waitFor(records[2]!.id, ['SENT']);
        expect(await h.waitFor(records[0]!.id, ['UNKNOWN'])).toMatchObject({ attempts: 0 });
        expect((await h.stores.messages.get(h.appId, records[1]!.id))?.status).toBe('SENDING');
        expect(sentTo(h)).toEqual([records[2]!.openid]);
      });

      it('a message’s own job leaves it alone while a batch is sending it', async () => {
        const h = await start();
        const { records } = await batchOf(h, 'batch-contract-3', 1, () => ({
          status: 'SENDING',
          sendingJob: 'batch-contract-3',
        }));
        await h.delivery.engine.enqueue(records[0]!.id, new Date());
        for (let i = 0; i < 100 && (await h.delivery.engine.hasJob(records[0]!.id)); i++)
          await new Promise((resolve) => setTimeout(resolve, 20));
        expect(await h.delivery.engine.hasJob(records[0]!.id)).toBe(false);
        expect((await h.stores.messages.get(h.appId, records[0]!.id))?.status).toBe('SENDING');
        expect(h.stub.counts.sends).toBe(0);
      });

      it('the sweeper leaves a batch’s messages to its job, and queues them alone once it is lost', async () => {
        const h = await start({ runWorkers: false });
        const { records, job } = await batchOf(h, 'batch-contract-4', 2);
        await h.delivery.engine.enqueueBatch(job, new Date());
        expect(await h.delivery.sweeper.sweep()).toMatchObject({ reenqueued: 0 });
        const lost = await batchOf(h, 'batch-contract-5', 2);
        expect(await h.delivery.sweeper.sweep()).toMatchObject({ reenqueued: 2 });
        for (const r of [...records, ...lost.records])
          expect(await h.delivery.engine.hasJob(r.id)).toBe(lost.records.includes(r));
      });

      it('stops sending a batch once its campaign is paused, leaving the rest QUEUED', async () => {
        let verdict: 'send' | 'hold' = 'send';
        const h = await start({
          rateLimit: { max: 3, perSeconds: 3 },
          processor: { campaignGate: { verdict: async () => verdict } },
        });
        const { records, job } = await batchOf(h, 'batch-contract-7', 6, () => ({
          campaignId: 'cmpPaused',
        }));
        await h.delivery.engine.enqueueBatch({ ...job, campaignId: 'cmpPaused' }, new Date());
        for (let i = 0; i < 200 && h.stub.counts.sends === 0; i++)
          await new Promise((resolve) => setTimeout(resolve, 10));
        await new Promise((resolve) => setTimeout(resolve, 300));
        // Paused while the rest wait for the next window of the rate limit.
        verdict = 'hold';
        const before = h.stub.counts.sends;
        expect(before).toBeGreaterThan(0);
        expect(before).toBeLessThan(6);
        await new Promise((resolve) => setTimeout(resolve, 3500));
        expect(h.stub.counts.sends).toBe(before);
        const statuses = await Promise.all(
          records.map(async (r) => (await h.stores.messages.get(h.appId, r.id))?.status),
        );
        expect(statuses.filter((s) => s === 'QUEUED')).toHaveLength(6 - before);
        // Resumed: the campaign queues its waiting messages again (requeueHeldMessages).
        verdict = 'send';
        for (const r of records)
          if ((await h.stores.messages.get(h.appId, r.id))?.status === 'QUEUED')
            await h.delivery.engine.enqueue(r.id, new Date(), { priority: 'bulk' });
        for (const r of records) await h.waitFor(r.id, ['SENT']);
        expect([...new Set(sentTo(h))]).toHaveLength(6);
        expect(h.stub.counts.sends).toBe(6);
      });

      it('waits out the minute quota (45011) and sends the rest when it resets, no attempt counted', async () => {
        const h = await start({
          processor: { quotaReset: { minute: () => inSeconds(1), day: () => inSeconds(1) } },
        });
        h.stub.sendErrors = [45011];
        const { records, job } = await batchOf(h, 'batch-contract-6', 3);
        await h.delivery.engine.enqueueBatch(job, new Date());
        for (const r of records)
          expect(await h.waitFor(r.id, ['SENT'])).toMatchObject({ attempts: 1 });
        // One refused call, then one accepted call per message.
        expect(h.stub.counts.sends).toBe(4);
        expect([...new Set(sentTo(h))]).toEqual(records.map((r) => r.openid).sort());
      });
    });
  });
}
