/**
 * npm run bench:send — issue 2's benchmark. In one process, against one loopback WeChat stub
 * (in a child process), the throughput and CPU time per message of:
 *   (a) a raw keep-alive got POST loop,
 *   (b) WeChatService.sendSubscribeMessage, warm token, memory store, got transport,
 *   (c) the same with the Redis store (when Redis answers at REDIS_URL or 127.0.0.1:6379),
 *   (d) the same as (b) with the undici transport,
 *   (e) a raw undici Pool loop, as the floor for (d).
 * Runs are interleaved (a b c d e, a b c d e, ...) and ratios are taken between runs of the same
 * round, then their median, because the machine is shared and noisy. Options: --requests N (per run), --concurrency N, --rounds N.
 */
import os from 'node:os';
import { silentLogger } from '../src/shared/logger.js';
import type { RedisClient } from '../src/infra/redis/redis-connection.js';
import { createWeChatStack, type WeChatStack } from '../src/services/wechat/wechat-stack.js';
import {
  cpuPerMessage,
  fmt,
  formatTable,
  intArg,
  measure,
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
  OPENIDS,
} from './support/payload.js';
import { createRawGotLoop, createRawUndiciLoop, runConcurrent } from './support/raw-loops.js';
import { benchPrefix, benchRedisUrl, connectBenchRedis, deletePrefix } from './support/redis.js';
import { spawnWeChatStub } from './support/wechat-stub.js';

const requests = intArg('requests', 3000, 100_000);
const concurrency = intArg('concurrency', 32, 1024);
const rounds = intArg('rounds', 7, 15);
const warmup = 1500;

interface Variant {
  key: string;
  label: string;
  send(index: number): Promise<void>;
  samples: Sample[];
}

const templateId = auditResultTemplateId();
const stub = await spawnWeChatStub();
const redis = await connectBenchRedis();
const redisPrefix = benchPrefix('send');
const stacks: WeChatStack[] = [];
const closers: (() => Promise<unknown>)[] = [];

async function serviceVariant(
  key: string,
  label: string,
  transport: 'got' | 'undici',
  store: RedisClient | undefined,
): Promise<Variant> {
  const stack = createWeChatStack({
    apiBase: stub.url,
    appId: BENCH_APP_ID,
    appSecret: BENCH_APP_SECRET,
    tokenMode: 'stable',
    logger: silentLogger,
    redis: store,
    prefix: store ? redisPrefix : `wsgbench:${key}`,
    transport,
  });
  stacks.push(stack);
  await stack.tokens.getToken();
  // Check once that the path is the real one: an exact 64-bit msgid comes back as a string.
  const probe = await stack.wechat.sendSubscribeMessage({
    touser: OPENIDS[0]!,
    templateId,
    data: AUDIT_DATA,
  });
  if (!/^\d{19}$/.test(probe.msgid)) throw new Error(`unexpected msgid ${probe.msgid}`);
  return {
    key,
    label,
    samples: [],
    send: async (index) => {
      await stack.wechat.sendSubscribeMessage({
        touser: OPENIDS[index % OPENIDS.length]!,
        templateId,
        data: AUDIT_DATA,
      });
    },
  };
}

try {
  const variants: Variant[] = [];
  // The raw loops use the token the stub issues, like the service does.
  const tokenStack = createWeChatStack({
    apiBase: stub.url,
    appId: BENCH_APP_ID,
    appSecret: BENCH_APP_SECRET,
    tokenMode: 'stable',
    logger: silentLogger,
    prefix: 'wsgbench:token',
  });
  const token = await tokenStack.tokens.getToken();
  await tokenStack.close();

  const rawGot = createRawGotLoop(stub.url, token, templateId);
  closers.push(() => rawGot.close());
  variants.push({ key: 'a', label: 'raw got loop', send: rawGot.send, samples: [] });
  variants.push(await serviceVariant('b', 'service, memory, got', 'got', undefined));
  if (redis) variants.push(await serviceVariant('c', 'service, Redis, got', 'got', redis));
  variants.push(await serviceVariant('d', 'service, memory, undici', 'undici', undefined));
  const rawUndici = createRawUndiciLoop(stub.url, token, templateId);
  closers.push(() => rawUndici.close());
  variants.push({ key: 'e', label: 'raw undici Pool loop', send: rawUndici.send, samples: [] });

  console.log(
    `bench:send  node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)}, ${requests} sends per run, ` +
      `concurrency ${concurrency}, ${rounds} interleaved rounds, warm-up ${warmup} each` +
      (redis
        ? `, Redis ${benchRedisUrl.replace(/\/\/[^@]*@/, '//***@')}`
        : ', Redis: not reachable, (c) skipped'),
  );
  for (const variant of variants) await runConcurrent(warmup, concurrency, variant.send);

  const before = await stub.stats();
  for (let round = 1; round <= rounds; round++) {
    for (const variant of variants) {
      variant.samples.push(
        await measure(requests, () => runConcurrent(requests, concurrency, variant.send)),
      );
    }
    console.log(
      `round ${round}: ` +
        variants.map((v) => `${v.key} ${fmt(throughput(v.samples.at(-1)!))}/s`).join(', '),
    );
  }
  const after = await stub.stats();
  const expected = rounds * variants.length * requests;
  if (after.sends - before.sends !== expected || after.tokens !== before.tokens) {
    throw new Error(
      `stub saw ${after.sends - before.sends} sends and ${after.tokens - before.tokens} token calls during the measured runs; expected ${expected} and 0`,
    );
  }

  const base = variants[0]!;
  const summary = variants.map((v) => ({
    ...v,
    rate: median(v.samples.map(throughput)),
    cpu: median(v.samples.map(cpuPerMessage)),
    rateRatio: pairedRatio(v.samples.map(throughput), base.samples.map(throughput)),
    cpuRatio: pairedRatio(v.samples.map(cpuPerMessage), base.samples.map(cpuPerMessage)),
  }));
  console.log(
    `\nload average at the end: ${os.loadavg()[0]!.toFixed(2)}. Ratios are medians of per-round ` +
      'ratios to (a) in the same round, with their range over the rounds.\n\n' +
      formatTable(
        ['variant', 'msgs/s', 'CPU µs/msg', 'msgs/s ÷ (a)', 'CPU/msg ÷ (a)'],
        summary.map((v) => [
          `(${v.key}) ${v.label}`,
          fmt(v.rate),
          fmt(v.cpu, 1),
          fmtRatio(v.rateRatio),
          fmtRatio(v.cpuRatio),
        ]),
      ),
  );
  const b = summary.find((v) => v.key === 'b')!;
  console.log(
    `\n(b)/(a) throughput ${fmtRatio(b.rateRatio)}: goal ≥ 0.90 ` +
      `${b.rateRatio.median >= 0.9 ? 'met' : 'MISSED'}; CPU per message ${fmtRatio(b.cpuRatio)}`,
  );
  const d = summary.find((v) => v.key === 'd')!;
  const e = summary.find((v) => v.key === 'e')!;
  const vsE = (v: Variant, f: (s: Sample) => number) =>
    fmtRatio(pairedRatio(v.samples.map(f), e.samples.map(f)));
  console.log(`(d)/(e) throughput ${vsE(d, throughput)}, CPU per message ${vsE(d, cpuPerMessage)}`);
} finally {
  for (const stack of stacks) await stack.close();
  for (const close of closers) await close();
  if (redis) {
    await deletePrefix(redis, redisPrefix);
    await redis.close();
  }
  await stub.stop();
}
