/**
 * npm run bench:abuse — what an abusive client can do to the gateway, measured in one run, all on
 * loopback against the WeChat stub (live mode, API keys on):
 *
 * 1. CPU per send with the GraphQL limits and without them: two gateways in child processes, one
 *    started with BENCH_GRAPHQL_LIMITS=off (bench only), the same autocannon load, interleaved
 *    rounds, paired ratios. Goal ≤ 1.05.
 * 2. p99 of normal sends while one reader-key client posts the worst query the limits permit, in
 *    a loop, from a process of its own, ÷ p99 of the same sends without it. Two such queries: the
 *    costliest (message pages up to GRAPHQL_MAX_COST, GRAPHQL_MAX_ALIASES aliases) and the
 *    largest fresh document (GRAPHQL_MAX_TOKENS tokens, a new one each time, so Apollo's document
 *    cache never helps). Goal ≤ 2.
 * 3. Peak gateway RSS while N anonymous connections each upload a large body slowly (all but its
 *    last byte, then hold). Goal < 300 MB.
 * Also: how long the gateway takes to refuse 1 500 aliases of messages(first: 100) (10 000 no
 * longer fit in MAX_BODY_BYTES).
 * Options: --requests N (sends per run), --connections N, --rounds N, --uploads N,
 * --upload-kib N (body size of each upload).
 */
import os from 'node:os';
import { connect, type Socket } from 'node:net';
import autocannon from 'autocannon';
import { startChild, type ChildHandle } from './support/child-process.js';
import {
  cpuPerMessage,
  fmt,
  fmtRatio,
  formatTable,
  intArg,
  median,
  pairedRatio,
  type Sample,
} from './support/measure.js';
import {
  AUDIT_DATA,
  auditResultTemplateId,
  BENCH_APP_ID,
  BENCH_APP_SECRET,
  DEMO_TEMPLATES_FILE,
  OPENIDS,
} from './support/payload.js';
import { benchPrefix, benchRedisUrl, connectBenchRedis, deletePrefix } from './support/redis.js';
import { spawnWeChatStub, type StubHandle } from './support/wechat-stub.js';

const requests = intArg('requests', 2000, 100_000);
const connections = intArg('connections', 16, 1024);
const rounds = intArg('rounds', 5, 15);
const uploads = intArg('uploads', 1000, 5000);
const uploadKiB = intArg('upload-kib', 1024, 16_384);
const warmup = 2000;

const SENDER_KEY = 'bench-sender-key-0123456789abcdef';
const READER_KEY = 'bench-reader-key-0123456789abcdef';
const MUTATION = `mutation Send($input: SendSubscribeMessageInput!) {
  sendSubscribeMessage(input: $input) { id status msgid errcode }
}`;

const aliased = (count: number, field: string) =>
  `{\n${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join('\n')}\n}`;

/**
 * The costliest query the default limits let through: as many aliases of a 100-message page
 * (cost 601 each) as GRAPHQL_MAX_COST (5000) allows, 8 (GRAPHQL_MAX_ALIASES is 15): 800 messages
 * read from the store and serialised per request.
 */
const COSTLIEST = aliased(
  Math.min(15, Math.floor(5000 / 601)),
  'messages(first: 100) { edges { node { id status data createdAt } } }',
);
/** The largest document the token limit lets through, identical fields: parse and validate. */
const LARGEST = `{ templates { ${Array.from({ length: 994 }, () => 'id').join(' ')} } }`;
/** The floor: a cheap query in the same loop shows what any second busy client costs the sends. */
const CHEAP = '{ templates { id } }';
/** The query, as many aliases as fit in the default MAX_BODY_BYTES (10 000 do not). */
const REFUSED = aliased(1500, 'messages(first: 100) { edges { node { id } } }');

interface GatewayReady {
  graphqlUrl: string;
  store: string;
  limits: boolean;
}

interface RunResult {
  sample: Sample;
  p99Ms: number;
}

const templateId = auditResultTemplateId();
const bodies = OPENIDS.map((openid) =>
  JSON.stringify({
    query: MUTATION,
    variables: { input: { openid, templateId, data: AUDIT_DATA } },
  }),
);

