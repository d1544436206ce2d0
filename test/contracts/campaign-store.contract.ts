import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  campaignMessageId,
  DuplicateCampaignKeyError,
  type CampaignRecord,
  type CampaignStore,
} from '../../src/services/campaigns/campaign-store.js';
import { newMessageId } from '../../src/services/messages/message-store.js';

export interface CampaignStoreFixture {
  store: CampaignStore;
  close(): Promise<void>;
}

let serial = 0;

export function campaign(overrides: Partial<CampaignRecord> = {}): CampaignRecord {
  const now = new Date();
  return {
    id: newMessageId(now),
    appId: 'wxcontract0000001',
    key: `key-${serial++}`,
    templateId: 'tmpl-1',
    data: { thing1: '新品上架' },
    page: null,
    miniprogramState: 'formal',
    lang: 'zh_CN',
    audience: { kind: 'creditHolders' },
    status: 'SCHEDULED',
    ratePerSecond: 50,
    startAt: null,
    expiresAt: null,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    updatedAt: now,
    inputHash: 'hash',
    total: null,
    audienceCursor: null,
    fannedOut: 0,
    pacedSince: null,
    pacedFrom: 0,
    ...overrides,
  };
}

/** What every campaign store must do, run against each adapter. */
export function campaignStoreContract(name: string, open: () => Promise<CampaignStoreFixture>) {
  describe(`CampaignStore contract: ${name}`, () => {
    let fixture: CampaignStoreFixture;
    let store: CampaignStore;
    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(async () => fixture.close());

    it('stores a campaign and finds it by id (any app) and by key (its app)', async () => {
      const record = campaign({ data: {}, startAt: new Date(Date.now() + 5000) });
      await store.create(record);
      expect(await store.get(record.id)).toEqual(record);
      expect(await store.findByKey(record.appId, record.key)).toEqual(record);
      expect(await store.findByKey('wxother0000000001', record.key)).toBeNull();
      expect(await store.get('no-such-id')).toBeNull();
    });

    it('refuses a second campaign with the key in the same app, naming the first; another app may use it', async () => {
      const first = campaign();
      await store.create(first);
      const error = await store.create(campaign({ key: first.key })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateCampaignKeyError);
      expect((error as DuplicateCampaignKeyError).existingId).toBe(first.id);
      await store.create(campaign({ key: first.key, appId: 'wxother0000000001' }));
      expect((await store.list(first.appId, {}, { first: 10 })).totalCount).toBe(1);
    });

    it('moves the status by compare-and-set and keeps the fields not patched', async () => {
      const record = campaign();
      await store.create(record);
      const started = new Date();
      const moved = await store.transition(record.id, ['SCHEDULED'], {
        status: 'RUNNING',
        startedAt: started,
      });
      expect(moved).toEqual({
        applied: true,
        record: { ...record, status: 'RUNNING', startedAt: started },
      });
      const refused = await store.transition(record.id, ['SCHEDULED'], { status: 'CANCELLED' });
      expect(refused.applied).toBe(false);
      expect(refused.record?.status).toBe('RUNNING');
      const any = await store.transition(record.id, null, { fannedOut: 7 });
      expect(any.record).toMatchObject({ status: 'RUNNING', fannedOut: 7 });
      expect(await store.transition('no-such-id', null, { fannedOut: 1 })).toEqual({
        applied: false,
        record: null,
      });
    });

    it('lists newest first, by status, a page at a time; unfinished ones for the runner', async () => {
      const a = campaign();
      const b = campaign({ status: 'RUNNING' });
      const c = campaign();
      for (const r of [a, b, c]) await store.create(r);
      const all = await store.list(a.appId, {}, { first: 2 });
      expect(all.items.map((r) => r.id)).toEqual([c.id, b.id]);
      expect(all).toMatchObject({ hasNextPage: true, totalCount: 3 });
      const rest = await store.list(a.appId, {}, { first: 2, after: all.endCursor });
      expect(rest.items.map((r) => r.id)).toEqual([a.id]);
      expect(rest.hasNextPage).toBe(false);
      const running = await store.list(a.appId, { status: 'RUNNING' }, { first: 10 });
      expect(running.items.map((r) => r.id)).toEqual([b.id]);
      await store.transition(b.id, null, { status: 'COMPLETED', finishedAt: new Date() });
      expect((await store.listUnfinished(a.appId)).map((r) => r.id)).toEqual([a.id, c.id]);
    });

    it('fixes the audience page by page, each page once, then total', async () => {
      const record = campaign();
      await store.create(record);
      expect(
        await store.appendAudience(record.id, null, ['o1', 'o2'], { cursor: 'c1', fix: false }),
      ).toBe(true);
      // A second runner with the old cursor appends nothing.
      expect(
        await store.appendAudience(record.id, null, ['o1', 'o2'], { cursor: 'c1', fix: false }),
      ).toBe(false);
      expect(await store.appendAudience(record.id, 'c1', ['o3'], { cursor: 'c2', fix: true })).toBe(
        true,
      );
      expect(await store.appendAudience(record.id, 'c2', ['o4'], { cursor: 'c3', fix: true })).toBe(
        false,
      );
      expect(await store.get(record.id)).toMatchObject({ total: 3, audienceCursor: 'c2' });
      expect(await store.audience(record.id, 0, 10)).toEqual(['o1', 'o2', 'o3']);
      expect(await store.audience(record.id, 1, 1)).toEqual(['o2']);
    });

    it('keeps a given audience as given', async () => {
      const record = campaign({ audience: { kind: 'openids' }, total: 3 });
      await store.create(record, ['oA', 'oB', 'oC']);
      expect(await store.audience(record.id, 0, 10)).toEqual(['oA', 'oB', 'oC']);
      expect(await store.appendAudience(record.id, null, ['oD'], { cursor: null, fix: true })).toBe(
        false,
      );
    });

    it('derives one message id per recipient, the same every time', () => {
      const record = campaign();
      const id = campaignMessageId(record, 'o1');
      expect(id).toMatch(/^[0-9A-Z]{26}$/);
      expect(campaignMessageId(record, 'o1')).toBe(id);
      expect(campaignMessageId(record, 'o2')).not.toBe(id);
      expect(campaignMessageId({ ...record, id: newMessageId() }, 'o1')).not.toBe(id);
    });
  });
}
