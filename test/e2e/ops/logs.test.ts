import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataOf, errorOf, newOpenid, type GqlResult, type MessageView } from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { SEND } from '../../helpers/operations.js';
import { PUSH_TOKEN } from '../../helpers/push-harness.js';
import type { LogLine } from '../../helpers/recording-logger.js';
import { STUB_ADMIN_KEY, startStubGateway, type StubGateway } from '../../helpers/stub-gateway.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('logs of a running gateway', () => {
  let live: StubGateway;
  beforeAll(async () => {
    live = await startStubGateway({ env: { WECHAT_PUSH_TOKEN: PUSH_TOKEN } });
  });
  afterAll(() => live.close());

  /** Sends through raw fetch; returns the reply, its request id and the lines it logged. */
  async function sendLogged(
    data: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<
    GqlResult<{ sendSubscribeMessage: MessageView }> & {
      requestId: string | null;
      lines: LogLine[];
    }
  > {
    const { lines } = live.t.logger;
    const first = lines.length;
    const response = await fetch(live.t.gateway.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${STUB_ADMIN_KEY}`,
        ...headers,
      },
      body: JSON.stringify({
        query: SEND,
        variables: { input: { openid: newOpenid(), templateId: 'AuditResult', data } },
      }),
    });
    const body = (await response.json()) as GqlResult<{
      sendSubscribeMessage: MessageView;
    }>['body'];
    // The access line is written when the response closes, just after the client has it.
    for (let i = 0; i < 100 && !lines.slice(first).some((l) => l.msg === 'request'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return {
      status: response.status,
      body,
      requestId: response.headers.get('x-request-id'),
      lines: lines.slice(first),
    };
  }

  it('echoes a valid x-request-id and carries it on every line of that request', async () => {
    const sent = await sendLogged(VALID_DATA.AuditResult, { 'x-request-id': 'client-req-42.a:b' });
    expect(dataOf(sent).sendSubscribeMessage.status).toBe('SENT');
    expect(sent.requestId).toBe('client-req-42.a:b');
    expect(sent.lines.length).toBeGreaterThanOrEqual(2);
    for (const line of sent.lines) expect(line.fields.requestId).toBe('client-req-42.a:b');
  });

  it('replaces a missing or unsafe x-request-id with a generated one', async () => {
    const headers: Record<string, string>[] = [
      {},
      { 'x-request-id': 'a b\tc' },
      { 'x-request-id': 'x'.repeat(129) },
    ];
    for (const header of headers) {
      const sent = await sendLogged(VALID_DATA.AuditResult, header);
      expect(sent.requestId).toMatch(UUID);
      for (const line of sent.lines) expect(line.fields.requestId).toBe(sent.requestId);
    }
  });

  it('writes one access line per request: method, route, status, duration, operation, role; never the key', async () => {
    const sent = await sendLogged(VALID_DATA.AuditResult);
    const access = sent.lines.filter((line) => line.msg === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]!.level).toBe('info');
    expect(access[0]!.fields).toMatchObject({
      method: 'POST',
      route: '/graphql',
      status: 200,
      operationName: 'Send',
      role: 'admin',
      durationMs: expect.any(Number),
    });
    expect(live.t.logger.text()).not.toContain(STUB_ADMIN_KEY);

    const before = live.t.logger.lines.length;
    expect((await fetch(`${live.t.gateway.url}/no/such/path?x=1`)).status).toBe(404);
    expect((await fetch(`${live.t.gateway.url}/healthz`)).status).toBe(200);
    const accessLines = () =>
      live.t.logger.lines.slice(before).filter((line) => line.msg === 'request');
    for (let i = 0; i < 100 && accessLines().length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const lines = accessLines();
    expect(lines.map((line) => [line.level, line.fields.route, line.fields.status])).toEqual([
      ['info', 'other', 404],
      // Probes every few seconds would drown the log: successful ones go to debug.
      ['debug', '/healthz', 200],
    ]);
  });

  it('writes one info line per send outcome with ids, template, status, errcode, attempts and duration, never the data', async () => {
    const sent = await sendLogged(VALID_DATA.AuditResult);
    const message = dataOf(sent).sendSubscribeMessage;
    const outcome = sent.lines.filter((line) => line.msg === 'send finished');
    expect(outcome).toHaveLength(1);
    expect(outcome[0]!.level).toBe('info');
    expect(outcome[0]!.fields).toMatchObject({
      messageId: message.id,
      appId: live.stub.appId,
      template: 'AuditResult',
      templateId: message.templateId,
      status: 'SENT',
      errcode: null,
      attempts: 1,
      durationMs: expect.any(Number),
    });
    for (const value of Object.values(VALID_DATA.AuditResult)) {
      expect(live.t.logger.text()).not.toContain(value);
    }
  });

  it('43101 is an info outcome only; any other refusal adds a warning', async () => {
    live.stub.sendErrors.push(43101);
    const refused = await sendLogged(VALID_DATA.AuditResult);
    expect(refused.lines.filter((line) => line.level === 'warn')).toEqual([]);
    expect(refused.lines.find((line) => line.msg === 'send finished')!.fields).toMatchObject({
      status: 'FAILED',
      errcode: 43101,
    });

    live.stub.sendErrors.push(40003);
    const invalid = await sendLogged(VALID_DATA.AuditResult);
    const warnings = invalid.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.fields).toMatchObject({ errcode: 40003 });
    expect(invalid.lines.find((line) => line.msg === 'send finished')!.fields).toMatchObject({
      status: 'FAILED',
      errcode: 40003,
    });
  });

  it('a WeChat transport failure is a warning naming the path, and the outcome line says FAILED', async () => {
    live.stub.sendHangUps = 1;
    const failed = await sendLogged(VALID_DATA.AuditResult);
    errorOf(failed, 'UPSTREAM_UNAVAILABLE');
    const warnings = failed.lines.filter((line) => line.msg === 'WeChat transport failure');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level).toBe('warn');
    expect(warnings[0]!.fields).toMatchObject({
      path: '/cgi-bin/message/subscribe/send',
      code: expect.any(String),
      sent: true,
    });
    expect(failed.lines.find((line) => line.msg === 'send finished')!.fields).toMatchObject({
      status: 'FAILED',
      errcode: null,
      attempts: 1,
      error: 'UPSTREAM_UNAVAILABLE',
    });
  });

  it('a refused push delivery is logged with its request id', async () => {
    const before = live.t.logger.lines.length;
    const response = await fetch(
      `${live.t.gateway.pushUrl}?signature=${'0'.repeat(40)}&timestamp=${Math.floor(Date.now() / 1000)}&nonce=1&echostr=hi`,
      { headers: { 'x-request-id': 'push-probe-7' } },
    );
    expect(response.status).toBe(401);
    expect(response.headers.get('x-request-id')).toBe('push-probe-7');
    const rejected = live.t.logger.lines
      .slice(before)
      .filter((line) => line.msg.startsWith('push request rejected'));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.fields).toMatchObject({
      requestId: 'push-probe-7',
      reason: 'bad_signature',
    });
  });
});
