/**
 * npm run bench:campaign — campaigns against the loopback WeChat stub (its own process), with
 * 20 000 credit holders of the demo AuditResult template:
 *  (1) unthrottled: the engine's sends/s ÷ a raw BullMQ worker loop (same concurrency, undici to
 *      the same stub, jobs added in bulk), same run;
 *  (2) at ratePerSecond 500: the achieved rate (first to last send at the stub) and the
 *      running process's RSS growth;
 *  (3) the memory engine, the same two runs.
 * Each run is a fresh process with a stub of its own, one after another in one invocation. The
 * ratios are printed last. Options: --holders N, --rate N, --concurrency N; --pairs N takes the
 * raw and the unthrottled engine run in turn N times and reports the median pair's ratio (the
 * machine's load drifts: one pair can be off by a tenth); --unthrottled-only runs (1) alone,
 * --bullmq-only / --memory-only one engine run without the raw loop (unthrottled, or at --rate
 * when given).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Pool } from 'undici';
import { createCampaignStore } from '../src/infra/campaigns.js';
import { connectQueueRedis } from '../src/infra/redis/queue-connection.js';
import type { RedisClient } from '../src/infra/redis/redis-connection.js';
import { RedisLock } from '../src/infra/redis/redis-lock.js';
import { createMemoryStores, createRedisStores, type Stores } from '../src/infra/stores.js';
import { CampaignStatusGate } from '../src/services/campaigns/campaign-gate.js';
import { startCampaigns } from '../src/services/campaigns/start-campaigns.js';
import { startDelivery } from '../src/services/delivery/start-delivery.js';
import { ChainedKeyedMutex } from '../src/services/sending/keyed-mutex.js';
import { SendService } from '../src/services/sending/send-service.js';
import { loadTemplatesFile, TemplateRegistry } from '../src/services/templates/index.js';
import { TemplateCatalog } from '../src/services/templates/template-catalog.js';
import { createWeChatStack } from '../src/services/wechat/wechat-stack.js';
import { MemoryLock } from '../src/shared/lock.js';
import type { Logger } from '../src/shared/logger.js';
import {
  busyPercent,
  fmt,
  fmtRatio,
  formatTable,
  intArg,
  machineCpu,
  pairedRatio,
} from './support/measure.js';
import {
  AUDIT_DATA,
  auditResultTemplateId,
  BENCH_APP_ID,
  BENCH_APP_SECRET,
  DEMO_TEMPLATES_FILE,
  wechatSendBody,
} from './support/payload.js';
import { benchPrefix, benchRedisUrl, connectBenchRedis, deletePrefix } from './support/redis.js';
import { spawnWeChatStub, type StubHandle } from './support/wechat-stub.js';

const holders = intArg('holders', 20_000, 200_000);
const pacedRate = intArg('rate', 500, 100_000);
/** WORKER_CONCURRENCY (default 8): the engine and the raw loop run as many sends at once. */
const CONCURRENCY = intArg('concurrency', 8, 256);
/** Raw and unthrottled engine runs taken in turn this many times: their ratio is the median pair's. */
const pairs = intArg('pairs', 1, 20);
const UNTHROTTLED = 100_000;

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (...args: unknown[]) => console.error(...args),
  child: () => silent,
} as unknown as Logger;

const openidOf = (i: number) => `oCampaignBench${String(i).padStart(14, '0')}`;
const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RunResult {
  sends: number;
  wallMs: number;
  /** Sends per second between the first and the last send seen at the stub. */
  achieved: number;
  rssGrowthMb: number;
  /** CPU per send, µs: this process, and the Redis server (all of its clients). */
  cpuUsPerSend: { bench: number; redis: number };
  /**
   * How busy the whole machine was during the run, % of all cores (every process: this one, the
   * stub, Redis, and whatever else runs). Well under 100 % means the run waited, not computed.
   */
  machineBusyPercent: number;
}

/** The Redis server's own CPU seconds (user + system), from INFO. */
async function redisCpuSeconds(): Promise<number> {
  const client = await connectBenchRedis();
  if (!client) return Number.NaN;
  const info = await client.info('cpu');
  await client.close();
  const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1]);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** Watches the stub's send counter and this process's RSS while `run` goes. */
