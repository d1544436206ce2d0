import { describe, expect, it } from '@jest/globals';
import { dataOf, errorOf, newOpenid, type GqlResult } from '../../helpers/api.js';
import { useGateway } from '../../helpers/stores.js';

// Custom scalars (DateTime, JSONObject) refuse values before any resolver runs: in a literal
// (graphql-js's validation) or in a variable (its coercion). Either way the answer is the API's
// own BAD_USER_INPUT naming the field as the services name it: the path below the argument, or
// the argument itself. HTTP 400 as Apollo answers both (the request never executed).

const FIELDS = 'id status sendAt expiresAt trigger { timeoutAt }';
const LIST = `query($openid: String!) { messages(filter: { openid: $openid }) { totalCount } }`;
const DATA = '{ phrase2: "已通过", thing3: "资料齐全" }';
const NO_OFFSET = '2030-01-01T09:00:00';
const IMPOSSIBLE = '2030-02-30T00:00:00Z';
const SOON = () => new Date(Date.now() + 600_000).toISOString();

/** scheduleSubscribeMessage with everything inline; `rest` is more of the input's fields. */
const inline = (openid: string, rest: string) =>
  `mutation { scheduleSubscribeMessage(input: { openid: "${openid}", templateId: "AuditResult", data: ${DATA}, ${rest} }) { ${FIELDS} } }`;
const SCHEDULE = `mutation($input: ScheduleSubscribeMessageInput!) { scheduleSubscribeMessage(input: $input) { ${FIELDS} } }`;

function refused(result: GqlResult<unknown>, field: string, reason: string | RegExp) {
  const error = errorOf(result, 'BAD_USER_INPUT');
  expect(result.status).toBe(400);
  expect(error.extensions?.field).toBe(field);
  expect(error.message).toEqual(expect.stringMatching(reason));
  expect(result.body.data).toBeUndefined();
}

