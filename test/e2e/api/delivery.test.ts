import { describe, expect, it } from '@jest/globals';
import { dataOf, errorOf, grantCredits, newOpenid, type GqlResult } from '../../helpers/api.js';
import type { TestGateway } from '../../helpers/gateway.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { ROLE_KEYS, ROLE_KEYS_ENV } from '../../helpers/role-keys.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';

const FIELDS = `id status key sendAt expiresAt skipReason updatedAt msgid trigger { name matchKey timeoutAt }`;
const SCHEDULE_TYPED = `mutation($input: ScheduleAuditResultInput!) { scheduleAuditResult(input: $input) { ${FIELDS} } }`;
const SCHEDULE = `mutation($input: ScheduleSubscribeMessageInput!) { scheduleSubscribeMessage(input: $input) { ${FIELDS} } }`;
const MESSAGE = `query($id: ID!) { message(id: $id) { ${FIELDS} } }`;
const BY_KEY = `query($key: String!) { messageByKey(key: $key) { ${FIELDS} } }`;
const CANCEL = `mutation($id: ID, $key: String) { cancelMessage(id: $id, key: $key) { outcome message { ${FIELDS} } } }`;
const RESCHEDULE = `mutation($key: String, $sendAt: DateTime!) { rescheduleMessage(key: $key, sendAt: $sendAt) { ${FIELDS} } }`;
const FIRE = `mutation($name: String!, $matchKey: String!) { fireTrigger(name: $name, matchKey: $matchKey) }`;
const RESOLVE = `mutation($id: ID!) { resolveUnknownMessage(id: $id, resolution: MARK_SENT) { id } }`;
const HEALTH = `{ deliveryHealth { engine scheduled held queued sending unknown rateLimit { max perSeconds } rateLimitedUntil paused pausedUntil } }`;
const LIST = `query($filter: MessageFilter) { messages(filter: $filter) { totalCount edges { node { id status } } } }`;

interface MessageView {
  id: string;
  status: string;
  key: string | null;
  sendAt: string | null;
  skipReason: string | null;
  msgid: string | null;
}

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

