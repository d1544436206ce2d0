import { describe, expect, it } from '@jest/globals';
import {
  dataOf,
  errorOf,
  grantCredits,
  newOpenid,
  send,
  sendCalls,
  type GqlResult,
} from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { useGateway } from '../../helpers/stores.js';

const SEND_AUDIT_RESULT = `mutation($input: SendAuditResultInput!) { sendAuditResult(input: $input) { id status } }`;

describe('input hygiene', () => {
  const gateway = useGateway('memory');

  /** Refused as BAD_USER_INPUT naming `field`, with no call to WeChat. */
  async function refusedNaming(
    attempt: () => Promise<GqlResult<unknown>>,
    field: string,
  ): Promise<string> {
    const before = await sendCalls(gateway());
    const result = await attempt();
    const error = errorOf(result, 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe(field);
    expect(await sendCalls(gateway())).toBe(before);
    return error.message;
  }

  describe('keys of data the template does not have', () => {
    it.each([
      ['__proto__', 'x'],
      ['__proto__', { value: 'x' }],
      ['constructor', 'x'],
      ['thing4', 'x'],
    ])('refuses %s, naming it', async (key, value) => {
      const openid = newOpenid();
      const data = JSON.parse(
        JSON.stringify({ ...VALID_DATA.AuditResult }).replace(
          /}$/,
          `,${JSON.stringify(key)}:${JSON.stringify(value)}}`,
        ),
      ) as Record<string, unknown>;
      expect(Object.keys(data)).toContain(key);
      const message = await refusedNaming(
        () => send(gateway(), { openid, templateId: 'AuditResult', data }),
        key,
      );
      expect(message).toContain(`data.${key}: not a keyword of this template`);
    });

    it('refuses __proto__ written inline in the operation too', async () => {
      const openid = newOpenid();
      await refusedNaming(
        () =>
          gateway().gql(
            `mutation { sendSubscribeMessage(input: { openid: "${openid}", templateId: "AuditResult", data: { phrase2: "已通过", thing3: "资料齐全", __proto__: "x" } }) { id } }`,
          ),
        '__proto__',
      );
    });

    it('refuses __proto__ in the typed data of send<Name>', async () => {
      const before = await sendCalls(gateway());
      const data = JSON.parse(
        JSON.stringify(VALID_DATA.AuditResult).replace(/}$/, ',"__proto__":"x"}'),
      ) as Record<string, unknown>;
      const result = await gateway().gql(SEND_AUDIT_RESULT, {
        input: { openid: newOpenid(), data },
      });
      expect(result.status).toBe(400);
      expect(errorOf(result, 'BAD_USER_INPUT').message).toContain('"__proto__"');
      expect(await sendCalls(gateway())).toBe(before);
    });
  });

  describe('page', () => {
    it.each([
      ['a URL', 'https://example.com/pages/index'],
      ['a javascript: URL', 'javascript:alert(1)'],
      ['a leading /', '/pages/index/index'],
      ['a space', 'pages/index/index?q=a b'],
      ['a control character', 'pages/index/index\u0000'],
      ['a bidi override', 'pages/index/\u202eindex'],
      ['a line separator', 'pages/index/index\u2028'],
      ['a backslash', 'pages\\index\\index'],
      ['a ".." segment', 'pages/../secret/index'],
      ['an empty segment', 'pages//index'],
      ['nothing', ''],
      ['more than 1024 characters', `pages/index/index?q=${'a'.repeat(1010)}`],
    ])('refuses %s', async (_what, page) => {
      const message = await refusedNaming(
        () =>
          send(gateway(), {
            openid: newOpenid(),
            templateId: 'AuditResult',
            data: VALID_DATA.AuditResult,
            page,
          }),
        'page',
      );
      expect(message).toMatch(/^page must be a mini-program path like pages\/index\/index\?id=1: /);
    });

    it.each(['pages/index/index', 'pages/review/result', 'pages/order/detail?id=1&from=msg'])(
      'sends %s',
      async (page) => {
        const t = gateway();
        const openid = newOpenid();
        await grantCredits(t, openid, 'AuditResult', 1);
        const sent = dataOf(
          await send(t, { openid, templateId: 'AuditResult', data: VALID_DATA.AuditResult, page }),
        );
        expect(sent.sendSubscribeMessage).toMatchObject({ status: 'SENT', page });
      },
    );
  });

  describe('error messages quote at most 200 characters of input', () => {
    const HUGE = 'x'.repeat(100_000);

    function bounded(result: GqlResult<unknown>): void {
      expect(result.body.errors?.length).toBeGreaterThan(0);
      for (const error of result.body.errors!) {
        expect(error.message).not.toContain('x'.repeat(201));
        expect(error.message.length).toBeLessThanOrEqual(1100);
      }
      expect(JSON.stringify(result.body).length).toBeLessThan(5000);
    }

    const validSend = (input: Record<string, unknown>) =>
      send(gateway(), {
        openid: newOpenid(),
        templateId: 'AuditResult',
        data: VALID_DATA.AuditResult,
        ...input,
      });

    it.each([
      ['openid', { openid: HUGE }],
      ['templateId', { templateId: HUGE }],
      ['a data key', { data: { ...VALID_DATA.AuditResult, [HUGE]: 'x' } }],
      ['a data value', { data: { phrase2: HUGE, thing3: 'ok' } }],
      ['a non-string data value', { data: { phrase2: [HUGE], thing3: 'ok' } }],
      ['page', { page: `pages/${HUGE}` }],
      ['idempotencyKey', { idempotencyKey: HUGE }],
    ])('in %s', async (_what, input) => {
      bounded(await validSend(input));
    });

    it('in a variable of the wrong type', async () => {
      bounded(
        await gateway().gql(SEND_AUDIT_RESULT, {
          input: { openid: HUGE, data: { [HUGE]: HUGE, phrase2: HUGE } },
        }),
      );
      bounded(await gateway().gql(SEND_AUDIT_RESULT, { input: HUGE }));
    });

    it('in an unknown field or argument', async () => {
      bounded(await gateway().gql(`{ ${HUGE.slice(0, 20_000)} }`));
      bounded(await gateway().gql(`{ templates(${HUGE.slice(0, 20_000)}: 1) { id } }`));
    });

    it('in an unknown operation name', async () => {
      const response = await fetch(gateway().gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ templates { id } }', operationName: HUGE }),
      });
      bounded({ status: response.status, body: (await response.json()) as never });
    });
  });
});
