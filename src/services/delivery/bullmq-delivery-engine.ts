import { DelayedError, Queue, RateLimitError, Worker, type Job, type RepeatOptions } from 'bullmq';
import type { RedisClient } from '../../infra/redis/redis-connection.js';
import { LuaScript } from '../../infra/redis/redis-lua.js';
import type { Logger } from '../../shared/logger.js';
import { nextRun, type RecurringSpec } from '../../shared/cron-schedule.js';
import type {
  BatchJob,
  DeliveryEngine,
  EngineHandlers,
  EnqueueOptions,
  EngineStatus,
  JobHandler,
  RateLimit,
  SendTurns,
} from './delivery-engine.js';
import { YIELD_MS } from './delivery-engine.js';

export interface BullmqDeliveryEngineOptions {
  appId: string;
  /** REDIS_PREFIX; the queue's keys are `${prefix}:{${appId}}:delivery:…` (one hash slot per app). */
  prefix: string;
  /** Opens a new client; the queue and the worker each get their own (workers block). */
  connect: () => Promise<RedisClient>;
  rateLimit: RateLimit;
  concurrency: number;
  logger: Logger;
  /** How long a worker's job lock lasts before another worker treats it as dead; default 30 s. */
  lockDurationMs?: number;
  /** How long close() waits for running jobs; default 30 s. */
  closeTimeoutMs?: number;
}

const QUEUE = 'delivery';
const JOB_NAME = 'send';
const BATCH_JOB = 'batch';
const BULK_PRIORITY = 10;

const RECURRING_JOB = 'recurring';
const SCHEDULER_PREFIX = 'recurring-';

/**
 * BullMQ's own cron step (cron-parser in the zone) gets DST wrong where it matters (see
 * cron-schedule.ts), so every scheduler's next run comes from nextRun instead.
 */
function repeatStrategy(millis: number, opts: RepeatOptions): number | undefined {
  if (!opts.pattern || !opts.tz) return undefined;
  const spec: RecurringSpec = {
    cron: opts.pattern,
    timezone: opts.tz,
    startAt: opts.startDate ? new Date(opts.startDate) : null,
    endAt: opts.endDate ? new Date(opts.endDate) : null,
  };
  return nextRun(spec, new Date(millis))?.getTime();
}

/** A scheduler's job id is `repeat:<scheduler id>:<occurrence ms>`; null for any other job. */
function occurrenceOf(job: Job): Date | null {
  const id = String(job.id);
  if (!id.startsWith(`repeat:${SCHEDULER_PREFIX}`)) return null;
  const millis = Number(id.slice(id.lastIndexOf(':') + 1));
  return Number.isSafeInteger(millis) && millis > 0 ? new Date(millis) : null;
}

/**
 * Takes up to n turns of BullMQ's queue-wide limiter, the fixed-window counter its workers count
 * each fetched job against (and a quota pause fills), in the same way: the first turn of a window
 * starts its expiry; a full window answers how long it has left. When asked to yield, a window
 * with room grants nothing while a job of normal priority waits in the queue's wait list (it is
 * that job's turn; a full window is waited out whatever waits).
 * KEYS[1] the queue's limiter key, KEYS[2] its wait list. ARGV: max per window, window ms, n,
 * '1' to yield, the retry ms when yielding.
 * Returns { turns granted, ms to wait before asking again when none, 1 if it yielded }.
 */
const takeTurns = new LuaScript(`
local max, n = tonumber(ARGV[1]), tonumber(ARGV[3])
local used = tonumber(redis.call('GET', KEYS[1]) or 0)
if used >= max then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then return { 0, ttl, 0 } end
  redis.call('DEL', KEYS[1])
  used = 0
end
if ARGV[4] == '1' and redis.call('LLEN', KEYS[2]) > 0 then return { 0, tonumber(ARGV[5]), 1 } end
local granted = math.min(n, max - used)
if redis.call('INCRBY', KEYS[1], granted) == granted then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return { granted, 0, 0 }
`);

/**
 * Sets each key to its value for `ms` unless it already lasts longer: the queue's limiter filled
 * (as BullMQ's rateLimit does: its workers fetch nothing and takeTurns grants nothing until it
 * expires), and for the daily quota also the paused-until key.
 * KEYS the keys. ARGV: ms, then the value of each key in KEYS order.
 */
const holdTurns = new LuaScript(`
local ms = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if redis.call('PTTL', key) < ms then redis.call('SET', key, ARGV[i + 1], 'PX', ARGV[1]) end
end
`);

