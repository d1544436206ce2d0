/**
 * npm run bench:gateway — issue 3's benchmark. `sendSubscribeMessage` through GraphQL over HTTP,
 * driven by autocannon in this process, against the real gateway in child processes (live mode,
 * pointed at the loopback WeChat stub, itself in another child): memory and Redis stores, got and
 * undici transports. Baseline: the raw keep-alive got loop in a child of its own, same stub, same
 * run. Each measured process reports its own process.cpuUsage(), so CPU per message is the
 * gateway's alone. Runs are interleaved and ratios taken between runs of the same round, then
 * their median, because the machine is shared and noisy.
 * Options: --requests N (per run), --connections N, --rounds N, --profile (writes V8 CPU
 * profiles of the measured rounds of each measured process to dist/bench-profiles/).
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import { startChild, type ChildHandle } from './support/child-process.js';
import {
  cpuPerMessage,
  fmt,
  formatTable,
  intArg,
  fmtRatio,
  median,
  pairedRatio,
  throughput,
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
const connections = intArg('connections', 64, 1024);
const rounds = intArg('rounds', 5, 15);
const warmup = 2000;
const profileDir = process.argv.includes('--profile')
  ? new URL('../bench-profiles/', import.meta.url).pathname
  : null;

const SENDER_KEY = 'bench-sender-key-0123456789abcdef';
const MUTATION = `mutation Send($input: SendSubscribeMessageInput!) {
  sendSubscribeMessage(input: $input) { id status msgid errcode }
}`;

interface RunResult {
  sample: Sample;
  p50Ms: number | null;
  p99Ms: number | null;
}

interface Target {
  label: string;
  /** The measured process, for --profile; named as its profile file. */
  process: { name: string; child: ChildHandle<unknown> };
  run(amount: number): Promise<RunResult>;
  results: RunResult[];
}

interface GatewayReady {
  graphqlUrl: string;
  store: string;
  transport: string;
}

const templateId = auditResultTemplateId();
const bodies = OPENIDS.map((openid) =>
  JSON.stringify({
    query: MUTATION,
    variables: { input: { openid, templateId, data: AUDIT_DATA } },
  }),
);

async function stubToken(stub: StubHandle): Promise<string> {
  const response = await fetch(`${stub.url}/cgi-bin/stable_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credential', appid: BENCH_APP_ID }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** One send through the gateway, checked end to end before any load is applied. */
async function probe(graphqlUrl: string): Promise<void> {
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SENDER_KEY}` },
    body: bodies[0],
  });
  const body = (await response.json()) as {
    data?: { sendSubscribeMessage?: { status: string; msgid: string } };
    errors?: unknown;
  };
  const sent = body.data?.sendSubscribeMessage;
  if (sent?.status !== 'SENT' || !/^\d{19}$/.test(sent.msgid)) {
    throw new Error(`gateway probe failed: ${JSON.stringify(body)}`);
  }
}