async function watch(stub: StubHandle, run: () => Promise<void>): Promise<RunResult> {
  const base = (await stub.stats()).sends;
  const rssBefore = process.memoryUsage().rss;
  const redisBefore = await redisCpuSeconds();
  const machineBefore = await machineCpu();
  const cpuBefore = process.cpuUsage();
  let rssMax = rssBefore;
  let first: { t: number; n: number } | null = null;
  let last: { t: number; n: number } | null = null;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const n = (await stub.stats()).sends - base;
      const t = performance.now();
      rssMax = Math.max(rssMax, process.memoryUsage().rss);
      if (n > 0 && first === null) first = { t, n };
      if (last === null || n > last.n) last = { t, n };
      await sleep(50);
    }
  })();
  const start = performance.now();
  await run();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const machineBusyPercent = busyPercent(machineBefore, await machineCpu());
  const redisCpu = (await redisCpuSeconds()) - redisBefore;
  done = true;
  await sampler;
  const sends = (await stub.stats()).sends - base;
  const f = first as { t: number; n: number } | null;
  const l = last as { t: number; n: number } | null;
  const achieved = f && l && l.t > f.t ? (l.n - f.n) / ((l.t - f.t) / 1000) : Number.NaN;
  return {
    sends,
    wallMs,
    achieved,
    rssGrowthMb: (rssMax - rssBefore) / 2 ** 20,
    cpuUsPerSend: { bench: (cpu.user + cpu.system) / sends, redis: (redisCpu * 1e6) / sends },
    machineBusyPercent,
  };
}

/** A bare BullMQ queue and worker: jobs added in bulk, each one undici POST to the stub. */
async function rawBullmq(stub: StubHandle, templateId: string): Promise<RunResult> {
  const prefix = benchPrefix('raw-bullmq');
  const queueClient = await connectQueueRedis(benchRedisUrl);
  const workerClient = await connectQueueRedis(benchRedisUrl);
  const pool = new Pool(stub.url, { connections: 64 });
  const path = `/cgi-bin/message/subscribe/send?access_token=BENCH`;
  const queue = new Queue('raw', { connection: queueClient as never, prefix });
  let completed = 0;
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const result = await watch(stub, async () => {
    const worker = new Worker(
      'raw',
      async (job) => {
        const response = await pool.request({
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(wechatSendBody(templateId, job.data.openid as string)),
        });
        const reply = JSON.parse(await response.body.text()) as { errcode: number };
        if (reply.errcode !== 0) throw new Error(`stub answered ${reply.errcode}`);
        if (++completed === holders) finished();
      },
      { connection: workerClient as never, prefix, concurrency: CONCURRENCY },
    );
    for (let i = 0; i < holders; i += 1000) {
      const jobs = [];
      for (let j = i; j < Math.min(i + 1000, holders); j++)
        jobs.push({
          name: 'send',
          data: { openid: openidOf(j) },
          opts: { jobId: `m${j}`, removeOnComplete: true },
        });
      await queue.addBulk(jobs);
    }
    await allDone;
    await worker.close();
  });
  await queue.close();
  await pool.close();
  await deletePrefix(queueClient, prefix);
  await queueClient.close();
  await workerClient.close();
  return result;
}