/** Thrown by the processor for a counted retry; the backoff strategy reads its delay. */
class RetryLater extends Error {
  constructor(readonly delayMs: number) {
    super(`retry in ${delayMs} ms`);
    this.name = 'RetryLater';
  }
}

/**
 * BullMQ 6 on the gateway's @redis/client (no ioredis): one queue per app, shared by every
 * gateway and worker process. Job id = message id, so enqueueing twice adds one job. The
 * limiter is BullMQ's queue-wide one (SEND_RATE_LIMIT across all processes); WeChat's quota
 * answers use the same limiter key (`rateLimit`), so the whole app waits, not just one worker.
 */
export class BullmqDeliveryEngine implements DeliveryEngine {
  readonly kind = 'bullmq' as const;
  readonly rateLimit: RateLimit;
  private queue: Queue | null = null;
  private worker: Worker | null = null;
  private readonly clients: RedisClient[] = [];
  private readonly keyPrefix: string;
  private closing = false;

  private constructor(private readonly options: BullmqDeliveryEngineOptions) {
    this.rateLimit = options.rateLimit;
    this.keyPrefix = `${options.prefix}:{${options.appId}}`;
  }

  static async open(options: BullmqDeliveryEngineOptions): Promise<BullmqDeliveryEngine> {
    const engine = new BullmqDeliveryEngine(options);
    const client = await engine.client();
    engine.queue = new Queue(QUEUE, {
      connection: client as never,
      prefix: engine.keyPrefix,
      settings: { repeatStrategy },
      defaultJobOptions: {
        removeOnComplete: true,
        removeOnFail: true,
        // Retries are bounded by the job handler (it knows the WeChat outcome); this only has to
        // be larger than that bound.
        attempts: 1000,
        backoff: { type: 'engine' },
      },
    });
    engine.queue.on('error', (error) =>
      options.logger.warn({ err: { message: error.message } }, 'delivery queue error'),
    );
    return engine;
  }

  async enqueue(messageId: string, runAt: Date, options: EnqueueOptions = {}): Promise<void> {
    const queue = this.requireQueue();
    // An active job cannot be removed (0): it re-reads the message and acts on its new state.
    if (!options.fresh) await queue.remove(messageId);
    await queue.add(
      JOB_NAME,
      {},
      {
        jobId: messageId,
        delay: Math.max(0, runAt.getTime() - Date.now()),
        // Jobs without a priority run before prioritised ones: bulk sends wait for the rest.
        ...(options.priority === 'bulk' ? { priority: BULK_PRIORITY } : {}),
      },
    );
  }

  async enqueueBatch(batch: BatchJob, runAt: Date): Promise<void> {
    // Adding an id that exists adds nothing: the job already waiting or running is kept.
    await this.requireQueue().add(
      BATCH_JOB,
      { campaignId: batch.campaignId, entries: batch.entries },
      {
        jobId: batch.id,
        delay: Math.max(0, runAt.getTime() - Date.now()),
        priority: BULK_PRIORITY,
      },
    );
  }

  async takeSends(n: number, yieldToWaiting: boolean): Promise<SendTurns> {
    const { max, perSeconds } = this.options.rateLimit;
    const { limiter, wait } = this.requireQueue().keys;
    if (limiter === undefined || wait === undefined)
      throw new Error('the delivery queue has no limiter or wait key');
    const reply = await takeTurns.run(
      this.clients[0]!,
      [limiter, wait],
      [
        String(max),
        String(perSeconds * 1000),
        String(n),
        yieldToWaiting ? '1' : '0',
        String(YIELD_MS),
      ],
    );
    const [granted, retryInMs, yielded] = reply as [number, number, number];
    return { granted, retryInMs, yielded: yielded === 1 };
  }

  async holdSends(until: Date, scope: 'minute' | 'day'): Promise<void> {
    const { limiter } = this.requireQueue().keys;
    if (limiter === undefined) throw new Error('the delivery queue has no limiter key');
    const ms = Math.max(1, until.getTime() - Date.now());
    const holds: [key: string, value: string][] = [[limiter, String(Number.MAX_SAFE_INTEGER)]];
    if (scope === 'day') holds.push([this.pausedKey(), String(until.getTime())]);
    await holdTurns.run(
      this.clients[0]!,
      holds.map(([key]) => key),
      [String(ms), ...holds.map(([, value]) => value)],
    );
  }

  async remove(messageId: string): Promise<void> {
    await this.requireQueue().remove(messageId);
  }

