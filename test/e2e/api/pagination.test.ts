import { beforeAll, expect, it } from '@jest/globals';
import type { TestGateway } from '../../helpers/gateway.js';
import {
  type ConnectionView,
  dataOf,
  errorOf,
  grantCredits,
  type GqlResult,
  type MessageView,
  newOpenid,
  sendValid,
  subscribe,
  type SubscriptionView,
} from '../../helpers/api.js';
import { MESSAGES, SUBSCRIPTIONS } from '../../helpers/operations.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';
import { DEMO_TEMPLATE_IDS, type DemoTemplate } from '../../helpers/demo-templates.js';

const USERS = 15;
const TEMPLATES: DemoTemplate[] = ['AuditResult', 'OrderShipped', 'PaymentSuccess'];
/**
 * Every user accepts AuditResult twice (one credit is left after the sends below) and
 * PaymentSuccess once; every third user rejects OrderShipped, which gives 5 REJECT entries and
 * 5 sends WeChat refuses with 43101.
 */
const rejects = (user: number) => user % 3 === 0;
const resultsOf = (user: number): [string, 'ACCEPT' | 'REJECT'][] => [
  ['AuditResult', 'ACCEPT'],
  ['AuditResult', 'ACCEPT'],
  ['OrderShipped', rejects(user) ? 'REJECT' : 'ACCEPT'],
  ['PaymentSuccess', 'ACCEPT'],
];

type Connection<T> = ConnectionView<T>;

async function page<T>(
  t: TestGateway,
  query: string,
  field: 'subscriptions' | 'messages',
  variables: Record<string, unknown>,
): Promise<Connection<T>> {
  const result = (await t.gql(query, variables)) as GqlResult<Record<string, Connection<T>>>;
  return dataOf(result)[field]!;
}

/** Walks a list page by page; checks each page's cursors on the way. */
async function walk<T extends { id: string }>(
  t: TestGateway,
  query: string,
  field: 'subscriptions' | 'messages',
  filter: Record<string, unknown>,
  first: number,
): Promise<{ pages: Connection<T>[]; ids: string[] }> {
  const pages: Connection<T>[] = [];
  let after: string | null = null;
  for (;;) {
    const current: Connection<T> = await page<T>(t, query, field, { filter, first, after });
    pages.push(current);
    expect(current.edges.length).toBeLessThanOrEqual(first);
    if (current.edges.length > 0) {
      expect(current.pageInfo.endCursor).toBe(current.edges[current.edges.length - 1]!.cursor);
    }
    if (!current.pageInfo.hasNextPage) break;
    expect(current.edges).toHaveLength(first);
    after = current.pageInfo.endCursor;
    if (pages.length > 50) throw new Error('pagination does not end');
  }
  return { pages, ids: pages.flatMap((p) => p.edges.map((edge) => edge.node.id)) };
}