/** The gateway's engine and campaign runner in this process, as `createGatewayDelivery` builds them. */
async function engineCampaign(
  stub: StubHandle,
  kind: 'bullmq' | 'memory',
  ratePerSecond: number,
): Promise<RunResult> {
  const prefix = benchPrefix(`campaign-${kind}`);
  let redis: RedisClient | undefined;
  if (kind === 'bullmq') redis = await connectQueueRedis(benchRedisUrl);
  const stores: Stores = redis ? createRedisStores(redis, prefix) : createMemoryStores();
  const templates = await loadTemplatesFile(DEMO_TEMPLATES_FILE);
  const catalog = new TemplateCatalog(new TemplateRegistry(templates));
  const template = catalog.registry.require('AuditResult');
  // The credit holders, written as the subscribe mutation writes them.
  for (let i = 0; i < holders; i += 500) {
    const batch = [];
    for (let j = i; j < Math.min(i + 500, holders); j++)
      batch.push(
        stores.ledger.record(
          { appId: BENCH_APP_ID, openid: openidOf(j), templateId: template.id },
          {
            status: 'ACCEPT',
            longTerm: template.type === 'LONG_TERM',
            source: 'client',
            at: new Date(),
          },
        ),
      );
    await Promise.all(batch);
  }
  const stack = createWeChatStack({
    apiBase: stub.url,
    appId: BENCH_APP_ID,
    appSecret: BENCH_APP_SECRET,
    tokenMode: 'stable',
    logger: silent,
    redis,
    prefix,
    transport: 'undici',
  });
  const lock = redis ? new RedisLock({ client: redis, prefix }) : new MemoryLock();
  const userMutex = new ChainedKeyedMutex({ shared: redis ? lock : undefined });
  const sending = new SendService({
    appId: BENCH_APP_ID,
    catalog,
    sender: stack.wechat,
    ledger: stores.ledger,
    messages: stores.messages,
    idempotency: stores.idempotency,
    sentRecorder: stores.sentRecorder,
    userMutex,
    quotaPolicy: 'track',
    logger: silent,
  });
  const campaignStore = createCampaignStore(redis, prefix, BENCH_APP_ID);
  const delivery = await startDelivery({
    appId: BENCH_APP_ID,
    messages: stores.messages,
    ledger: stores.ledger,
    recurring: stores.recurring,
    catalog,
    sender: stack.wechat,
    sending,
    sentRecorder: stores.sentRecorder,
    userMutex,
    quotaPolicy: 'track',
    logger: silent,
    queue: redis ? { prefix, connect: () => connectQueueRedis(benchRedisUrl) } : null,
    lock,
    rateLimit: { max: UNTHROTTLED, perSeconds: 1 },
    concurrency: CONCURRENCY,
    runWorkers: true,
    processor: { campaignGate: new CampaignStatusGate(campaignStore) },
  });
  const campaigns = startCampaigns({
    appId: BENCH_APP_ID,
    store: campaignStore,
    messages: stores.messages,
    ledger: stores.ledger,
    sending,
    engine: delivery.engine,
    lock,
    logger: silent,
    runWorkers: true,
  });
  const result = await watch(stub, async () => {
    const campaign = await campaigns.service.create({
      key: `bench-${kind}-${ratePerSecond}`,
      templateId: 'AuditResult',
      data: { ...AUDIT_DATA },
      audience: { creditHolders: true },
      ratePerSecond,
    });
    for (;;) {
      const current = await campaignStore.get(campaign.id);
      if (current?.status === 'COMPLETED') break;
      await sleep(20);
    }
  });
  await campaigns.close();
  await delivery.close();
  await stack.close();
  if (redis) {
    await deletePrefix(redis, prefix);
    await redis.close();
  }
  return result;
}

type RunSpec = { kind: 'raw' } | { kind: 'bullmq' | 'memory'; rate: number };

const describeRun = (spec: RunSpec) =>
  spec.kind === 'raw'
    ? 'raw BullMQ worker loop (undici)'
    : `campaign, ${spec.kind === 'bullmq' ? 'BullMQ' : 'memory'} engine, ${spec.rate === UNTHROTTLED ? 'unthrottled' : `${spec.rate}/s`}`;

/** In a child: one run against a stub of its own, its result as the last line of stdout. */
async function runHere(spec: RunSpec): Promise<void> {
  const stub = await spawnWeChatStub();
  try {
    const result =
      spec.kind === 'raw'
        ? await rawBullmq(stub, auditResultTemplateId())
        : await engineCampaign(stub, spec.kind, spec.rate);
    console.log(`RESULT ${JSON.stringify(result)}`);
  } finally {
    await stub.stop();
  }
}

/**
 * Each run is a process of its own, so none inherits another's heap (V8 sizes a heap from its
 * history): the RSS growth is that of a fresh process running one campaign, and the runs are
 * still measured side by side in one invocation.
 */
