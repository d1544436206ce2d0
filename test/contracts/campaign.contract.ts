import { afterEach, describe, expect, it } from '@jest/globals';
import { BadUserInputError } from '../../src/shared/errors.js';
import type { CampaignRequest } from '../../src/services/campaigns/campaign-request.js';
import { campaignMessageId } from '../../src/services/campaigns/campaign-store.js';
import { startCampaignHarness, type CampaignHarness } from '../helpers/campaign-harness.js';
import type { EngineChoice, HarnessOptions } from '../helpers/delivery-harness.js';

let serial = 0;
const openids = (n: number) => {
  const run = `${Date.now().toString(36)}${serial++}`;
  return Array.from({ length: n }, (_, i) => `oCampaign${run}x${i}`);
};
const inSeconds = (s: number) => new Date(Date.now() + s * 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Campaigns end to end on one engine: audience, fan-out, pause, resume, cancel, quota. */
export function campaignContract(kind: EngineChoice): void {
  describe(`campaigns: ${kind}`, () => {
    let harness: CampaignHarness | null = null;
    const start = async (options: HarnessOptions = {}) => {
      harness = await startCampaignHarness(kind, options);
      return harness;
    };
    afterEach(async () => {
      await harness?.close();
      harness = null;
    });
    const request = (h: CampaignHarness, overrides: Partial<CampaignRequest> = {}) =>
      ({
        key: `campaign-${serial++}`,
        templateId: h.templateId,
        data: { thing1: '新品上架' },
        audience: { creditHolders: true },
        ...overrides,
      }) as CampaignRequest;
    const sentTo = (h: CampaignHarness) => h.stub.sendLog.map((s) => s.touser);
    const messageCount = async (h: CampaignHarness) =>
      (await h.stores.messages.list(h.appId, {}, { first: 1 })).totalCount;

    it('sends once to every credit holder, and only to them, then COMPLETED', async () => {
      const h = await start();
      const holders = openids(25);
      await h.grantCredits(holders);
      const [spent, refused] = openids(2);
      await h.grantCredits([spent!]);
      await h.stores.ledger.recordSent(
        { appId: h.appId, openid: spent!, templateId: h.templateId },
        { reserved: false, at: new Date() },
      );
      await h.stores.ledger.record(
        { appId: h.appId, openid: refused!, templateId: h.templateId },
        { status: 'REJECT', longTerm: false, source: 'client', at: new Date() },
      );
      const created = await h.campaigns.service.create(request(h, { ratePerSecond: 1000 }));
      // No startAt: it runs from the start, not SCHEDULED (which waits for a startAt).
      expect(created).toMatchObject({ status: 'RUNNING', total: null, ratePerSecond: 1000 });
      expect(created.startedAt).toEqual(created.createdAt);
      const done = await h.waitForStatus(created.id, 'COMPLETED');
      expect(done.total).toBe(25);
      expect(done.startedAt).not.toBeNull();
      expect(done.finishedAt).not.toBeNull();
      expect(sentTo(h).sort()).toEqual([...holders].sort());
      expect(await h.campaigns.service.progress(done)).toEqual({
        total: 25,
        pending: 0,
        sent: 25,
        delivered: 0,
        failed: 0,
        skipped: 0,
        unknown: 0,
        cancelled: 0,
      });
      const message = await h.stores.messages.get(h.appId, campaignMessageId(done, holders[0]!));
      expect(message).toMatchObject({ status: 'SENT', campaignId: done.id, openid: holders[0] });
    });

    it('sends to given openids; the same key and input is the same campaign, other input is refused', async () => {
      const h = await start();
      const audience = openids(5);
      const input = request(h, { audience: { openids: [...audience, audience[0]!] } });
      const first = await h.campaigns.service.create(input);
      expect(first.total).toBe(5);
      const again = await h.campaigns.service.create(input);
      expect(again.id).toBe(first.id);
      const conflict = await h.campaigns.service
        .create({ ...input, data: { thing1: '别的内容' } })
        .catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(BadUserInputError);
      expect((conflict as BadUserInputError).extensions.field).toBe('key');
      await h.waitForStatus(first.id, 'COMPLETED');
      expect(sentTo(h).sort()).toEqual([...audience].sort());
    });

    it('refuses bad input naming the field, and stores nothing', async () => {
      const h = await start();
      const cases: [Partial<CampaignRequest>, string][] = [
        [{ audience: {} }, 'audience'],
        [{ audience: { creditHolders: true, openids: ['o1'] } }, 'audience'],
        [{ audience: { creditHolders: false } }, 'audience.creditHolders'],
        [{ audience: { openids: [] } }, 'audience.openids'],
        [
          { audience: { openids: Array.from({ length: 10_001 }, (_, i) => `o${i}`) } },
          'audience.openids',
        ],
        [{ audience: { openids: ['has space'] } }, 'audience.openids'],
        [{ data: { thing1: 'x'.repeat(21) } }, 'thing1'],
        [{ page: '/pages/index' }, 'page'],
        [{ key: '' }, 'key'],
        [{ startAt: inSeconds(-120) }, 'startAt'],
        [{ expiresAt: inSeconds(-1) }, 'expiresAt'],
        [{ startAt: inSeconds(60), expiresAt: inSeconds(30) }, 'expiresAt'],
        [{ ratePerSecond: 0 }, 'ratePerSecond'],
        [{ ratePerSecond: 1.5 }, 'ratePerSecond'],
      ];
      for (const [overrides, field] of cases) {
        const error = await h.campaigns.service
          .create(request(h, overrides))
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BadUserInputError);
        expect((error as BadUserInputError).extensions.field).toBe(field);
      }
      expect((await h.campaignStore.list(h.appId, {}, { first: 10 })).totalCount).toBe(0);
      expect(await messageCount(h)).toBe(0);
    });

    it('waits for startAt', async () => {
      const h = await start();
      const audience = openids(2);
      const created = await h.campaigns.service.create(
        request(h, { audience: { openids: audience }, startAt: inSeconds(1.5) }),
      );
      await sleep(500);
      expect((await h.campaignStore.get(created.id))!.status).toBe('SCHEDULED');
      expect(h.stub.sendLog).toEqual([]);
      await h.waitForStatus(created.id, 'COMPLETED');
      expect(sentTo(h).sort()).toEqual([...audience].sort());
    });

    it('pause stops the sends, resume finishes them, nobody gets two', async () => {
      const h = await start();
      const audience = openids(30);
      const created = await h.campaigns.service.create(
        request(h, { audience: { openids: audience }, ratePerSecond: 10 }),
      );
      await h.waitForCampaign(created.id, () => h.stub.sendLog.length >= 3, '3 sends');
      const paused = await h.campaigns.service.pause(created.id);
      expect(paused.status).toBe('PAUSED');
      await sleep(400); // sends already past the gate finish
      const atPause = h.stub.sendLog.length;
      await sleep(1000);
      expect(h.stub.sendLog.length).toBe(atPause);
      expect(atPause).toBeLessThan(30);
      const progress = await h.campaigns.service.progress((await h.campaignStore.get(created.id))!);
      expect(progress.sent).toBe(atPause);
      expect(progress.pending).toBe(30 - atPause);
      expect((await h.campaigns.service.resume(created.id)).status).toBe('RUNNING');
      await h.waitForStatus(created.id, 'COMPLETED');
      expect(sentTo(h).sort()).toEqual([...audience].sort());
    });

    it('cancel marks every recipient not sent to SKIPPED CAMPAIGN_CANCELLED', async () => {
      const h = await start();
      const audience = openids(30);
      const created = await h.campaigns.service.create(
        request(h, { audience: { openids: audience }, ratePerSecond: 10 }),
      );
      await h.waitForCampaign(created.id, () => h.stub.sendLog.length >= 3, '3 sends');
      expect((await h.campaigns.service.cancel(created.id)).status).toBe('CANCELLED');
      const finished = await h.waitForCampaign(
        created.id,
        (c) => c.finishedAt !== null,
        'finished',
      );
      expect(finished.status).toBe('CANCELLED');
      const progress = await h.campaigns.service.progress(finished);
      expect(progress.total).toBe(30);
      expect(progress.pending).toBe(0);
      expect(progress.sent).toBe(h.stub.sendLog.length);
      expect(progress.skipped).toBe(30 - progress.sent);
      const skipped = await h.stores.messages.list(
        h.appId,
        { campaignId: created.id, status: 'SKIPPED' },
        { first: 100 },
      );
      expect(skipped.items.every((m) => m.skipReason === 'CAMPAIGN_CANCELLED')).toBe(true);
      expect(new Set(sentTo(h)).size).toBe(h.stub.sendLog.length);
      await expect(h.campaigns.service.resume(created.id)).rejects.toThrow(BadUserInputError);
    });

    it('45009 pauses running campaigns (PAUSED_QUOTA) until the reset, then they complete', async () => {
      let resetAt = 0;
      const h = await start({
        processor: {
          quotaReset: {
            minute: () => new Date(Date.now() + 1000),
            day: () => new Date((resetAt = Date.now() + 2500)),
          },
        },
      });
      const audience = openids(10);
      h.stub.sendErrors.push(45009);
      const created = await h.campaigns.service.create(
        request(h, { audience: { openids: audience }, ratePerSecond: 20 }),
      );
      await h.waitForStatus(created.id, 'PAUSED_QUOTA');
      expect((await h.delivery.service.health()).paused).toBe(true);
      const done = await h.waitForStatus(created.id, 'COMPLETED');
      expect(done.finishedAt!.getTime()).toBeGreaterThanOrEqual(resetAt - 50);
      // The refused request and one send per recipient.
      expect(h.stub.counts.sendOk).toBe(10);
      expect(new Set(sentTo(h)).size).toBe(10);
      expect((await h.campaigns.service.progress(done)).sent).toBe(10);
    });

    it('skips recipients still unsent at expiresAt (EXPIRED), then completes', async () => {
      const h = await start();
      const audience = openids(12);
      const created = await h.campaigns.service.create(
        request(h, {
          audience: { openids: audience },
          ratePerSecond: 4,
          expiresAt: inSeconds(1.2),
        }),
      );
      const done = await h.waitForStatus(created.id, 'COMPLETED');
      const progress = await h.campaigns.service.progress(done);
      expect(progress.sent).toBe(h.stub.sendLog.length);
      expect(progress.sent).toBeGreaterThan(0);
      expect(progress.skipped).toBe(12 - progress.sent);
      expect(progress.skipped).toBeGreaterThan(0);
      const skipped = await h.stores.messages.list(
        h.appId,
        { campaignId: created.id, status: 'SKIPPED' },
        { first: 100 },
      );
      expect(new Set(skipped.items.map((m) => m.skipReason))).toEqual(new Set(['EXPIRED']));
    });

    it('queues campaign sends behind other due messages', async () => {
      // Two sends a second: the single competes for its turn with one campaign send at most.
      const h = await start({ rateLimit: { max: 2, perSeconds: 1 } });
      const audience = openids(8);
      const created = await h.campaigns.service.create(
        request(h, { audience: { openids: audience }, ratePerSecond: 1000 }),
      );
      await h.waitForCampaign(created.id, (c) => c.fannedOut === 8, 'fanned out');
      const single = await h.delivery.service.schedule({
        openid: 'oSingleAfterCampaign',
        templateId: h.templateId,
        data: { thing1: '订单' },
        when: { sendAt: new Date() },
      });
      await h.waitFor(single.id, ['SENT']);
      const position = sentTo(h).indexOf('oSingleAfterCampaign');
      // Queued after all eight, it went out in the next turns of the limit, before most of them.
      expect(position).toBeGreaterThanOrEqual(0);
      expect(position).toBeLessThan(4);
      await h.waitForStatus(created.id, 'COMPLETED');
    });
  });
}