describe('custom scalars refuse input as BAD_USER_INPUT naming the field', () => {
  const gateway = useGateway('memory');
  const storedFor = async (openid: string) =>
    dataOf(await gateway().gql<{ messages: { totalCount: number } }>(LIST, { openid })).messages
      .totalCount;
  const input = (openid: string, rest: Record<string, unknown>) => ({
    input: {
      openid,
      templateId: 'AuditResult',
      data: { phrase2: '已通过', thing3: '资料齐全' },
      ...rest,
    },
  });

  it('a DateTime literal without an offset, nested in input.when.sendAt', async () => {
    const openid = newOpenid();
    const result = await gateway().gql(inline(openid, `when: { sendAt: "${NO_OFFSET}" }`));
    refused(result, 'when.sendAt', `"${NO_OFFSET}" has no offset: a DateTime needs one`);
    expect(result.body.errors?.[0]).toHaveProperty('locations');
    expect(await storedFor(openid)).toBe(0);
  });

  it('a DateTime without an offset in a variable: the whole input, or the DateTime itself', async () => {
    const openid = newOpenid();
    refused(
      await gateway().gql(SCHEDULE, input(openid, { when: { sendAt: NO_OFFSET } })),
      'when.sendAt',
      /^Variable "\$input" got invalid value .* at "input\.when\.sendAt";.* has no offset/,
    );
    refused(
      await gateway().gql(
        `mutation($at: DateTime) { scheduleSubscribeMessage(input: { openid: "${openid}", templateId: "AuditResult", data: ${DATA}, when: { sendAt: $at } }) { id } }`,
        { at: NO_OFFSET },
      ),
      'when.sendAt',
      'has no offset',
    );
    expect(await storedFor(openid)).toBe(0);
  });

  it('an impossible date, as a literal and in a variable', async () => {
    const openid = newOpenid();
    const reason = `"${IMPOSSIBLE}" is not a DateTime`;
    refused(
      await gateway().gql(inline(openid, `when: { sendAt: "${IMPOSSIBLE}" }`)),
      'when.sendAt',
      reason,
    );
    refused(
      await gateway().gql(SCHEDULE, input(openid, { when: { sendAt: IMPOSSIBLE } })),
      'when.sendAt',
      reason,
    );
    refused(
      await gateway().gql(inline(openid, `when: { delaySeconds: 60 }, expiresAt: "${IMPOSSIBLE}"`)),
      'expiresAt',
      reason,
    );
    expect(await storedFor(openid)).toBe(0);
  });

  it('deeper: input.when.trigger.timeoutAt, as a literal and in a variable', async () => {
    const openid = newOpenid();
    refused(
      await gateway().gql(
        inline(
          openid,
          `when: { trigger: { name: "t", matchKey: "m", timeoutAt: "${NO_OFFSET}" } }`,
        ),
      ),
      'when.trigger.timeoutAt',
      'has no offset',
    );
    refused(
      await gateway().gql(
        SCHEDULE,
        input(openid, { when: { trigger: { name: 't', matchKey: 'm', timeoutAt: IMPOSSIBLE } } }),
      ),
      'when.trigger.timeoutAt',
      'is not a DateTime',
    );
    // A variable holding part of the input: named from where it is used.
    refused(
      await gateway().gql(
        `mutation($when: WhenInput!) { scheduleSubscribeMessage(input: { openid: "${openid}", templateId: "AuditResult", data: ${DATA}, when: $when }) { id } }`,
        { when: { trigger: { name: 't', matchKey: 'm', timeoutAt: NO_OFFSET } } },
      ),
      'when.trigger.timeoutAt',
      /at "when\.trigger\.timeoutAt";.* has no offset/,
    );
    expect(await storedFor(openid)).toBe(0);
  });

  it('a top-level argument (rescheduleMessage sendAt) is named by the argument; the message keeps its time', async () => {
    const openid = newOpenid();
    const at = SOON();
    const { scheduleSubscribeMessage: scheduled } = dataOf(
      await gateway().gql<{ scheduleSubscribeMessage: { id: string; sendAt: string } }>(
        SCHEDULE,
        input(openid, { when: { sendAt: at } }),
      ),
    );
    const { id } = scheduled;
    refused(
      await gateway().gql(
        `mutation { rescheduleMessage(id: "${id}", sendAt: "${NO_OFFSET}") { id } }`,
      ),
      'sendAt',
      'has no offset',
    );
    refused(
      await gateway().gql(
        `mutation($id: ID!, $when: DateTime!) { rescheduleMessage(id: $id, sendAt: $when) { id } }`,
        { id, when: IMPOSSIBLE },
      ),
      'sendAt',
      /^Variable "\$when" got invalid value "2030-02-30T00:00:00Z"; .*is not a DateTime/,
    );
    // The path is read from graphql-js's message; a value that looks like one does not fool it.
    refused(
      await gateway().gql(
        `mutation($id: ID!, $when: DateTime!) { rescheduleMessage(id: $id, sendAt: $when) { id } }`,
        { id, when: 'x at "when.trigger.timeoutAt"' },
      ),
      'sendAt',
      'is not a DateTime',
    );
    // A variable's default value is a literal too, named from where the variable is used.
    refused(
      await gateway().gql(
        `mutation($id: ID!, $t: DateTime = "${NO_OFFSET}") { rescheduleMessage(id: $id, sendAt: $t) { id } }`,
        { id },
      ),
      'sendAt',
      'has no offset',
    );
    const { message } = dataOf(
      await gateway().gql<{ message: { sendAt: string; status: string } }>(
        `query($id: ID!) { message(id: $id) { sendAt status } }`,
        { id },
      ),
    );
    expect(message).toEqual({ sendAt: new Date(at).toISOString(), status: 'SCHEDULED' });
  });

  it('JSONObject: data that is not an object, as a literal and in a variable', async () => {
    const openid = newOpenid();
    refused(
      await gateway().gql(
        `mutation { scheduleSubscribeMessage(input: { openid: "${openid}", templateId: "AuditResult", data: "phrase2", when: { delaySeconds: 60 } }) { id } }`,
      ),
      'data',
      '"phrase2" is not a JSON object',
    );
    refused(
      await gateway().gql(SCHEDULE, {
        input: { openid, templateId: 'AuditResult', data: ['x'], when: { delaySeconds: 60 } },
      }),
      'data',
      /at "input\.data";.*\["x"\] is not a JSON object/,
    );
    expect(await storedFor(openid)).toBe(0);
  });
});
