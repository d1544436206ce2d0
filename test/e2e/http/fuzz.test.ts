import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { signedQuery } from '../../helpers/push-test-kit.js';
import { rawExchange, type RawExchange } from '../../helpers/raw-http.js';

jest.setTimeout(180_000);

/** Fixed: a failure names its case number, and the same seed rebuilds the same case. */
const SEED = 0x5eed_2026;
const CASES = 400;
const PARALLEL = 16;
const KEY = 'admin-fuzz-0123456789abcdef';
const PUSH_TOKEN = 'fuzzpush123';

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (p: number) => next() < p,
    int: (max: number) => Math.floor(next() * max),
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)]!;
    },
    bytes(length: number): Buffer {
      return Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
    },
  };
}
type Random = ReturnType<typeof prng>;

const METHODS = [
  'GET',
  'POST',
  'POST',
  'POST',
  'PUT',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'PATCH',
  'TRACE',
  'get',
  'PO ST',
  'G\0T',
  '',
  'X'.repeat(300),
  'PRI',
];
const TARGETS = [
  '/graphql',
  '/graphql',
  '/graphql?query=%7B__typename%7D',
  '/healthz',
  '/',
  '/playground',
  '/playground/assets/x.js',
  '/playground/assets/../../etc/passwd',
  '/wechat/push',
  '//%',
  '/%',
  '/%zz',
  '/graphql?%',
  '/graphql?query=%',
  '//',
  '//evil.example/',
  '*',
  '',
  'http://',
  'http://[::1',
  'http://gateway/graphql',
  'https://x:99999/',
  '/\\%',
  '/\\\\evil',
  '/..%2f..%2f',
  '/%00',
  '/\u00e9\u4e2d',
  '/a b',
  `/${'a'.repeat(9000)}`,
  '/graphql#frag',
  '/graphql?query={__typename}&variables=%7B',
  '?x',
  'graphql',
];
const VERSIONS = [
  'HTTP/1.1',
  'HTTP/1.1',
  'HTTP/1.1',
  'HTTP/1.0',
  'HTTP/2.0',
  'HTTP/9.9',
  'HTTP/',
  'HTTP/1.1 extra',
  'http/1.1',
  '',
  'HTTP/1.01',
];
const ODD_HEADERS = [
  'nocolon',
  ': empty-name',
  'Bad Name: x',
  'X-Nul: a\0b',
  'X-Fold: a\r\n folded',
  'X-Cr: a\rb',
  `X-Huge: ${'h'.repeat(20_000)}`,
  'Host: second-host',
  'Content-Length: -1',
  'Content-Length: 1e3',
  'Content-Length: 99999999999999999999',
  'Transfer-Encoding: chunked, gzip',
  'Transfer-Encoding: identity',
  'Expect: 100-continue',
  'Expect: tea',
  'Accept: text/html;q=abc, application/json;q=-1',
  'Accept: text/html',
  'Accept: */*;q=0',
  'Authorization: Bearer',
  'Authorization: Bearer  a b',
  `Authorization: Bearer ${'k'.repeat(5000)}`,
  'Authorization: Basic xxx',
  'Content-Type: application/json; charset=latin1',
  'Content-Type: text/plain',
  'Content-Type: application/graphql',
  'Content-Type: multipart/form-data; boundary=x',
  'Apollo-Require-Preflight: true',
  'Connection: upgrade\r\nUpgrade: websocket',
  'Connection: close',
  'X-Request-Id: \u00ff\u00fe',
  'Cookie: a=b',
];
const BODIES: readonly (string | Buffer)[] = [
  '{"query":"{ __typename }"}',
  '{"query":"{ templates { name title fields { key rule } } }"}',
  '{"query":"{ __typename }","variables":"not an object"}',
  '{"query":"{ __typename }","variables":{"__proto__":{"x":1}},"operationName":7}',
  '{"query":1}',
  '{"query":"{"}',
  '{"query":"mutation { nope }"}',
  '{"query":"query($a: Int!) { __typename }","variables":{"a":"x"}}',
  '{"query":"{ __schema { types { name } } }","extensions":{"persistedQuery":{"version":1,"sha256Hash":"x"}}}',
  '[{"query":"{ __typename }"},{"query":"{ __typename }"}]',
  '[]',
  'null',
  '"a string"',
  '{',
  '{"query":"{ __typename }"',
  '\u0000\u0001\u0002',
  '{"query":"\\ud800"}',
  `{"query":"{ ${'__typename '.repeat(2000)}}"}`,
  `{"query":"${'{'.repeat(3000)}"}`,
  '<xml><ToUserName>x</ToUserName></xml>',
  '<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Event>&a;</Event></xml>',
  '{"ToUserName":"x","Event":"subscribe_msg_popup_event","List":{"TemplateId":"t","SubscribeStatusString":"accept"}}',
  '{"encrypt":"AAAA"}',
  '<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>',
  'x'.repeat(70_000),
  'y'.repeat(110_000),
];

interface FuzzCase {
  index: number;
  chunks: Buffer[];
}

function pushTarget(random: Random): string {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const query = signedQuery(PUSH_TOKEN, timestamp, String(random.int(1e9)), {
    ...(random.chance(0.3) ? { echostr: random.pick(['abc', '<script>', '%', '']) } : {}),
    ...(random.chance(0.3) ? { encrypt_type: random.pick(['aes', 'raw', 'x']) } : {}),
    ...(random.chance(0.3) ? { msg_signature: 'f'.repeat(40) } : {}),
  });
  return `/wechat/push?${query.toString()}`;
}

