import type { Logger } from '../../shared/logger.js';
import { nextRun, type RecurringSpec } from '../../shared/cron-schedule.js';
import type {
  BatchJob,
  DeliveryEngine,
  EngineHandlers,
  EnqueueOptions,
  EngineStatus,
  JobHandler,
  JobOutcome,
  RateLimit,
  SendTurns,
} from './delivery-engine.js';
import { YIELD_MS } from './delivery-engine.js';
import { TokenBucket } from './token-bucket.js';

interface Job {
  id: string;
  runAt: number;
  attempt: number;
  timer: NodeJS.Timeout | null;
  running: boolean;
  bulk: boolean;
  /** A batch job: its start takes its first send's turn, its other sends take theirs (takeSends). */
  batch?: BatchJob;
}

export interface MemoryDeliveryEngineOptions {
  rateLimit: RateLimit;
  concurrency: number;
  logger: Logger;
  now?: () => number;
}

/**
 * The engine without Redis: timers for due times, a token bucket for SEND_RATE_LIMIT and a ready
 * list worked by `concurrency` loops. Not durable: jobs live in this process and die with it
 * (the message log, if shared, still says what was pending, and a sweeper re-enqueues it).
 */
export class MemoryDeliveryEngine implements DeliveryEngine {
  readonly kind = 'memory' as const;
  readonly rateLimit: RateLimit;
  private readonly jobs = new Map<string, Job>();
  private readonly ready: Job[] = [];
  private readonly bucket: TokenBucket;
  private readonly now: () => number;
  private handler: JobHandler | null = null;
  private handlers: EngineHandlers = {};
  private readonly recurring = new Map<
    string,
    { spec: RecurringSpec; timer: NodeJS.Timeout | null }
  >();
  private running = 0;
  private closed = false;
  private blockedUntil = 0;
  private pausedUntil = 0;
  private wakeTimer: NodeJS.Timeout | null = null;
  private idle: (() => void) | null = null;

  constructor(private readonly options: MemoryDeliveryEngineOptions) {
    this.rateLimit = options.rateLimit;
    this.now = options.now ?? Date.now;
    this.bucket = new TokenBucket(
      options.rateLimit.max,
      options.rateLimit.perSeconds * 1000,
      this.now,
    );
  }

  async enqueue(messageId: string, runAt: Date, options: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error('the delivery engine is closed');
    const existing = this.jobs.get(messageId);
    if (existing?.running) return;
    if (existing) this.drop(existing);
    const job: Job = {
      id: messageId,
      runAt: runAt.getTime(),
      attempt: 0,
      timer: null,
      running: false,
      bulk: options.priority === 'bulk',
    };
    this.jobs.set(messageId, job);
    this.arm(job);
  }

  async enqueueBatch(batch: BatchJob, runAt: Date): Promise<void> {
    if (this.closed) throw new Error('the delivery engine is closed');
    if (this.jobs.has(batch.id)) return;
    const job: Job = {
      id: batch.id,
      runAt: runAt.getTime(),
      attempt: 0,
      timer: null,
      running: false,
      bulk: true,
      batch,
    };
    this.jobs.set(batch.id, job);
    this.arm(job);
  }

  async holdSends(until: Date, scope: 'minute' | 'day'): Promise<void> {
    this.hold(until, scope);
  }

  private hold(until: Date, scope: 'minute' | 'day'): void {
    this.blockedUntil = Math.max(this.blockedUntil, until.getTime());
    if (scope === 'day') this.pausedUntil = Math.max(this.pausedUntil, until.getTime());
  }

  async takeSends(n: number, yieldToWaiting: boolean): Promise<SendTurns> {
    const now = this.now();
    if (this.blockedUntil > now)
      return { granted: 0, retryInMs: this.blockedUntil - now, yielded: false };
    // A full bucket is waited out whatever waits; with room, a waiting normal job goes first.
    if (this.bucket.waitMs() > 0)
      return { granted: 0, retryInMs: Math.max(1, this.bucket.waitMs()), yielded: false };
    if (yieldToWaiting && this.ready.some((job) => !job.bulk))
      return { granted: 0, retryInMs: YIELD_MS, yielded: true };
    // A token is there (waitMs was 0): at least one is granted.
    let granted = 0;
    while (granted < n && this.bucket.take()) granted++;
    return { granted, retryInMs: 0, yielded: false };
  }

  async remove(messageId: string): Promise<void> {
    const job = this.jobs.get(messageId);
    if (job && !job.running) {
      this.drop(job);
      this.jobs.delete(messageId);
    }
  }

  async hasJob(messageId: string): Promise<boolean> {
    return this.jobs.has(messageId);
  }

  async upsertRecurring(key: string, spec: RecurringSpec): Promise<void> {
    if (this.closed) throw new Error('the delivery engine is closed');
    await this.removeRecurring(key);
    const entry = { spec, timer: null as NodeJS.Timeout | null };
    this.recurring.set(key, entry);
    this.armRecurring(key, entry, new Date(this.now()));
  }