async function runInChild(spec: RunSpec): Promise<RunResult> {
  const args = [
    fileURLToPath(import.meta.url),
    '--run',
    spec.kind,
    '--holders',
    String(holders),
    '--concurrency',
    String(CONCURRENCY),
    ...(spec.kind === 'raw' ? [] : ['--rate', String(spec.rate)]),
  ];
  const { stdout } = await execFileAsync(process.execPath, args, {
    env: process.env,
    maxBuffer: 16 * 2 ** 20,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${describeRun(spec)}: no result in its output:\n${stdout}`);
  return JSON.parse(line.slice('RESULT '.length)) as RunResult;
}

const runIndex = process.argv.indexOf('--run');
if (runIndex !== -1) {
  const kind = process.argv[runIndex + 1];
  if (kind !== 'raw' && kind !== 'bullmq' && kind !== 'memory')
    throw new Error(`--run takes raw, bullmq or memory, got ${String(kind)}`);
  await runHere(kind === 'raw' ? { kind } : { kind, rate: pacedRate });
  process.exit(0);
}

const redis = await connectBenchRedis();
if (!redis) throw new Error(`bench:campaign needs Redis at ${benchRedisUrl} (BullMQ)`);
await redis.close();

console.log(`${holders} credit holders; concurrency ${CONCURRENCY}; paced rate ${pacedRate}/s\n`);
const cpu = (r: RunResult) =>
  `CPU/send bench ${fmt(r.cpuUsPerSend.bench)} µs, Redis ${fmt(r.cpuUsPerSend.redis)} µs, machine ${fmt(r.machineBusyPercent)} % busy`;
const only = process.argv.includes('--memory-only')
  ? 'memory'
  : process.argv.includes('--bullmq-only')
    ? 'bullmq'
    : null;
if (only) {
  // One engine alone, unthrottled unless --rate is given.
  const rate = process.argv.includes('--rate') ? pacedRate : UNTHROTTLED;
  const r = await runInChild({ kind: only, rate });
  console.log(describeRun({ kind: only, rate }), r);
  process.exit(0);
}
const perSecond = (r: RunResult) => r.sends / (r.wallMs / 1000);
// The unthrottled ratio, from `pairs` raw and engine runs taken in turn (see pairedRatio).
const raws: RunResult[] = [];
const engines: RunResult[] = [];
for (let i = 0; i < pairs; i++) {
  raws.push(await runInChild({ kind: 'raw' }));
  engines.push(await runInChild({ kind: 'bullmq', rate: UNTHROTTLED }));
  if (pairs > 1) {
    const [raw, engine] = [raws[i]!, engines[i]!];
    console.log(
      `pair ${i + 1}: raw ${fmt(perSecond(raw))}/s (${cpu(raw)}), engine ${fmt(perSecond(engine))}/s (${cpu(engine)}): ratio ${fmt(perSecond(engine) / perSecond(raw), 2)}`,
    );
  }
}
const unthrottled = pairedRatio(engines.map(perSecond), raws.map(perSecond));
const [raw, bullFast] = [raws[0]!, engines[0]!];
if (process.argv.includes('--unthrottled-only')) {
  // The ratio that needs the most work, alone: a quicker loop while changing the engine.
  if (pairs === 1) {
    console.log(
      `raw ${fmt(perSecond(raw))}/s (${cpu(raw)}), engine ${fmt(perSecond(bullFast))}/s (${cpu(bullFast)}): ratio ${fmt(unthrottled.median, 2)}`,
    );
  } else console.log(`ratio, median of ${pairs} pairs (min–max): ${fmtRatio(unthrottled)}`);
  process.exit(0);
}
const memFast = await runInChild({ kind: 'memory', rate: UNTHROTTLED });
const bullPaced = await runInChild({ kind: 'bullmq', rate: pacedRate });
const memPaced = await runInChild({ kind: 'memory', rate: pacedRate });

const row = (label: string, r: RunResult) => [
  label,
  String(r.sends),
  fmt(r.wallMs / 1000, 1),
  fmt(perSecond(r)),
  fmt(r.achieved),
  fmt(r.rssGrowthMb, 1),
  fmt(r.cpuUsPerSend.bench),
  fmt(r.cpuUsPerSend.redis),
  fmt(r.machineBusyPercent),
];
console.log(
  formatTable(
    [
      'run',
      'sends',
      'wall s',
      'sends/s (wall)',
      'sends/s (first→last)',
      'RSS growth MB',
      'CPU µs/send',
      'Redis CPU µs/send',
      'machine busy %',
    ],
    [
      row('raw BullMQ worker loop (undici)', raw),
      row('campaign, BullMQ engine, unthrottled', bullFast),
      row('campaign, memory engine, unthrottled', memFast),
      row(`campaign, BullMQ engine, ${pacedRate}/s`, bullPaced),
      row(`campaign, memory engine, ${pacedRate}/s`, memPaced),
    ],
  ),
);
const deviation = (r: RunResult) => (100 * (r.achieved - pacedRate)) / pacedRate;
console.log(`
ratios (wall-clock sends/s, campaign from createCampaign to COMPLETED ÷ raw loop from first add to last reply):
  BullMQ engine, unthrottled ÷ raw BullMQ loop: ${pairs === 1 ? fmt(unthrottled.median, 2) : `${fmtRatio(unthrottled)}, median of ${pairs} pairs (min–max)`} (goal ≥ 0.70)
  memory engine, unthrottled ÷ raw BullMQ loop: ${fmt(perSecond(memFast) / perSecond(raw), 2)}
  BullMQ engine at ${pacedRate}/s: achieved ${fmt(bullPaced.achieved, 1)}/s (${fmt(deviation(bullPaced), 1)} %; goal within ±5 %), RSS growth ${fmt(bullPaced.rssGrowthMb, 1)} MB (goal < 100)
  memory engine at ${pacedRate}/s: achieved ${fmt(memPaced.achieved, 1)}/s (${fmt(deviation(memPaced), 1)} %; goal within ±5 %), RSS growth ${fmt(memPaced.rssGrowthMb, 1)} MB (goal < 100)`);
process.exit(0);
