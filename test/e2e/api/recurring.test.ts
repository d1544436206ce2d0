import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { projectFile } from '../../../src/shared/project-file.js';
import { dataOf, errorOf, grantCredits, newOpenid, sendCalls } from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';

const KEYS = { sender: 'sender-Rc4nB8cD1fG5hJ0k', reader: 'reader-Rc2Ws3Ed4Rf5Tg6Y' };
const GATEWAY_API_KEYS = Object.entries(KEYS)
  .map(([role, key]) => `${role}:${key}`)
  .join(',');

const UPSERT = `mutation($input: RecurringScheduleInput!) {
  upsertRecurringSchedule(input: $input) {
    key openid template { name } cron timezone nextRunAt lastRunAt occurrences endAt limit
  }
}`;
const LIST = `query($first: Int, $after: String) {
  recurringSchedules(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { key occurrences nextRunAt } }
  }
}`;
const DELETE = `mutation($key: String!) { deleteRecurringSchedule(key: $key) }`;
const BY_SCHEDULE = `query($key: String!) {
  messages(filter: { scheduleKey: $key }) { totalCount edges { node { key status sendAt } } }
}`;

interface Schedule {
  key: string;
  occurrences: number;
  nextRunAt: string | null;
}

const input = (key: string, openid: string, extra: Record<string, unknown> = {}) => ({
  key,
  openid,
  templateId: 'AuditResult',
  data: VALID_DATA.AuditResult,
  cron: '* * * * * *',
  timezone: 'America/New_York',
  ...extra,
});

describeEachStore('recurring schedules over GraphQL', (store) => {
  const gateway = useGateway(store);

  it('upserts, runs each occurrence once as a message keyed <key>@<time>, lists and deletes', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 2);
    const key = `daily-${openid}`;
    const created = dataOf(
      await t.gql<{ upsertRecurringSchedule: Schedule }>(
        UPSERT,
        { input: input(key, openid, { limit: 2 }) },
        { key: KEYS.sender },
      ),
    ).upsertRecurringSchedule;
    expect(created).toMatchObject({
      key,
      openid,
      template: { name: 'AuditResult' },
      cron: '* * * * * *',
      timezone: 'America/New_York',
      occurrences: 0,
      lastRunAt: null,
      limit: 2,
    });
    expect(Date.parse(created.nextRunAt!)).toBeGreaterThan(Date.now() - 1000);

    const deadline = Date.now() + 15_000;
    let nodes: { key: string; status: string; sendAt: string }[] = [];
    while (Date.now() < deadline) {
      const { messages } = dataOf(
        await t.gql<{ messages: { edges: { node: (typeof nodes)[number] }[] } }>(
          BY_SCHEDULE,
          { key },
          { key: KEYS.reader },
        ),
      );
      nodes = messages.edges.map((e) => e.node);
      if (nodes.length === 2 && nodes.every((n) => n.status === 'SENT')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(nodes.map((n) => n.status)).toEqual(['SENT', 'SENT']);
    for (const n of nodes) expect(n.key).toBe(`${key}@${new Date(n.sendAt).toISOString()}`);

    const listed = dataOf(
      await t.gql<{ recurringSchedules: { edges: { node: Schedule }[] } }>(
        LIST,
        { first: 100 },
        { key: KEYS.reader },
      ),
    ).recurringSchedules.edges.find((e) => e.node.key === key)!.node;
    expect(listed).toEqual({ key, occurrences: 2, nextRunAt: null });

    const deleted = await t.gql(DELETE, { key }, { key: KEYS.sender });
    expect(dataOf(deleted)).toEqual({ deleteRecurringSchedule: true });
    expect(dataOf(await t.gql(DELETE, { key }, { key: KEYS.sender }))).toEqual({
      deleteRecurringSchedule: false,
    });
  });

  it("accepts the playground's sample schedule as it stands", async () => {
    const t = gateway();
    const samples = JSON.parse(
      readFileSync(projectFile('examples', 'operations.variables.json'), 'utf8'),
    ) as Record<string, { input: { key: string; openid: string } }>;
    const sample = samples.UpsertRecurringSchedule!;
    const result = await t.gql<{ upsertRecurringSchedule: Schedule }>(UPSERT, sample);
    expect(dataOf(result).upsertRecurringSchedule).toMatchObject({
      key: sample.input.key,
      occurrences: 0,
      limit: 3,
    });
    expect(dataOf(await t.gql(DELETE, { key: sample.input.key }))).toEqual({
      deleteRecurringSchedule: true,
    });
  });
});

describeEachStore('recurring schedules: refusals and roles', (store) => {
  const gateway = useGateway(store, { GATEWAY_API_KEYS });
  describe('refusals', () => {
    it.each([
      ['cron', { cron: '0 25 * * *' }],
      ['cron', { cron: '0 9 * *' }],
      ['timezone', { timezone: 'GMT+8' }],
      ['timezone', { timezone: 'CST' }],
      ['key', { key: '   ' }],
      ['limit', { limit: -1 }],
      ['endAt', { endAt: '2020-01-01T00:00:00Z' }],
    ])('BAD_USER_INPUT naming %s, nothing stored or sent', async (field, extra) => {
      const t = gateway();
      const openid = newOpenid();
      const key = `bad-${openid}`;
      const before = await sendCalls(t);
      const result = await t.gql(
        UPSERT,
        { input: input(key, openid, extra) },
        { key: KEYS.sender },
      );
      expect(errorOf(result, 'BAD_USER_INPUT').extensions?.field).toBe(field);
      const { recurringSchedules } = dataOf(
        await t.gql<{ recurringSchedules: { edges: { node: Schedule }[] } }>(
          LIST,
          { first: 100 },
          { key: KEYS.reader },
        ),
      );
      expect(recurringSchedules.edges.map((e) => e.node.key)).not.toContain(key);
      expect(await sendCalls(t)).toBe(before);
    });

    it('a reader may list but not upsert or delete (FORBIDDEN)', async () => {
      const t = gateway();
      const openid = newOpenid();
      errorOf(
        await t.gql(UPSERT, { input: input(`r-${openid}`, openid) }, { key: KEYS.reader }),
        'FORBIDDEN',
      );
      errorOf(await t.gql(DELETE, { key: `r-${openid}` }, { key: KEYS.reader }), 'FORBIDDEN');
    });
  });
});