/** autocannon at `connections`, POSTing the mutation round-robin over OPENIDS. */
async function loadGateway(
  graphqlUrl: string,
  amount: number,
  gateway: ChildHandle<GatewayReady>,
  stub: StubHandle,
): Promise<RunResult> {
  let next = 0;
  const stubBefore = await stub.stats();
  const cpuBefore = await gateway.call<{ cpuUs: number }>('cpu');
  const start = performance.now();
  let lastResponse = start;
  const instance = autocannon({
    url: graphqlUrl,
    connections,
    amount,
    timeout: 10,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SENDER_KEY}` },
    requests: [
      { setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) },
    ],
  });
  // autocannon reports on its next 1 s tick; the run really ends with the last response.
  instance.on('response', () => {
    lastResponse = performance.now();
  });
  const result = await instance;
  const cpuAfter = await gateway.call<{ cpuUs: number }>('cpu');
  const stubAfter = await stub.stats();
  const sent = stubAfter.sends - stubBefore.sends;
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
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

if (profileDir) mkdirSync(profileDir, { recursive: true });
const stub = await spawnWeChatStub();
const redis = await connectBenchRedis();
const children: ChildHandle<unknown>[] = [];
const prefixes: string[] = [];

try {
  const rawGot = await startChild<object>(
    new URL('./support/raw-got-process.js', import.meta.url),
    {
      env: { STUB_URL: stub.url, STUB_TOKEN: await stubToken(stub), TEMPLATE_ID: templateId },
    },
  );
  children.push(rawGot);
  const targets: Target[] = [
    {
      label: `raw got loop (concurrency ${connections})`,
      process: { name: 'raw-got', child: rawGot },
      results: [],
      run: async (amount) => ({
        sample: await rawGot.call<Sample>('run', { total: amount, concurrency: connections }),
        p50Ms: null,
        p99Ms: null,
      }),
    },
  ];

  const configs: { store: 'memory' | 'redis'; transport: 'got' | 'undici' }[] = [
    { store: 'memory', transport: 'got' },
    { store: 'memory', transport: 'undici' },
    ...(redis
      ? ([
          { store: 'redis', transport: 'got' },
          { store: 'redis', transport: 'undici' },
        ] as const)
      : []),
  ];
  // Started side by side: start-up (schema build) is not measured, so it need not be sequential.
  const gateways = await Promise.all(
    configs.map(async ({ store, transport }) => {
      const prefix = benchPrefix(`gw-${store}-${transport}`);
      if (store === 'redis') prefixes.push(prefix);
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
            GATEWAY_API_KEYS: `sender:${SENDER_KEY}`,
            TEMPLATES_FILE: DEMO_TEMPLATES_FILE,
            QUOTA_POLICY: 'track',
            WECHAT_HTTP_TRANSPORT: transport,
            REDIS_PREFIX: prefix,
            ...(store === 'redis' ? { REDIS_URL: benchRedisUrl } : { REDIS_URL: '' }),
          },
        },
      );
      children.push(gateway);
      if (gateway.ready.transport !== transport || gateway.ready.store !== store) {
        throw new Error(`gateway started with ${JSON.stringify(gateway.ready)}`);
      }
      await probe(gateway.ready.graphqlUrl);
      return { store, transport, gateway };
    }),
  );
  for (const { store, transport, gateway } of gateways) {
    targets.push({
      label: `gateway, ${store}, ${transport}`,
      process: { name: `gateway-${store}-${transport}`, child: gateway },
      results: [],
      run: (amount) => loadGateway(gateway.ready.graphqlUrl, amount, gateway, stub),
    });
  }

  console.log(
    `bench:gateway  node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)}, ${requests} sends per run, ` +
      `autocannon ${connections} connections, ${rounds} interleaved rounds, warm-up ${warmup} each` +
      (redis ? '' : ', Redis: not reachable, Redis rows skipped'),
  );
  for (const target of targets) await target.run(warmup);
  if (profileDir) for (const t of targets) await t.process.child.call('profileStart');
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) target.results.push(await target.run(requests));
    console.log(
      `round ${round}: ` +
        targets
          .map(
            (t) =>
              `${fmt(throughput(t.results.at(-1)!.sample))}/s ${fmt(cpuPerMessage(t.results.at(-1)!.sample))}µs`,
          )
          .join(' | '),
    );
  }

  if (profileDir) {
    for (const t of targets) {
      await t.process.child.call('profileStop', `${profileDir}${t.process.name}.cpuprofile`);
    }
  }

  const cpuOf = (t: Target) => t.results.map((r) => cpuPerMessage(r.sample));
  const baseline = cpuOf(targets[0]!);
  const summary = targets.map((t) => {
    const latency = (pick: (r: RunResult) => number | null) => {
      const values = t.results.map(pick).filter((v): v is number => v !== null);
      return values.length ? fmt(median(values), 1) : '—';
    };
    const ratio = pairedRatio(cpuOf(t), baseline);
    return {
      label: t.label,
      ratio,
      row: [
        t.label,
        fmt(median(t.results.map((r) => throughput(r.sample)))),
        latency((r) => r.p50Ms),
        latency((r) => r.p99Ms),
        fmt(median(cpuOf(t)), 1),
        fmtRatio(ratio),
      ],
    };
  });
  console.log(
    `\nload average at the end: ${os.loadavg()[0]!.toFixed(2)}. Medians over the rounds; the ` +
      'ratio is the median of per-round ratios to the raw got run of the same round, with its ' +
      'range.\n\n' +
      formatTable(
        ['target', 'msgs/s', 'p50 ms', 'p99 ms', 'CPU µs/msg', 'CPU/msg ÷ raw got'],
        summary.map((s) => s.row),
      ),
  );
  console.log('');
  for (const { label, ratio } of summary.slice(1)) {
    console.log(
      `${label}: CPU per message ${fmtRatio(ratio)} × the raw got loop's: goal ≤ 1.30 ` +
        (ratio.median <= 1.3 ? 'met' : 'MISSED'),
    );
  }
  if (profileDir) {
    console.log(
      `CPU profiles of the measured rounds written to ${profileDir}; profiling slows every ` +
        'process, so do not record the figures of a --profile run',
    );
  }
} finally {
  for (const child of children) await child.stop();
  if (redis) {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    await redis.close();
  }
  await stub.stop();
}