  async hasJob(messageId: string): Promise<boolean> {
    const job = await this.requireQueue().getJob(messageId);
    if (!job) return false;
    const state = await job.getState();
    return state !== 'completed' && state !== 'failed' && state !== 'unknown';
  }

  async upsertRecurring(key: string, spec: RecurringSpec): Promise<void> {
    // Re-upserting the same scheduler id replaces its pending job: no duplicate run.
    await this.requireQueue().upsertJobScheduler(
      SCHEDULER_PREFIX + key,
      {
        pattern: spec.cron,
        tz: spec.timezone,
        ...(spec.startAt ? { startDate: spec.startAt } : {}),
        ...(spec.endAt ? { endDate: spec.endAt } : {}),
      },
      { name: RECURRING_JOB, data: { scheduleKey: key } },
    );
  }

  async removeRecurring(key: string): Promise<void> {
    await this.requireQueue().removeJobScheduler(SCHEDULER_PREFIX + key);
  }

  async start(handler: JobHandler, more: EngineHandlers = {}): Promise<void> {
    if (this.worker) throw new Error('the delivery worker is already running');
    const { options } = this;
    const worker: Worker = new Worker(
      QUEUE,
      async (job: Job, token?: string) => {
        if (job.name === RECURRING_JOB) {
          const key = (job.data as { scheduleKey?: string }).scheduleKey;
          const occurrence = occurrenceOf(job);
          if (key !== undefined && occurrence !== null && more.occurrence)
            await more.occurrence(key, occurrence);
          return;
        }
        const outcome =
          job.name === BATCH_JOB && more.batch
            ? await more.batch(
                { id: job.id!, ...(job.data as Omit<BatchJob, 'id'>) },
                // BullMQ's limiter counted fetching this job as one turn.
                { attempt: job.attemptsMade, stopping: () => this.closing, turnsTaken: 1 },
              )
            : await handler(job.id!, { attempt: job.attemptsMade });
        switch (outcome.kind) {
          case 'done':
            return;
          case 'retry':
            throw new RetryLater(outcome.delayMs);
          case 'later':
            await job.moveToDelayed(outcome.at.getTime(), token);
            throw new DelayedError();
          case 'quota':
            await this.holdSends(outcome.until, outcome.scope);
            throw new RateLimitError();
        }
      },
      {
        connection: (await this.client()) as never,
        prefix: this.keyPrefix,
        concurrency: options.concurrency,
        limiter: { max: options.rateLimit.max, duration: options.rateLimit.perSeconds * 1000 },
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.lockDurationMs ?? 30_000,
        // A stalled job only marks its message UNKNOWN when it runs again; never let it vanish.
        maxStalledCount: 1000,
        settings: {
          repeatStrategy,
          backoffStrategy: (_attempts: number, _type?: string, error?: Error) =>
            error instanceof RetryLater ? error.delayMs : 5000,
        },
      },
    );
    worker.on('error', (error) =>
      options.logger.warn({ err: { message: error.message } }, 'delivery worker error'),
    );
    worker.on('failed', (job, error) => {
      if (!(error instanceof RetryLater))
        options.logger.error({ err: error, messageId: job?.id }, 'delivery job failed');
    });
    this.worker = worker;
    await worker.waitUntilReady();
  }

  async status(): Promise<EngineStatus> {
    const queue = this.requireQueue();
    const [ttl, paused] = await Promise.all([
      queue.getRateLimitTtl(),
      this.clients[0]!.get(this.pausedKey()),
    ]);
    const pausedUntil = paused ? new Date(Number(paused)) : null;
    return {
      rateLimitedUntil: ttl > 0 ? new Date(Date.now() + ttl) : null,
      pausedUntil: pausedUntil && pausedUntil.getTime() > Date.now() ? pausedUntil : null,
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    const timeoutMs = this.options.closeTimeoutMs ?? 30_000;
    // worker.close() waits for running jobs with no limit of its own.
    if (this.worker) {
      const worker = this.worker;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        worker.close(),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            this.options.logger.warn('delivery worker did not finish in time; forcing it closed');
            void worker.close(true).then(resolve, resolve);
          }, timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    await this.queue?.close();
    for (const client of this.clients) await client.close().catch(() => undefined);
  }

  private pausedKey(): string {
    return `${this.keyPrefix}:${QUEUE}:paused-until`;
  }

  private requireQueue(): Queue {
    if (!this.queue) throw new Error('the delivery queue is closed');
    return this.queue;
  }

  private async client(): Promise<RedisClient> {
    const client = await this.options.connect();
    this.clients.push(client);
    return client;
  }
}