  async removeRecurring(key: string): Promise<void> {
    const entry = this.recurring.get(key);
    if (entry?.timer) clearTimeout(entry.timer);
    this.recurring.delete(key);
  }

  async start(handler: JobHandler, more: EngineHandlers = {}): Promise<void> {
    this.handler = handler;
    this.handlers = more;
    this.pump();
  }

  async status(): Promise<EngineStatus> {
    const now = this.now();
    // Relative to the same `now`: a token available reads as not limited, whatever the clock did.
    const limited = Math.max(this.blockedUntil, now + this.bucket.waitMs());
    return {
      rateLimitedUntil: limited > now ? new Date(limited) : null,
      pausedUntil: this.pausedUntil > now ? new Date(this.pausedUntil) : null,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.jobs.values()) if (!job.running) this.drop(job);
    for (const key of [...this.recurring.keys()]) await this.removeRecurring(key);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  private arm(job: Job): void {
    const delay = job.runAt - this.now();
    if (delay <= 0) {
      // Like BullMQ: a bulk job waits behind every other ready job.
      if (job.bulk) this.ready.push(job);
      else {
        const firstBulk = this.ready.findIndex((other) => other.bulk);
        this.ready.splice(firstBulk < 0 ? this.ready.length : firstBulk, 0, job);
      }
      this.pump();
      return;
    }
    // setTimeout holds at most ~24.8 days; a longer wait re-arms when it fires.
    job.timer = setTimeout(
      () => {
        job.timer = null;
        this.arm(job);
      },
      Math.min(delay, 2 ** 31 - 1),
    );
    job.timer.unref?.();
  }

  /** One timer per schedule, for its next occurrence after `after`; re-armed after each run. */
  private armRecurring(
    key: string,
    entry: { spec: RecurringSpec; timer: NodeJS.Timeout | null },
    after: Date,
  ): void {
    const at = nextRun(entry.spec, after);
    if (at === null || this.closed || this.recurring.get(key) !== entry) return;
    const fire = () => {
      const wait = at.getTime() - this.now();
      if (wait > 0) {
        // setTimeout holds at most ~24.8 days; a longer wait re-arms when it fires.
        entry.timer = setTimeout(fire, Math.min(wait, 2 ** 31 - 1));
        entry.timer.unref?.();
        return;
      }
      entry.timer = null;
      void this.runOccurrence(key, at).finally(() => this.armRecurring(key, entry, at));
    };
    fire();
  }

  private async runOccurrence(key: string, at: Date): Promise<void> {
    const handler = this.handlers.occurrence;
    if (!handler) return;
    try {
      await handler(key, at);
    } catch (error) {
      this.options.logger.error({ err: error, scheduleKey: key }, 'recurring occurrence failed');
    }
  }

  private drop(job: Job): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = null;
    const index = this.ready.indexOf(job);
    if (index >= 0) this.ready.splice(index, 1);
  }

  /** Starts ready jobs while there are free workers, tokens and no quota wait. */
  private pump(): void {
    if (!this.handler || this.closed) return;
    while (this.running < this.options.concurrency && this.ready.length > 0) {
      if (this.blockedUntil > this.now()) {
        this.wakeAt(this.blockedUntil);
        return;
      }
      // Like BullMQ's limiter: starting any job takes a turn (a batch's first send uses it).
      if (!this.bucket.take()) {
        this.wakeAt(this.now() + this.bucket.waitMs());
        return;
      }
      const job = this.ready.shift()!;
      void this.run(job);
    }
  }

  private wakeAt(at: number): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        this.pump();
      },
      Math.max(1, at - this.now()),
    );
    this.wakeTimer.unref?.();
  }

  private async run(job: Job): Promise<void> {
    job.running = true;
    this.running++;
    let outcome: JobOutcome;
    try {
      outcome =
        job.batch && this.handlers.batch
          ? await this.handlers.batch(job.batch, {
              attempt: job.attempt,
              stopping: () => this.closed,
              turnsTaken: 1,
            })
          : await this.handler!(job.id, { attempt: job.attempt });
    } catch (error) {
      this.options.logger.error({ err: error, messageId: job.id }, 'delivery job failed');
      outcome = { kind: 'retry', delayMs: 5000 };
    }
    job.running = false;
    this.running--;
    this.settle(job, outcome);
    if (this.running === 0 && this.closed) this.idle?.();
    this.pump();
  }

  private settle(job: Job, outcome: JobOutcome): void {
    if (this.closed || this.jobs.get(job.id) !== job) return;
    const now = this.now();
    switch (outcome.kind) {
      case 'done':
        this.jobs.delete(job.id);
        return;
      case 'retry':
        job.attempt++;
        job.runAt = now + outcome.delayMs;
        break;
      case 'later':
        job.runAt = outcome.at.getTime();
        break;
      case 'quota':
        this.hold(outcome.until, outcome.scope);
        job.runAt = now;
        break;
    }
    this.arm(job);
  }
}