function body(random: Random): Buffer {
  if (random.chance(0.1)) return random.bytes(random.int(2000));
  return Buffer.from(random.pick(BODIES) as string, 'utf8');
}

/** Flips a few bytes of an otherwise plausible request. */
function mutate(random: Random, request: Buffer): Buffer {
  const copy = Buffer.from(request);
  for (let i = random.int(4) + 1; i > 0 && copy.length > 0; i--) {
    copy[random.int(copy.length)] = random.pick([0, 10, 13, 32, 37, 58, 127, 255, random.int(256)]);
  }
  return copy;
}

function buildCase(random: Random, index: number): FuzzCase {
  const target = random.chance(0.15) ? pushTarget(random) : random.pick(TARGETS);
  const line = `${random.pick(METHODS)} ${target} ${random.pick(VERSIONS)}`;
  const headers: string[] = [];
  if (!random.chance(0.1)) headers.push('Host: gateway');
  if (random.chance(0.5)) headers.push(`Authorization: Bearer ${KEY}`);
  if (random.chance(0.7)) headers.push('Content-Type: application/json');
  for (let i = random.int(3); i > 0; i--) headers.push(random.pick(ODD_HEADERS));
  const payload = random.chance(0.8) ? body(random) : Buffer.alloc(0);
  const framing = random.int(8);
  let bodyBytes: Buffer = payload;
  if (framing === 0) {
    // no framing header: the body bytes become the start of a (broken) next request
  } else if (framing === 1) {
    headers.push('Transfer-Encoding: chunked');
    const size = random.chance(0.5)
      ? payload.length.toString(16)
      : random.pick(['zz', '-1', 'ffffffffffff', '1;ext', '']);
    bodyBytes = Buffer.concat([
      Buffer.from(`${size}\r\n`),
      payload,
      Buffer.from(random.chance(0.5) ? '\r\n0\r\n\r\n' : '\r\n'),
    ]);
  } else if (framing === 2) {
    // promises more than it sends: the request timeout has to end it
    headers.push(`Content-Length: ${payload.length + 1 + random.int(5000)}`);
  } else if (framing === 3) {
    // sends more than it promises: the rest is pipelined garbage
    headers.push(`Content-Length: ${Math.max(0, payload.length - 1 - random.int(10))}`);
  } else if (framing === 4) {
    headers.push(`Content-Length: ${payload.length}`, `Content-Length: ${payload.length + 1}`);
  } else {
    headers.push(`Content-Length: ${payload.length}`);
  }
  let request: Buffer = Buffer.concat([
    Buffer.from(`${line}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'),
    bodyBytes,
  ]);
  if (random.chance(0.25)) request = mutate(random, request);
  // Split at a random point too: parsers have their bugs at chunk boundaries.
  const cut = random.int(request.length + 1);
  const chunks: Buffer[] = random.chance(0.3)
    ? [request.subarray(0, cut), request.subarray(cut)]
    : [request];
  if (random.chance(0.05)) chunks.push(random.bytes(random.int(500)));
  return { index, chunks };
}

describe(`fuzzing a gateway process with ${CASES} malformed requests (seed ${SEED})`, () => {
  let gateway: GatewayProcess;
  const replies: { index: number; reply: RawExchange }[] = [];

  beforeAll(async () => {
    gateway = await startGatewayProcess({
      GATEWAY_API_KEYS: `admin:${KEY}`,
      WECHAT_PUSH_TOKEN: PUSH_TOKEN,
      // Bodies promised but never sent are cut here, so the run stays bounded.
      HTTP_REQUEST_TIMEOUT_MS: '1500',
    });
    const random = prng(SEED);
    const cases = Array.from({ length: CASES }, (_, i) => buildCase(random, i));
    for (let start = 0; start < cases.length; start += PARALLEL) {
      const batch = cases.slice(start, start + PARALLEL);
      const done = await Promise.all(
        batch.map(async (c) => ({
          index: c.index,
          reply: await rawExchange(gateway.port, c.chunks, { waitMs: 4000 }),
        })),
      );
      replies.push(...done);
    }
  });
  afterAll(() => gateway.stop());

  it('keeps the process running', () => {
    expect(gateway.child.exitCode).toBeNull();
    expect(gateway.child.signalCode).toBeNull();
  });

  it('still answers /healthz and a GraphQL query', async () => {
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ query: '{ templates { name } }' }),
    });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { data: { templates: unknown[] } };
    expect(result.data.templates.length).toBeGreaterThan(0);
  });

  it('never answers with a 500, and marks every answer nosniff', () => {
    const failures = replies
      .filter(
        ({ reply }) =>
          reply.status === 500 ||
          (reply.status !== null && reply.headers['x-content-type-options'] !== 'nosniff'),
      )
      .map(({ index, reply }) => `case ${index}: ${reply.text.slice(0, 200)}`);
    expect(failures).toEqual([]);
  });

  it('refused most of them with a 4xx: the run reached the parser and the routes', () => {
    const statuses = replies.map(({ reply }) => reply.status);
    expect(statuses.filter((s) => s !== null && s >= 400 && s < 500).length).toBeGreaterThan(
      CASES / 4,
    );
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
  });

  it('logged nothing at error level', () => {
    expect(gateway.output()).not.toMatch(/"level":(50|60)/);
  });
});
