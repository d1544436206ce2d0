import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { rawExchange } from '../../helpers/raw-http.js';

jest.setTimeout(60_000);

/**
 * Against `src/main.ts` in its own process: a request that crashed the gateway shows up here as
 * a dead process, not as an error the test runner happens to catch.
 */
describe('malformed requests against a gateway process', () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGatewayProcess();
  });
  afterAll(() => gateway.stop());

  const expectAlive = async () => {
    expect(gateway.child.exitCode).toBeNull();
    const response = await fetch(`${gateway.url}/healthz`);
    expect(response.status).toBe(200);
  };

  it('answers GET //% with a 400 and closes, and keeps serving', async () => {
    const reply = await rawExchange(gateway.port, ['GET //% HTTP/1.1\r\nHost: gateway\r\n\r\n']);
    expect(reply.status).toBe(400);
    expect(reply.headers.connection).toBe('close');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.closed).toBe(true);
    await expectAlive();
  });

  it.each([
    ['a target that is not a URL', 'GET /\\% HTTP/1.1\r\nHost: gateway\r\n\r\n', 400],
    ['a protocol-relative target', 'GET //evil.example/graphql HTTP/1.1\r\nHost: g\r\n\r\n', 400],
    ['an asterisk target', 'OPTIONS * HTTP/1.1\r\nHost: gateway\r\n\r\n', 400],
    ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400],
    ['a header without a colon', 'GET /healthz HTTP/1.1\r\nHost: g\r\nnocolon\r\n\r\n', 400],
    ['a NUL in a header value', 'GET /healthz HTTP/1.1\r\nHost: g\r\nX-A: a\0b\r\n\r\n', 400],
    ['a missing Host on HTTP/1.1', 'GET /healthz HTTP/1.1\r\n\r\n', 400],
    [
      'a Content-Length that is not a number',
      'POST /graphql HTTP/1.1\r\nHost: g\r\nContent-Length: ten\r\n\r\n',
      400,
    ],
    ['a CONNECT tunnel', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n', 405],
    ['an unknown expectation', 'GET /healthz HTTP/1.1\r\nHost: g\r\nExpect: tea\r\n\r\n', 417],
  ])('refuses %s and closes the connection', async (_what, request, status) => {
    const reply = await rawExchange(gateway.port, [request]);
    expect(reply.status).toBe(status);
    expect(reply.headers.connection).toBe('close');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.closed).toBe(true);
    await expectAlive();
  });

  it('answers a malformed request that follows a good one on a kept-alive connection', async () => {
    const reply = await rawExchange(gateway.port, [
      'GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n',
      'GET //% HTTP/1.1\r\nHost: gateway\r\n\r\n',
    ]);
    expect(reply.status).toBe(200);
    const second = reply.text.slice(reply.text.indexOf('HTTP/1.1', 1));
    expect(second).toMatch(/^HTTP\/1\.1 400 /);
    expect(second).toContain('nosniff');
    expect(reply.closed).toBe(true);
  });

  it('answers a request line Node cannot parse after a good one on the same connection', async () => {
    const reply = await rawExchange(gateway.port, [
      'GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n',
      'NOT HTTP AT ALL\r\n\r\n',
    ]);
    expect(reply.status).toBe(200);
    const second = reply.text.slice(reply.text.indexOf('HTTP/1.1', 1));
    expect(second).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply.closed).toBe(true);
  });

  it('accepts the absolute form HTTP/1.1 servers must accept', async () => {
    const reply = await rawExchange(gateway.port, [
      'GET http://gateway/healthz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n',
    ]);
    expect(reply.status).toBe(200);
  });

  it('logged nothing at error level', () => {
    expect(gateway.output()).not.toMatch(/"level":(50|60)/);
  });
});
