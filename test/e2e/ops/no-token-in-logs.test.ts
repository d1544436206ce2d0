import { expect, it } from '@jest/globals';
import { dataOf, errorOf, newOpenid, send } from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { capturedPino } from '../../helpers/captured-pino.js';
import { STUB_ADMIN_KEY, startStubGateway } from '../../helpers/stub-gateway.js';

/**
 * Every token the stub issues contains "stub-token-"; the gateway logs through the production
 * pino logger at trace level, so anything any part of it writes is in `captured.text()`.
 */
it('issued access tokens never reach a log line, at trace level, through fetches, sends, refusals and failures', async () => {
  const captured = capturedPino('trace');
  const live = await startStubGateway({ logger: captured.logger });
  const openid = newOpenid();
  const sendOne = () =>
    send(
      live.t,
      { openid, templateId: 'AuditResult', data: VALID_DATA.AuditResult },
      STUB_ADMIN_KEY,
    );
  try {
    expect(dataOf(await sendOne()).sendSubscribeMessage.status).toBe('SENT');
    live.stub.sendErrors.push(43101);
    expect(dataOf(await sendOne()).sendSubscribeMessage.errcode).toBe(43101);
    live.stub.sendErrors.push(40003);
    expect(dataOf(await sendOne()).sendSubscribeMessage.errcode).toBe(40003);
    // WeChat rejects the token: the gateway fetches a new one and retries.
    live.stub.sendErrors.push(40001);
    expect(dataOf(await sendOne()).sendSubscribeMessage.status).toBe('SENT');
    live.stub.sendHangUps = 1;
    errorOf(await sendOne(), 'UPSTREAM_UNAVAILABLE');
    // Finally the token endpoint refuses the refresh.
    live.stub.tokenErrorAlways = 40164;
    live.stub.sendErrors.push(40001);
    errorOf(await sendOne(), 'WECHAT_CREDENTIALS_REJECTED');
    expect((await fetch(`${live.t.gateway.url}/readyz`)).status).toBe(503);
  } finally {
    await live.close();
  }
  // Two tokens were issued and used, and the log saw everything that happened around them.
  expect(live.stub.counts.stable).toBeGreaterThanOrEqual(3);
  const lines = captured.lines();
  const messages = lines.map((line) => line.msg);
  expect(messages.filter((msg) => msg === 'send finished')).toHaveLength(6);
  expect(messages).toContain('WeChat transport failure');
  expect(messages).toContain('access token rejected; refreshing once');
  expect(messages.filter((msg) => msg === 'request').length).toBeGreaterThanOrEqual(7);
  expect(lines.some((line) => line.errcode === 40164 && line.level === 50)).toBe(true);
  expect(captured.text()).not.toContain('stub-token-');
});
