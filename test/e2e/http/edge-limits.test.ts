import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { newNonce, nowSeconds, PUSH_TOKEN } from '../../helpers/push-harness.js';
import { signedQuery } from '../../helpers/push-test-kit.js';
import { parseFirstResponse, rawExchange } from '../../helpers/raw-http.js';
import type { LogLine } from '../../helpers/recording-logger.js';

const KEY = 'admin-key-edge-0123456789';
const MiB = 1024 * 1024;
const HEALTHZ = 'GET /healthz HTTP/1.1\r\nHost: g\r\nConnection: close\r\n\r\n';

function portOf(t: TestGateway): number {
  return Number(new URL(t.gateway.url).port);
}

function post(headers: Record<string, string | number>): string {
  const lines = Object.entries({ Host: 'gateway', 'Content-Type': 'application/json', ...headers })
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  return `POST /graphql HTTP/1.1\r\n${lines}\r\n\r\n`;
}

/** A JSON GraphQL request padded with spaces to exactly `size` bytes. */
function paddedQuery(size: number): string {
  const json = JSON.stringify({ query: '{ __typename }' });
  return json.slice(0, -1) + ' '.repeat(size - json.length) + '}';
}

/** Resolves once `predicate` holds; fails the test after `waitMs` if it never does. */
async function eventually(predicate: () => boolean, what: string, waitMs = 5000): Promise<void> {
  for (let waited = 0; !predicate(); waited += 20) {
    if (waited > waitMs) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Sends the headers with `Expect: 100-continue`, and once the gateway invites the body (so the
 * route is reading it) calls `then` with the socket.
 */
function afterContinue(port: number, head: string, then: (socket: Socket) => void) {
  return new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let invited = false;
    socket.on('data', (data) => {
      text += data.toString('latin1');
      if (!invited && text.includes('100 Continue')) {
        invited = true;
        then(socket);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
    socket.write(head);
  });
}

describe('the HTTP edge with API keys', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      env: {
        GATEWAY_API_KEYS: `admin:${KEY}`,
        WECHAT_PUSH_TOKEN: PUSH_TOKEN,
        // Small, so a slow body is cut within the test (the default is 30 s).
        HTTP_REQUEST_TIMEOUT_MS: '1000',
      },
    });
  });
  afterAll(() => t.close());

  describe('authentication before the body', () => {
    it.each([
      ['no key', {}],
      ['an unknown key', { Authorization: 'Bearer unknown-key-0123456789' }],
    ])(
      'answers a 1 MiB upload with %s by 401 and a close, without waiting for the body',
      async (_what, auth) => {
        // Only the headers are sent: a gateway that read the body first would wait for it.
        const reply = await rawExchange(portOf(t), [post({ 'Content-Length': MiB, ...auth })]);
        expect(reply.status).toBe(401);
        expect(reply.headers.connection).toBe('close');
        expect(reply.headers['www-authenticate']).toBe('Bearer');
        expect(reply.text).toContain('"UNAUTHENTICATED"');
        expect(reply.closed).toBe(true);
      },
    );

    it('does the same for a chunked upload, and never invites the body', async () => {
      const reply = await rawExchange(portOf(t), [
        post({ 'Transfer-Encoding': 'chunked', Expect: '100-continue' }),
      ]);
      expect(reply.status).toBe(401);
      expect(reply.text).not.toContain('100 Continue');
      expect(reply.closed).toBe(true);
    });
  });

  describe('MAX_BODY_BYTES (100 KiB by default)', () => {
    it('accepts a body of exactly 100 KiB', async () => {
      const response = await fetch(t.gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: paddedQuery(102_400),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    });

    it('refuses a declared 100 KiB + 1 with 413 and a close, without reading it', async () => {
      const reply = await rawExchange(portOf(t), [
        post({ 'Content-Length': 102_401, Authorization: `Bearer ${KEY}` }),
      ]);
      expect(reply.status).toBe(413);
      expect(reply.headers.connection).toBe('close');
      expect(reply.text).toContain('"PAYLOAD_TOO_LARGE"');
      expect(reply.text).toContain('MAX_BODY_BYTES');
      expect(reply.closed).toBe(true);
    });

    it('cuts a chunked body that grows past the limit with 413 and a close', async () => {
      const chunk = 'x'.repeat(16 * 1024);
      const chunked = `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
      const reply = await rawExchange(portOf(t), [
        post({ 'Transfer-Encoding': 'chunked', Authorization: `Bearer ${KEY}` }),
        // 8 × 16 KiB, never terminated: only the limit can end it.
        ...Array.from({ length: 8 }, () => chunked),
      ]);
      expect(reply.status).toBe(413);
      expect(reply.headers.connection).toBe('close');
      expect(reply.closed).toBe(true);
    });
  });

  describe('slow and aborted uploads', () => {
    it('cuts a body that does not arrive within the request timeout: 408, closed, one debug line', async () => {
      const before = t.logger.lines.length;
      const reply = await rawExchange(
        portOf(t),
        [post({ 'Content-Length': 100, Authorization: `Bearer ${KEY}` }), '{"query":'],
        { waitMs: 10_000 },
      );
      expect(reply.status).toBe(408);
      expect(reply.headers.connection).toBe('close');
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.closed).toBe(true);
      const aborts = () => withoutAccessLines(t.logger.lines.slice(before));
      await eventually(() => aborts().length > 0, 'the abort is logged');
      expect(aborts().map((l) => [l.level, l.msg])).toEqual([
        ['debug', 'request aborted by the client'],
      ]);
    });

    it('logs an upload the client abandons once, at debug, with no stack', async () => {
      const before = t.logger.lines.length;
      await afterContinue(
        portOf(t),
        post({ 'Content-Length': 5000, Authorization: `Bearer ${KEY}`, Expect: '100-continue' }),
        (socket) => {
          socket.write('{"query":"{ __typename }"');
          socket.destroy();
        },
      );
      const aborts = () => withoutAccessLines(t.logger.lines.slice(before));
      await eventually(() => aborts().length > 0, 'the abort is logged');
      // Anything else would have been written by now, alongside the abort line.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(aborts()).toEqual([
        {
          level: 'debug',
          fields: { path: '/graphql', received: 25, requestId: expect.any(String) },
          msg: 'request aborted by the client',
        },
      ]);
      // The request's access line is at debug too: an abandoned upload is not news.
      const access = t.logger.lines.slice(before).filter((l) => l.msg === 'request');
      expect(access.map((l) => [l.level, l.fields.status])).toEqual([['debug', 499]]);
    });

    it('reads the body once the key passes when the client waits for 100 Continue', async () => {
      const body = JSON.stringify({ query: '{ __typename }' });
      const text = await afterContinue(
        portOf(t),
        post({
          'Content-Length': body.length,
          Authorization: `Bearer ${KEY}`,
          Expect: '100-continue',
          Connection: 'close',
        }),
        (socket) => socket.write(body),
      );
      const final = text.slice(text.indexOf('\r\n\r\n') + 4);
      expect(parseFirstResponse(final).status).toBe(200);
      expect(final).toContain('{"data":{"__typename":"Query"}}');
    });

    it('cuts headers that do not arrive within the headers timeout with 408', async () => {
      const reply = await rawExchange(portOf(t), ['GET /healthz HTTP/1.1\r\nHost: g\r\n'], {
        waitMs: 10_000,
      });
      expect(reply.status).toBe(408);
      expect(reply.closed).toBe(true);
    });
  });

  describe('X-Content-Type-Options: nosniff', () => {
    it.each([
      ['/healthz', {}],
      ['/nowhere', {}],
      ['/', { accept: 'text/html' }],
      ['/graphql', { accept: 'text/html' }],
      ['/graphql', { accept: 'application/json' }],
      ['/playground', {}],
      ['/playground/assets/not-an-asset.js', {}],
    ])('on GET %s %j', async (path, headers) => {
      const response = await fetch(`${t.gateway.url}${path}`, { headers, redirect: 'manual' });
      await response.arrayBuffer();
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('on the playground assets', async () => {
      const page = await (
        await fetch(t.gateway.graphqlUrl, { headers: { accept: 'text/html' } })
      ).text();
      const assets = [...page.matchAll(/(?:href|src)="(\/playground\/assets\/[^"]+)"/g)].map(
        (m) => m[1]!,
      );
      expect(assets.length).toBeGreaterThan(2);
      for (const asset of assets) {
        const response = await fetch(`${t.gateway.url}${asset}`);
        await response.arrayBuffer();
        expect([asset, response.status]).toEqual([asset, 200]);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });

    it('on GraphQL answers and errors', async () => {
      for (const [body, key] of [
        [JSON.stringify({ query: '{ __typename }' }), KEY],
        [JSON.stringify({ query: '{ nope }' }), KEY],
        ['{ not json', KEY],
        [JSON.stringify({ query: '{ __typename }' }), undefined],
      ] as const) {
        const response = await fetch(t.gateway.graphqlUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(key ? { authorization: `Bearer ${key}` } : {}),
          },
          body,
        });
        await response.arrayBuffer();
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });

    it("on the push endpoint's echostr reply", async () => {
      const timestamp = nowSeconds();
      const nonce = newNonce();
      const query = signedQuery(PUSH_TOKEN, timestamp, nonce, { echostr: '<html>sniff me</html>' });
      const response = await fetch(`${t.gateway.pushUrl}?${query}`);
      expect(await response.text()).toBe('<html>sniff me</html>');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });
});

describe('HTTP_MAX_CONNECTIONS', () => {
  let t: TestGateway;
  const held: Socket[] = [];
  beforeAll(async () => {
    t = await startTestGateway({ env: { HTTP_MAX_CONNECTIONS: '2' } });
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await t.close();
  });

  it('drops connections over the cap and serves again once they close', async () => {
    for (let i = 0; i < 2; i++) {
      const socket = connect(portOf(t), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      held.push(socket);
    }
    const refused = await rawExchange(portOf(t), [HEALTHZ]);
    expect(refused.status).toBeNull();
    expect(refused.closed).toBe(true);

    for (const socket of held.splice(0)) socket.destroy();
    // The server counts a connection down when it sees it close: ask until it has.
    let status: number | null = null;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      status = (await rawExchange(portOf(t), [HEALTHZ])).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(200);
  });
});

/** Every request also gets its access line (see the operations tests); these tests look past it. */
function withoutAccessLines(lines: readonly LogLine[]): LogLine[] {
  return lines.filter((line) => line.msg !== 'request');
}