describeEachStore('pagination and filters', (store) => {
  const gateway = useGateway(store);
  const users = Array.from({ length: USERS }, () => newOpenid());
  const expectedSubscriptionIds: string[] = [];
  const expectedMessageIds: string[] = [];

  beforeAll(async () => {
    const t = gateway();
    // 45 subscriptions in all.
    for (const [i, openid] of users.entries()) {
      const { subscribe: records } = dataOf(await subscribe(t, openid, resultsOf(i)));
      expectedSubscriptionIds.push(...new Set(records.map((r) => r.id)));
    }
    // 45 messages: different users in parallel (one user's sends are serialised anyway).
    const perUser = await Promise.all(
      users.map(async (openid) => {
        const ids: string[] = [];
        for (const name of TEMPLATES)
          ids.push(dataOf(await sendValid(t, openid, name)).sendSubscribeMessage.id);
        return ids;
      }),
    );
    expectedMessageIds.push(...perUser.flat());
  });

  it('pages 45 subscriptions by 20, oldest first, with no duplicates or gaps', async () => {
    const t = gateway();
    const { pages, ids } = await walk<SubscriptionView>(t, SUBSCRIPTIONS, 'subscriptions', {}, 20);
    expect(pages.map((p) => [p.edges.length, p.pageInfo.hasNextPage, p.totalCount])).toEqual([
      [20, true, 45],
      [20, true, 45],
      [5, false, 45],
    ]);
    expect(new Set(ids).size).toBe(45);
    expect([...ids].sort()).toEqual([...expectedSubscriptionIds].sort());
    const all = await page<SubscriptionView & { createdAt: string }>(
      t,
      SUBSCRIPTIONS,
      'subscriptions',
      {
        first: 100,
      },
    );
    expect(all.edges.map((edge) => edge.node.id)).toEqual(ids);
    const created = all.edges.map((edge) => Date.parse(edge.node.createdAt));
    expect(created).toEqual([...created].sort((a, b) => a - b));
  });

  it('pages 45 messages by 20 with no duplicates or gaps, in the order of one big page', async () => {
    const t = gateway();
    const { pages, ids } = await walk<MessageView>(t, MESSAGES, 'messages', {}, 20);
    expect(pages.map((p) => [p.edges.length, p.pageInfo.hasNextPage, p.totalCount])).toEqual([
      [20, true, 45],
      [20, true, 45],
      [5, false, 45],
    ]);
    expect(new Set(ids).size).toBe(45);
    expect([...ids].sort()).toEqual([...expectedMessageIds].sort());
    const all = await page<MessageView>(t, MESSAGES, 'messages', { first: 100 });
    expect(all.edges.map((edge) => edge.node.id)).toEqual(ids);
    // Newest first.
    const created = all.edges.map((edge) => Date.parse(edge.node.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('pages 20 by default', async () => {
    const t = gateway();
    const subscriptions = await page(t, SUBSCRIPTIONS, 'subscriptions', {});
    const messages = await page(t, MESSAGES, 'messages', {});
    expect([subscriptions.edges.length, messages.edges.length]).toEqual([20, 20]);
  });

  it.each([
    ['openid', () => ({ openid: users[4] }), 3],
    ['templateId by name', () => ({ templateId: 'OrderShipped' }), 15],
    ['templateId by WeChat id', () => ({ templateId: DEMO_TEMPLATE_IDS.OrderShipped }), 15],
    ['status', () => ({ status: 'REJECT' }), 5],
    ['hasQuota: true', () => ({ hasQuota: true }), 15],
    ['hasQuota: false', () => ({ hasQuota: false }), 30],
    ['templateId and status', () => ({ templateId: 'OrderShipped', status: 'ACCEPT' }), 10],
    ['an unknown template', () => ({ templateId: 'NoSuchTemplate' }), 0],
  ])('filters subscriptions by %s', async (_what, filter, count) => {
    const t = gateway();
    const { ids, pages } = await walk<SubscriptionView>(
      t,
      SUBSCRIPTIONS,
      'subscriptions',
      filter(),
      4,
    );
    expect(pages[0]!.totalCount).toBe(count);
    expect(new Set(ids).size).toBe(count);
    const nodes = pages.flatMap((p) => p.edges.map((edge) => edge.node));
    const f = filter() as Partial<SubscriptionView> & { hasQuota?: boolean };
    for (const node of nodes) {
      if (f.openid) expect(node.openid).toBe(f.openid);
      if (f.templateId) expect(node.templateId).toBe(DEMO_TEMPLATE_IDS.OrderShipped);
      if (f.status) expect(node.status).toBe(f.status);
      if (f.hasQuota !== undefined) expect(node.hasQuota).toBe(f.hasQuota);
    }
  });

  it.each([
    ['openid', () => ({ openid: users[7] }), 3],
    ['templateId by name', () => ({ templateId: 'PaymentSuccess' }), 15],
    ['templateId by WeChat id', () => ({ templateId: DEMO_TEMPLATE_IDS.PaymentSuccess }), 15],
    ['status FAILED', () => ({ status: 'FAILED' }), 5],
    ['status SENT', () => ({ status: 'SENT' }), 40],
    ['templateId and status', () => ({ templateId: 'OrderShipped', status: 'SENT' }), 10],
  ])('filters messages by %s', async (_what, filter, count) => {
    const t = gateway();
    const { ids, pages } = await walk<MessageView>(t, MESSAGES, 'messages', filter(), 7);
    expect(pages[0]!.totalCount).toBe(count);
    expect(new Set(ids).size).toBe(count);
    const f = filter() as Partial<MessageView>;
    for (const node of pages.flatMap((p) => p.edges.map((edge) => edge.node))) {
      if (f.openid) expect(node.openid).toBe(f.openid);
      if (f.templateId)
        expect([DEMO_TEMPLATE_IDS.PaymentSuccess, DEMO_TEMPLATE_IDS.OrderShipped]).toContain(
          node.templateId,
        );
      if (f.status) expect(node.status).toBe(f.status);
      if (f.status === 'FAILED') expect(node.errcode).toBe(43101);
    }
  });

  it.each([0, -1, 101])('refuses first: %i with BAD_USER_INPUT', async (first) => {
    const t = gateway();
    for (const query of [SUBSCRIPTIONS, MESSAGES]) {
      const error = errorOf(await t.gql(query, { first }), 'BAD_USER_INPUT');
      expect(error.extensions?.field).toBe('first');
    }
  });

  it('refuses a bogus after, and a cursor of the other list, with BAD_USER_INPUT', async () => {
    const t = gateway();
    const subscriptions = await page(t, SUBSCRIPTIONS, 'subscriptions', { first: 1 });
    const messages = await page(t, MESSAGES, 'messages', { first: 1 });
    for (const [query, after] of [
      [SUBSCRIPTIONS, 'not-a-cursor!'],
      [MESSAGES, 'not-a-cursor!'],
      [SUBSCRIPTIONS, 'bm90OmEtY3Vyc29y'],
      [SUBSCRIPTIONS, messages.pageInfo.endCursor],
      [MESSAGES, subscriptions.pageInfo.endCursor],
    ] as const) {
      const error = errorOf(await t.gql(query, { after }), 'BAD_USER_INPUT');
      expect(error.extensions?.field).toBe('after');
    }
  });

  it('answers an empty last page after the last cursor', async () => {
    const t = gateway();
    const all = await page(t, SUBSCRIPTIONS, 'subscriptions', { first: 100 });
    const next = await page(t, SUBSCRIPTIONS, 'subscriptions', { after: all.pageInfo.endCursor });
    expect(next).toEqual({
      totalCount: 45,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: [],
    });
  });

  it('lists newest first by createdAt too when sends queue behind one user', async () => {
    const t = gateway();
    const [busy, other] = [newOpenid(), newOpenid()];
    await grantCredits(t, busy, 'AuditResult', 8);
    await grantCredits(t, other, 'AuditResult', 1);
    const queued = Array.from({ length: 8 }, () => sendValid(t, busy, 'AuditResult'));
    const quick = sendValid(t, other, 'AuditResult');
    const results = await Promise.all([...queued, quick]);
    const ids = new Set(results.map((r) => dataOf(r).sendSubscribeMessage.id));
    const all = await page<MessageView>(t, MESSAGES, 'messages', { first: 100 });
    const created = all.edges
      .filter((edge) => ids.has(edge.node.id))
      .map((edge) => Date.parse(edge.node.createdAt));
    expect(created).toHaveLength(9);
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });
});
