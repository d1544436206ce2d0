import { afterEach, describe, expect, it } from '@jest/globals';
import { BadUserInputError } from '../../src/shared/errors.js';
import type { MessageRecord } from '../../src/services/messages/message-store.js';
import type { RecurringScheduleRequest } from '../../src/services/recurring/recurring-service.js';
import {
  startDeliveryHarness,
  type DeliveryHarness,
  type EngineChoice,
  type HarnessOptions,
} from '../helpers/delivery-harness.js';

let serial = 0;
const uniqueOpenid = () => `oRecurring${Date.now().toString(36)}${serial++}`;

/** Recurring schedules end to end on one engine: real timers, the loopback WeChat stub. */
export function recurringContract(kind: EngineChoice): void {
  describe(`recurring schedules: ${kind}`, () => {
    let harness: DeliveryHarness | null = null;
    const start = async (options: HarnessOptions = {}) => {
      harness = await startDeliveryHarness(kind, options);
      return harness;
    };
    afterEach(async () => {
      await harness?.close();
      harness = null;
    });

    const request = (
      h: DeliveryHarness,
      overrides: Partial<RecurringScheduleRequest> = {},
    ): RecurringScheduleRequest => ({
      key: `every-second-${serial++}`,
      openid: uniqueOpenid(),
      templateId: h.templateId,
      data: { thing1: '每日提醒' },
      cron: '* * * * * *',
      timezone: 'Asia/Shanghai',
      ...overrides,
    });
    const grant = (h: DeliveryHarness, openid: string, credits: number) =>
      Promise.all(
        Array.from({ length: credits }, () =>
          h.stores.ledger.record(
            { appId: h.appId, openid, templateId: h.templateId },
            { status: 'ACCEPT', longTerm: false, source: 'client', at: new Date() },
          ),
        ),
      );
    const occurrencesOf = async (h: DeliveryHarness, key: string): Promise<MessageRecord[]> =>
      (await h.stores.messages.list(h.appId, { scheduleKey: key }, { first: 100 })).items;
    /** Polls until `done` holds for the schedule's messages (15 s at most). */
    const waitFor = async (
      h: DeliveryHarness,
      key: string,
      done: (messages: MessageRecord[]) => boolean,
    ) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const messages = await occurrencesOf(h, key);
        if (done(messages)) return messages;
        if (Date.now() > deadline)
          throw new Error(`schedule ${key}: ${messages.map((m) => m.status).join(',')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const settled = (m: MessageRecord) => !['QUEUED', 'SENDING', 'SCHEDULED'].includes(m.status);

    it('sends one message per occurrence, keyed <key>@<time>, and stops at limit', async () => {
      const h = await start();
      const input = request(h, { limit: 2 });
      await grant(h, input.openid, 5);
      const schedule = await h.delivery.recurring.upsert(input);
      expect(schedule).toMatchObject({ key: input.key, occurrences: 0, lastRunAt: null, limit: 2 });
      expect(schedule.nextRunAt).not.toBeNull();
      const messages = await waitFor(h, input.key, (ms) => ms.length === 2 && ms.every(settled));
      for (const m of messages) {
        expect(m).toMatchObject({ status: 'SENT', scheduleKey: input.key });
        expect(m.key).toBe(`${input.key}@${m.sendAt!.toISOString()}`);
      }
      // Two whole seconds after the limit was reached, still two.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await occurrencesOf(h, input.key)).toHaveLength(2);
      expect(h.stub.sendLog.filter((s) => s.touser === input.openid)).toHaveLength(2);
      const [after] = (await h.delivery.recurring.list({ first: 10 })).items;
      expect(after).toMatchObject({ key: input.key, occurrences: 2, nextRunAt: null });
      expect(after!.lastRunAt).toEqual(
        new Date(Math.max(...messages.map((m) => m.sendAt!.getTime()))),
      );
    });

    it('skips an occurrence of a one-time template without credit as NO_CREDIT, under track and enforce', async () => {
      for (const quotaPolicy of ['track', 'enforce'] as const) {
        const h = await start({ quotaPolicy });
        const input = request(h, { limit: 1 });
        await h.delivery.recurring.upsert(input);
        const [skipped] = await waitFor(h, input.key, (ms) => ms.length === 1);
        expect(skipped).toMatchObject({ status: 'SKIPPED', skipReason: 'NO_CREDIT', attempts: 0 });
        expect(h.stub.sendLog).toEqual([]);
        await harness!.close();
        harness = null;
      }
    });

    it('skips an occurrence whose credit was spent after it was queued (track)', async () => {
      const h = await start({ quotaPolicy: 'track' });
      const input = request(h, { cron: '0 0 9 * * *' });
      await grant(h, input.openid, 1);
      await h.delivery.recurring.upsert(input);
      h.stub.sendDelayMs = 500; // the first send is still out when the second occurrence is queued
      const first = await h.delivery.recurring.runOccurrence(
        input.key,
        new Date(Date.now() - 2000),
      );
      const second = await h.delivery.recurring.runOccurrence(
        input.key,
        new Date(Date.now() - 1000),
      );
      expect([first?.status, second?.status]).toEqual(['QUEUED', 'QUEUED']);
      const messages = await waitFor(h, input.key, (ms) => ms.length === 2 && ms.every(settled));
      expect(messages.map((m) => [m.status, m.skipReason]).sort()).toEqual([
        ['SENT', null],
        ['SKIPPED', 'NO_CREDIT'],
      ]);
      expect(h.stub.sendLog).toHaveLength(1);
    });

    it('stops at endAt', async () => {
      const h = await start();
      const endAt = new Date(Date.now() + 2500);
      const input = request(h, { endAt });
      await grant(h, input.openid, 10);
      await h.delivery.recurring.upsert(input);
      await new Promise((resolve) => setTimeout(resolve, endAt.getTime() - Date.now() + 1500));
      const messages = await waitFor(h, input.key, (ms) => ms.every(settled));
      expect(messages.length).toBeGreaterThan(0);
      for (const m of messages) expect(m.sendAt!.getTime()).toBeLessThanOrEqual(endAt.getTime());
      expect((await h.delivery.recurring.get(input.key))!.nextRunAt).toBeNull();
    });

    it('replaces a schedule upserted again under the same key, without a duplicate run', async () => {
      const h = await start();
      const input = request(h, { cron: '0 0 9 * * *' });
      await grant(h, input.openid, 5);
      await h.delivery.recurring.upsert(input);
      const replaced = await h.delivery.recurring.upsert({
        ...input,
        cron: '* * * * * *',
        data: { thing1: '新的内容' },
        limit: 1,
      });
      expect(replaced).toMatchObject({ cron: '* * * * * *', occurrences: 0, limit: 1 });
      expect((await h.delivery.recurring.list({ first: 10 })).totalCount).toBe(1);
      const [sent] = await waitFor(h, input.key, (ms) => ms.length === 1 && ms.every(settled));
      expect(sent).toMatchObject({ status: 'SENT', data: { thing1: '新的内容' } });
      // The same occurrence run again (a worker died, or a replacement lands on the same time).
      await h.delivery.recurring.upsert({ ...input, cron: '0 0 9 * * *' });
      expect(await h.delivery.recurring.runOccurrence(input.key, sent!.sendAt!)).toBeNull();
      expect(await occurrencesOf(h, input.key)).toHaveLength(1);
      expect(h.stub.sendLog.filter((s) => s.touser === input.openid)).toHaveLength(1);
    });

    it('deletes a schedule: no more occurrences', async () => {
      const h = await start();
      const input = request(h);
      await grant(h, input.openid, 50);
      await h.delivery.recurring.upsert(input);
      await waitFor(h, input.key, (ms) => ms.length >= 1);
      expect(await h.delivery.recurring.delete(input.key)).toBe(true);
      expect(await h.delivery.recurring.delete(input.key)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1200)); // one in flight may land
      const count = (await occurrencesOf(h, input.key)).length;
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(await occurrencesOf(h, input.key)).toHaveLength(count);
      expect((await h.delivery.recurring.list({ first: 10 })).totalCount).toBe(0);
    });

    it('refuses bad input naming the field, and stores nothing', async () => {
      const h = await start();
      const cases: [Partial<RecurringScheduleRequest>, string][] = [
        [{ cron: '61 * * * *' }, 'cron'],
        [{ cron: '* * *' }, 'cron'],
        [{ cron: 'H 9 * * *' }, 'cron'],
        [{ timezone: 'Nowhere/Town' }, 'timezone'],
        [{ endAt: new Date(Date.now() - 1000) }, 'endAt'],
        [{ startAt: new Date(Date.now() + 60_000), endAt: new Date(Date.now() + 30_000) }, 'endAt'],
        [{ limit: 0 }, 'limit'],
        [{ openid: 'has space' }, 'openid'],
        [{ key: '' }, 'key'],
        [{ data: { thing1: 'x'.repeat(50) } }, 'thing1'],
      ];
      for (const [overrides, field] of cases) {
        const error = await h.delivery.recurring.upsert(request(h, overrides)).catch((e) => e);
        expect(error).toBeInstanceOf(BadUserInputError);
        expect({ field: (error as BadUserInputError).field }).toEqual({ field });
      }
      expect((await h.delivery.recurring.list({ first: 10 })).totalCount).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect((await h.stores.messages.list(h.appId, {}, { first: 1 })).totalCount).toBe(0);
    });
  });
}