async function post(url: string, query: string, key: string) {
  const start = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, body, ms: performance.now() - start };
}

async function loadSends(
  gateway: ChildHandle<GatewayReady>,
  stub: StubHandle,
  amount: number,
): Promise<RunResult> {
  let next = 0;
  const stubBefore = await stub.stats();
  const cpuBefore = await gateway.call<{ cpuUs: number }>('cpu');
  const start = performance.now();
  let lastResponse = start;
  const instance = autocannon({
    url: gateway.ready.graphqlUrl,
    connections,
    amount,
    timeout: 30,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SENDER_KEY}` },
    requests: [
      { setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) },
    ],
  });
  instance.on('response', () => {
    lastResponse = performance.now();
  });
  const result = await instance;
  const cpuAfter = await gateway.call<{ cpuUs: number }>('cpu');
  const sent = (await stub.stats()).sends - stubBefore.sends;
  if (result['2xx'] !== amount || result.errors || result.timeouts || sent !== amount) {
    throw new Error(
      `run not clean: ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ` +
        `${result.timeouts} timeouts, ${sent} sends reached the stub; expected ${amount} of each`,
    );
  }
  return {
    sample: {
      messages: amount,
      wallMs: lastResponse - start,
      cpuUs: cpuAfter.cpuUs - cpuBefore.cpuUs,
    },
    p99Ms: result.latency.p99,
  };
}

interface AttackResult {
  requests: number;
  statuses: Record<string, number>;
}

async function underAttack(
  attacker: ChildHandle<object>,
  gateway: ChildHandle<GatewayReady>,
  stub: StubHandle,
  attack: { query: string; fresh: boolean },
): Promise<RunResult & { attack: AttackResult }> {
  await attacker.call('start', { url: gateway.ready.graphqlUrl, key: READER_KEY, ...attack });
  // Let the attack reach its steady state before the sends start.
  await new Promise((resolve) => setTimeout(resolve, 300));
  try {
    const run = await loadSends(gateway, stub, requests);
    return { ...run, attack: await attacker.call<AttackResult>('halt') };
  } catch (error) {
    await attacker.call('halt').catch(() => undefined);
    throw error;
  }
}

/**
 * `count` anonymous POSTs to /graphql, each declaring a `kib` KiB body and sending all of it but
 * the last byte, then holding the connection. Resolves once every byte is written (or refused).
 */
async function slowUploads(url: string, count: number, kib: number): Promise<Socket[]> {
  const { hostname, port } = new URL(url);
  const length = kib * 1024;
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const open = (): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(socket));
      socket.once('error', reject);
    });
  const upload = async (socket: Socket) => {
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    const write = (data: Buffer | string) =>
      new Promise<boolean>((resolve) => {
        if (socket.destroyed) return resolve(false);
        socket.write(data, (error) => resolve(!error));
      });
    await write(
      `POST /graphql HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\n` +
        `content-length: ${length}\r\n\r\n`,
    );
    let left = length - 1;
    while (left > 0) {
      const piece = chunk.subarray(0, Math.min(chunk.length, left));
      if (!(await write(piece))) return;
      left -= piece.length;
    }
  };
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) sockets.push(await open());
  await Promise.all(sockets.map(upload));
  return sockets;
}

async function peakRssDuring(
  gateway: ChildHandle<GatewayReady>,
  work: Promise<unknown>,
): Promise<number> {
  let peak = 0;
  let done = false;
  void work.finally(() => {
    done = true;
  });
  while (!done) {
    peak = Math.max(peak, (await gateway.call<{ rssBytes: number }>('cpu')).rssBytes);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await work;
  // Held bodies stay in memory until the connections go: sample a while longer.
  for (let i = 0; i < 10; i++) {
    peak = Math.max(peak, (await gateway.call<{ rssBytes: number }>('cpu')).rssBytes);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return peak;
}

const mb = (bytes: number) => fmt(bytes / 1e6);
const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

const stub = await spawnWeChatStub();
const redis = await connectBenchRedis();
const children: ChildHandle<unknown>[] = [];
const prefixes: string[] = [];

try {
  const startGateway = async (limits: boolean) => {
    const prefix = benchPrefix(`abuse-${limits ? 'on' : 'off'}`);
    if (redis) prefixes.push(prefix);
    const gateway = await startChild<GatewayReady>(
      new URL('./support/gateway-process.js', import.meta.url),
      {
        env: {
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
          WECHAT_APP_ID: BENCH_APP_ID,
          WECHAT_APP_SECRET: BENCH_APP_SECRET,
          WECHAT_API_BASE: stub.url,
          GATEWAY_API_KEYS: `sender:${SENDER_KEY},reader:${READER_KEY}`,
          TEMPLATES_FILE: DEMO_TEMPLATES_FILE,
          QUOTA_POLICY: 'track',
          REDIS_PREFIX: prefix,
          REDIS_URL: redis ? benchRedisUrl : '',
          BENCH_GRAPHQL_LIMITS: limits ? 'on' : 'off',
        },
      },
    );
    children.push(gateway);
    if (gateway.ready.limits !== limits) throw new Error('gateway started with the wrong limits');
    return gateway;
  };
  const [withLimits, withoutLimits] = await Promise.all([startGateway(true), startGateway(false)]);
  const attacker = await startChild<object>(
    new URL('./support/attacker-process.js', import.meta.url),
  );
  children.push(attacker);
  const store = withLimits.ready.store;

  console.log(
    `bench:abuse  node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)}, ` +
      `${store} store, ${requests} sends per run, autocannon ${connections} connections, ${rounds} rounds, ` +
      `warm-up ${warmup} each`,
  );
  for (const gateway of [withLimits, withoutLimits]) await loadSends(gateway, stub, warmup);

  // The attack queries must be what the limits let through, and the query refused.
  for (const [name, query] of [
    ['costliest', COSTLIEST],
    ['largest', LARGEST],
  ] as const) {
    const probe = await post(withLimits.ready.graphqlUrl, query, READER_KEY);
    const codes = (probe.body.errors ?? []).map((e) => e.extensions?.code);
    if (codes.some((code) => code && /EXCEEDED/.test(code))) {
      throw new Error(`the ${name} query is refused by a limit: ${codes.join(', ')}`);
    }
  }
  const refusals: number[] = [];
  for (let i = 0; i < 5; i++) {
    const refused = await post(withLimits.ready.graphqlUrl, REFUSED, READER_KEY);
    if (refused.status !== 400) throw new Error(`1 500 aliases answered ${refused.status}`);
    refusals.push(refused.ms);
  }

  // 1. CPU per send, limits off and on, interleaved.
  const off: RunResult[] = [];
  const on: RunResult[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Alternate which goes first, so a drift in the machine's load favours neither.
    if (round % 2) {
      off.push(await loadSends(withoutLimits, stub, requests));
      on.push(await loadSends(withLimits, stub, requests));
    } else {
      on.push(await loadSends(withLimits, stub, requests));
      off.push(await loadSends(withoutLimits, stub, requests));
    }
    console.log(
      `cpu round ${round}: without limits ${fmt(cpuPerMessage(off.at(-1)!.sample))} µs/send, ` +
        `with ${fmt(cpuPerMessage(on.at(-1)!.sample))} µs/send`,
    );
  }
  const cpuRatio = pairedRatio(
    on.map((r) => cpuPerMessage(r.sample)),
    off.map((r) => cpuPerMessage(r.sample)),
  );

  // 2. p99 of sends, quiet and under each attack, interleaved.
  const quiet: RunResult[] = [];
  const costly: (RunResult & { attack: AttackResult })[] = [];
  const large: (RunResult & { attack: AttackResult })[] = [];
  const cheap: (RunResult & { attack: AttackResult })[] = [];
  for (let round = 1; round <= rounds; round++) {
    quiet.push(await loadSends(withLimits, stub, requests));
    costly.push(await underAttack(attacker, withLimits, stub, { query: COSTLIEST, fresh: false }));
    large.push(await underAttack(attacker, withLimits, stub, { query: LARGEST, fresh: true }));
    cheap.push(await underAttack(attacker, withLimits, stub, { query: CHEAP, fresh: false }));
    console.log(
      `p99 round ${round}: quiet ${fmt(quiet.at(-1)!.p99Ms)} ms, costliest query ${fmt(costly.at(-1)!.p99Ms)} ms ` +
        `(${costly.at(-1)!.attack.requests} queries), largest fresh document ${fmt(large.at(-1)!.p99Ms)} ms ` +
        `(${large.at(-1)!.attack.requests} documents), cheap query ${fmt(cheap.at(-1)!.p99Ms)} ms ` +
        `(${cheap.at(-1)!.attack.requests} queries)`,
    );
  }
  const p99Ratio = (attacked: RunResult[]) =>
    pairedRatio(
      attacked.map((r) => r.p99Ms),
      quiet.map((r) => r.p99Ms),
    );
  const attackRate = (runs: (RunResult & { attack: AttackResult })[]) =>
    median(runs.map((r) => r.attack.requests / (r.sample.wallMs / 1000)));

  // 3. RSS under slow anonymous uploads, on a gateway of its own that has served nothing else:
  // the others' heaps have grown with the message log and the load.
  const fresh = await startGateway(true);
  const rssBefore = (await fresh.call<{ rssBytes: number }>('cpu')).rssBytes;
  const uploading = slowUploads(fresh.ready.graphqlUrl, uploads, uploadKiB);
  const rssPeak = await peakRssDuring(fresh, uploading);
  const sockets = await uploading;
  const answered = sockets.filter((s) => s.destroyed || s.readableEnded).length;
  for (const socket of sockets) socket.destroy();

  console.log(
    `\nload average at the end: ${os.loadavg()[0]!.toFixed(2)}. Medians over the rounds; ratios ` +
      'are medians of per-round ratios (range in brackets).\n\n' +
      formatTable(
        ['measure', 'figure', 'goal'],
        [
          [
            'gateway CPU per send, limits on ÷ off',
            `${fmtRatio(cpuRatio)} (${fmt(median(on.map((r) => cpuPerMessage(r.sample))), 1)} vs ${fmt(median(off.map((r) => cpuPerMessage(r.sample))), 1)} µs)`,
            '≤ 1.05',
          ],
          [
            'send p99 under the costliest permitted query ÷ quiet',
            `${fmtRatio(p99Ratio(costly))} (${fmt(median(costly.map((r) => r.p99Ms)))} vs ${fmt(median(quiet.map((r) => r.p99Ms)))} ms; ${fmt(attackRate(costly), 1)} queries/s)`,
            '≤ 2',
          ],
          [
            'send p99 under the largest fresh document ÷ quiet',
            `${fmtRatio(p99Ratio(large))} (${fmt(median(large.map((r) => r.p99Ms)))} ms; ${fmt(attackRate(large), 1)} documents/s)`,
            '≤ 2',
          ],
          [
            'send p99 under a cheap query in the same loop ÷ quiet',
            `${fmtRatio(p99Ratio(cheap))} (${fmt(median(cheap.map((r) => r.p99Ms)))} ms; ${fmt(attackRate(cheap), 1)} queries/s)`,
            'the floor',
          ],
          [
            `gateway RSS, ${uploads} anonymous ${uploadKiB} KiB slow uploads`,
            `${mb(rssPeak)} MB peak (${mb(rssBefore)} MB before; ${answered} connections answered and closed)`,
            '< 300 MB',
          ],
          [
            '1 500 aliases of messages(first: 100): refused in',
            `${fmt(median(refusals), 1)} ms (HTTP 400)`,
            'milliseconds',
          ],
        ],
      ),
  );
  console.log('');
  console.log(`CPU per send with the limits: ${verdict(cpuRatio.median <= 1.05)}`);
  console.log(`p99 under the costliest query: ${verdict(p99Ratio(costly).median <= 2)}`);
  console.log(`p99 under the largest fresh document: ${verdict(p99Ratio(large).median <= 2)}`);
  console.log(`RSS under slow anonymous uploads: ${verdict(rssPeak < 300e6)}`);
} finally {
  for (const child of children) await child.stop();
  if (redis) {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    await redis.close();
  }
  await stub.stop();
}