async function waitForStatus(t: TestGateway, id: string, statuses: string[]) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { message } = dataOf(await t.gql<{ message: MessageView }>(MESSAGE, { id }));
    if (statuses.includes(message.status)) return message;
    if (Date.now() > deadline) throw new Error(`message ${id} stayed ${message.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeEachStore('later sends over GraphQL', (store) => {
  const gateway = useGateway(store);

  it('schedules with the typed mutation and sends when due', async () => {
    const openid = newOpenid();
    await grantCredits(gateway(), openid, 'AuditResult', 1);
    const { scheduleAuditResult: scheduled } = dataOf(
      await gateway().gql<{ scheduleAuditResult: MessageView }>(SCHEDULE_TYPED, {
        input: { openid, data: VALID_DATA.AuditResult, when: { delaySeconds: 1 } },
      }),
    );
    expect(scheduled).toMatchObject({ status: 'SCHEDULED', msgid: null });
    const sent = await waitForStatus(gateway(), scheduled.id, ['SENT', 'FAILED', 'UNKNOWN']);
    expect(sent.status).toBe('SENT');
    expect(sent.msgid).toMatch(/^\d+$/);
  });

  it('holds for a trigger, releases on fireTrigger, and finds the message by key', async () => {
    const openid = newOpenid();
    await grantCredits(gateway(), openid, 'AuditResult', 1);
    const key = `review-${openid}`;
    const trigger = { name: 'review.done', matchKey: openid, timeoutAt: inSeconds(600) };
    const { scheduleSubscribeMessage: held } = dataOf(
      await gateway().gql<{ scheduleSubscribeMessage: MessageView }>(SCHEDULE, {
        input: {
          openid,
          templateId: 'AuditResult',
          data: VALID_DATA.AuditResult,
          when: { trigger },
          key,
        },
      }),
    );
    expect(held.status).toBe('HELD');
    expect(dataOf(await gateway().gql<{ messageByKey: MessageView }>(BY_KEY, { key }))).toEqual({
      messageByKey: held,
    });
    expect(dataOf(await gateway().gql(FIRE, { name: 'review.done', matchKey: openid }))).toEqual({
      fireTrigger: 1,
    });
    expect((await waitForStatus(gateway(), held.id, ['SENT', 'FAILED'])).status).toBe('SENT');
  });

  it('reschedules and cancels by key, with every cancel outcome', async () => {
    const openid = newOpenid();
    const key = `cancel-${openid}`;
    const { scheduleAuditResult: scheduled } = dataOf(
      await gateway().gql<{ scheduleAuditResult: MessageView }>(SCHEDULE_TYPED, {
        input: { openid, data: VALID_DATA.AuditResult, when: { delaySeconds: 3600 }, key },
      }),
    );
    const later = inSeconds(7200);
    const { rescheduleMessage } = dataOf(
      await gateway().gql<{ rescheduleMessage: MessageView }>(RESCHEDULE, { key, sendAt: later }),
    );
    expect(rescheduleMessage).toMatchObject({ status: 'SCHEDULED', sendAt: later });
    const cancel = (variables: Record<string, unknown>) =>
      gateway().gql<{ cancelMessage: { outcome: string; message: MessageView | null } }>(
        CANCEL,
        variables,
      );
    expect(dataOf(await cancel({ key })).cancelMessage).toMatchObject({
      outcome: 'CANCELLED',
      message: { id: scheduled.id, status: 'CANCELLED' },
    });
    expect(dataOf(await cancel({ id: scheduled.id })).cancelMessage.outcome).toBe('ALREADY_FINAL');
    expect(dataOf(await cancel({ key: 'no-such-key' })).cancelMessage).toEqual({
      outcome: 'NOT_FOUND',
      message: null,
    });
    const listed = dataOf(
      await gateway().gql<{ messages: { totalCount: number } }>(LIST, {
        filter: { key, statuses: ['CANCELLED', 'SENT'], openid },
      }),
    );
    expect(listed.messages.totalCount).toBe(1);
  });

  it('refuses bad input with BAD_USER_INPUT naming the field, storing nothing', async () => {
    const openid = newOpenid();
    const attempt = (input: Record<string, unknown>) =>
      gateway().gql(SCHEDULE_TYPED, {
        input: { openid, data: VALID_DATA.AuditResult, ...input },
      });
    expect(errorOf(await attempt({ when: { delaySeconds: 0 } }), 'BAD_USER_INPUT')).toMatchObject({
      extensions: { field: 'when.delaySeconds' },
    });
    expect(
      errorOf(await attempt({ when: { delaySeconds: 5, sendAt: inSeconds(5) } }), 'BAD_USER_INPUT'),
    ).toMatchObject({ extensions: { field: 'when' } });
    // The key shape of a recurring occurrence: such a message would take the occurrence's place.
    expect(
      errorOf(
        await attempt({ when: { delaySeconds: 60 }, key: `col-${openid}@${inSeconds(60)}` }),
        'BAD_USER_INPUT',
      ),
    ).toMatchObject({ extensions: { field: 'key' } });
    // Keys of only spaces, or of invisible characters, look like no key at all.
    for (const [input, field] of [
      [{ when: { delaySeconds: 60 }, key: '  ' }, 'key'],
      [{ when: { delaySeconds: 60 }, key: '\u3000' }, 'key'],
      [{ when: { delaySeconds: 60 }, key: '\u200b' }, 'key'],
      [{ when: { delaySeconds: 60 }, key: '\u00a0\u200d\u2060' }, 'key'],
      [
        { when: { trigger: { name: ' ', matchKey: 'm', timeoutAt: inSeconds(600) } } },
        'when.trigger.name',
      ],
      [
        { when: { trigger: { name: 'n', matchKey: '  ', timeoutAt: inSeconds(600) } } },
        'when.trigger.matchKey',
      ],
    ] as const)
      expect(errorOf(await attempt(input), 'BAD_USER_INPUT')).toMatchObject({
        extensions: { field },
      });
    // A DateTime without an offset is ambiguous: refused by the scalar itself.
    expect(
      errorOf(await attempt({ when: { sendAt: '2030-01-01T09:00:00' } }), 'BAD_USER_INPUT'),
    ).toMatchObject({ extensions: { field: 'when.sendAt' } });
    const listed = dataOf(
      await gateway().gql<{ messages: { totalCount: number } }>(LIST, { filter: { openid } }),
    );
    expect(listed.messages.totalCount).toBe(0);
  });

  it('reports the engine in deliveryHealth', async () => {
    const { deliveryHealth } = dataOf(
      await gateway().gql<{ deliveryHealth: Record<string, unknown> }>(HEALTH),
    );
    expect(deliveryHealth).toMatchObject({
      engine: store === 'redis' ? 'bullmq' : 'memory',
      rateLimit: { max: 100, perSeconds: 1 },
      paused: false,
      pausedUntil: null,
    });
  });
});

describe('later sends and roles', () => {
  const gateway = useGateway('memory', { GATEWAY_API_KEYS: ROLE_KEYS_ENV });
  const call = (query: string, variables: Record<string, unknown>, key: string) =>
    gateway().gql(query, variables, { key }) as Promise<GqlResult<unknown>>;

  it('lets readers read, senders schedule and cancel, and only admins resolve UNKNOWN', async () => {
    const input = {
      openid: newOpenid(),
      data: VALID_DATA.AuditResult,
      when: { delaySeconds: 600 },
    };
    errorOf(await call(SCHEDULE_TYPED, { input }, ROLE_KEYS.reader), 'FORBIDDEN');
    errorOf(await call(FIRE, { name: 'a', matchKey: 'b' }, ROLE_KEYS.reader), 'FORBIDDEN');
    errorOf(await call(CANCEL, { key: 'x' }, ROLE_KEYS.reader), 'FORBIDDEN');
    dataOf(await call(HEALTH, {}, ROLE_KEYS.reader));
    dataOf(await call(BY_KEY, { key: 'x' }, ROLE_KEYS.reader));
    const scheduled = dataOf(await call(SCHEDULE_TYPED, { input }, ROLE_KEYS.sender)) as {
      scheduleAuditResult: MessageView;
    };
    const id = scheduled.scheduleAuditResult.id;
    errorOf(await call(RESOLVE, { id }, ROLE_KEYS.sender), 'FORBIDDEN');
    // An admin may: the message is not UNKNOWN, which is the caller's mistake.
    expect(errorOf(await call(RESOLVE, { id }, ROLE_KEYS.admin), 'BAD_USER_INPUT')).toMatchObject({
      extensions: { field: 'id' },
    });
    dataOf(await call(CANCEL, { id }, ROLE_KEYS.sender));
  });
});
