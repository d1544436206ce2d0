import { describe, expect, it } from '@jest/globals';
import { type GraphQLErrorBody } from '../../helpers/gateway.js';
import {
  dataOf,
  errorOf,
  grantCredits,
  newOpenid,
  send,
  sendCalls,
  subscribe,
} from '../../helpers/api.js';
import { SUBSCRIPTIONS, SYNC_TEMPLATES, TEMPLATES } from '../../helpers/operations.js';
import { ROLE_KEYS, ROLE_KEYS_ENV } from '../../helpers/role-keys.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';

const UNKNOWN_KEY = 'unknown-Zx9Cv8Bn7Mm6Ll5K';

const SEND_AUDIT_RESULT = `mutation($input: SendAuditResultInput!) { sendAuditResult(input: $input) { id status } }`;

describeEachStore('access control with GATEWAY_API_KEYS', (store) => {
  const gateway = useGateway(store, { GATEWAY_API_KEYS: ROLE_KEYS_ENV });
  /** Every response body of this describe, to check that no key ever comes back. */
  const bodies: string[] = [];
  const call = async (query: string, variables: Record<string, unknown> = {}, key?: string) => {
    const result = await gateway().gql(query, variables, { key });
    bodies.push(JSON.stringify(result.body));
    return result;
  };

  describe('authentication', () => {
    it.each([
      ['no key', undefined],
      ['an unknown key', UNKNOWN_KEY],
    ])('refuses %s with HTTP 401 and UNAUTHENTICATED, doing no work', async (_what, key) => {
      const t = gateway();
      const openid = newOpenid();
      const before = await sendCalls(t);
      for (const [query, variables] of [
        [TEMPLATES, {}],
        [
          `mutation($input: SubscribeInput!) { subscribe(input: $input) { id } }`,
          { input: { openid, results: [{ templateId: 'AuditResult', status: 'ACCEPT' }] } },
        ],
        [SEND_AUDIT_RESULT, { input: { openid, data: VALID_DATA.AuditResult } }],
      ] as const) {
        const result = await call(query, variables, key);
        expect(result.status).toBe(401);
        expect(result.body.data ?? null).toBeNull();
        errorOf(result, 'UNAUTHENTICATED');
      }
      expect(await sendCalls(t)).toBe(before);
      const { subscriptions } = dataOf(
        await call(SUBSCRIPTIONS, { filter: { openid } }, ROLE_KEYS.reader),
      ) as { subscriptions: { totalCount: number } };
      expect(subscriptions.totalCount).toBe(0);
    });

    it('refuses a header that is not "Bearer <key>"', async () => {
      const response = await fetch(gateway().gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${ROLE_KEYS.admin}` },
        body: JSON.stringify({ query: '{ templates { id } }' }),
      });
      const body = (await response.json()) as { errors: GraphQLErrorBody[] };
      bodies.push(JSON.stringify(body));
      expect(response.status).toBe(401);
      expect(body.errors[0]!.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('reader', () => {
    it('can query', async () => {
      const templates = dataOf(await call(TEMPLATES, {}, ROLE_KEYS.reader));
      expect(templates).toMatchObject({ templates: expect.any(Array) });
      dataOf(await call(SUBSCRIPTIONS, {}, ROLE_KEYS.reader));
    });

    it('may not subscribe or send (FORBIDDEN), and nothing happens', async () => {
      const t = gateway();
      const openid = newOpenid();
      const before = await sendCalls(t);
      const subscribed = await call(
        `mutation($input: SubscribeInput!) { subscribe(input: $input) { id } }`,
        { input: { openid, results: [{ templateId: 'AuditResult', status: 'ACCEPT' }] } },
        ROLE_KEYS.reader,
      );
      errorOf(subscribed, 'FORBIDDEN');
      const sent = await call(
        `mutation($input: SendSubscribeMessageInput!) { sendSubscribeMessage(input: $input) { id } }`,
        { input: { openid, templateId: 'AuditResult', data: VALID_DATA.AuditResult } },
        ROLE_KEYS.reader,
      );
      errorOf(sent, 'FORBIDDEN');
      errorOf(
        await call(
          SEND_AUDIT_RESULT,
          { input: { openid, data: VALID_DATA.AuditResult } },
          ROLE_KEYS.reader,
        ),
        'FORBIDDEN',
      );
      errorOf(await call(SYNC_TEMPLATES, {}, ROLE_KEYS.reader), 'FORBIDDEN');
      expect(await sendCalls(t)).toBe(before);
      const { subscriptions } = dataOf(
        await call(SUBSCRIPTIONS, { filter: { openid } }, ROLE_KEYS.reader),
      ) as { subscriptions: { totalCount: number } };
      expect(subscriptions.totalCount).toBe(0);
    });
  });

  describe('sender', () => {
    it('can subscribe, send with both mutations, and query', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 2, ROLE_KEYS.sender);
      const generic = dataOf(
        await send(
          t,
          { openid, templateId: 'AuditResult', data: VALID_DATA.AuditResult },
          ROLE_KEYS.sender,
        ),
      );
      expect(generic.sendSubscribeMessage.status).toBe('SENT');
      const typed = dataOf(
        await call(
          SEND_AUDIT_RESULT,
          { input: { openid, data: VALID_DATA.AuditResult } },
          ROLE_KEYS.sender,
        ),
      );
      expect(typed).toMatchObject({ sendAuditResult: { status: 'SENT' } });
      dataOf(await call(SUBSCRIPTIONS, { filter: { openid } }, ROLE_KEYS.sender));
    });

    it('may not sync templates (FORBIDDEN)', async () => {
      const t = gateway();
      const before =
        (await t.sim<{ calls: Record<string, number> }>('counters')).calls[
          '/wxaapi/newtmpl/gettemplate'
        ] ?? 0;
      errorOf(await call(SYNC_TEMPLATES, {}, ROLE_KEYS.sender), 'FORBIDDEN');
      const after =
        (await t.sim<{ calls: Record<string, number> }>('counters')).calls[
          '/wxaapi/newtmpl/gettemplate'
        ] ?? 0;
      expect(after).toBe(before);
    });
  });

  describe('admin', () => {
    it('can sync templates, which reads WeChat’s gettemplate', async () => {
      const t = gateway();
      const before =
        (await t.sim<{ calls: Record<string, number> }>('counters')).calls[
          '/wxaapi/newtmpl/gettemplate'
        ] ?? 0;
      const { syncTemplates } = dataOf(await call(SYNC_TEMPLATES, {}, ROLE_KEYS.admin)) as {
        syncTemplates: { name: string }[];
      };
      expect(syncTemplates.map((t) => t.name)).toEqual(
        expect.arrayContaining(['AuditResult', 'CourseGradeReleased']),
      );
      const after =
        (await t.sim<{ calls: Record<string, number> }>('counters')).calls[
          '/wxaapi/newtmpl/gettemplate'
        ] ?? 0;
      expect(after).toBe(before + 1);
    });

    it('can subscribe and send', async () => {
      const t = gateway();
      const openid = newOpenid();
      dataOf(await subscribe(t, openid, [['AuditResult', 'ACCEPT']], ROLE_KEYS.admin));
      const sent = dataOf(
        await call(
          SEND_AUDIT_RESULT,
          { input: { openid, data: VALID_DATA.AuditResult } },
          ROLE_KEYS.admin,
        ),
      );
      expect(sent).toMatchObject({ sendAuditResult: { status: 'SENT' } });
      // A refusal is logged as a warning, with the request's context.
      await t.sim('errors', { path: '/cgi-bin/message/subscribe/send', errcode: 45168 });
      const refused = await call(
        SEND_AUDIT_RESULT,
        { input: { openid, data: VALID_DATA.AuditResult } },
        ROLE_KEYS.admin,
      );
      expect(dataOf(refused)).toMatchObject({ sendAuditResult: { status: 'FAILED' } });
    });
  });

  it('never shows a key in a response or a log line', () => {
    const logs = gateway().logger.text();
    // Not vacuous: the gateway did log (token fetches, the refused send below) and answer.
    expect(gateway().logger.lines.length).toBeGreaterThan(0);
    expect(bodies.length).toBeGreaterThan(10);
    for (const key of [...Object.values(ROLE_KEYS), UNKNOWN_KEY]) {
      expect(logs).not.toContain(key);
      for (const body of bodies) expect(body).not.toContain(key);
    }
  });
});

describe('without GATEWAY_API_KEYS (sandbox)', () => {
  const gateway = useGateway('memory');

  it('accepts anonymous requests with every right', async () => {
    const t = gateway();
    const openid = newOpenid();
    dataOf(await subscribe(t, openid, [['AuditResult', 'ACCEPT']]));
    dataOf(await t.gql(SYNC_TEMPLATES));
  });
});
