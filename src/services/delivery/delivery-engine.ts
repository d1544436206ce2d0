/**
 * The queue behind scheduled sends: runs a handler for a message id at (or after) a time, at most
 * SEND_RATE_LIMIT per app across every process, and pauses the whole app when WeChat says a
 * quota is used up. It knows nothing about messages: the handler re-reads the message log and
 * moves its state by compare-and-set, so a job that runs twice (a worker died, a sweeper
 * re-enqueued it) cannot send twice. Two engines: BullMQ on Redis, and an in-process one.
 */
import type { RecurringSpec } from '../../shared/cron-schedule.js';

export type EngineKind = 'bullmq' | 'memory';

export interface RateLimit {
  max: number;
  perSeconds: number;
}

export type JobOutcome =
  /** Finished, whatever the message's final state. */
  | { kind: 'done' }
  /** Run again after `delayMs`: a retry that counts against the bounded attempts. */
  | { kind: 'retry'; delayMs: number }
  /** Not due yet (rescheduled or held): run again at `at`, not counted as an attempt. */
  | { kind: 'later'; at: Date }
  /**
   * WeChat's quota is used up: the whole app's queue waits until `until` (45011: the next minute;
   * 45009: midnight in China), then this job runs again; not counted as an attempt.
   */
  | { kind: 'quota'; until: Date; scope: 'minute' | 'day' };

export interface EnqueueOptions {
  /** Bulk sends (campaigns) give way to every other due job of the app. */
  priority?: 'normal' | 'bulk';
  /**
   * The message was created just now, so no job of it can exist: the engine skips looking for
   * one to replace (with BullMQ, a script run per message).
   */
  fresh?: boolean;
}

/** `attempt` counts earlier `retry` outcomes of this job (0 on its first run). */
export type JobHandler = (messageId: string, info: { attempt: number }) => Promise<JobOutcome>;

/**
 * One occurrence of a recurring schedule is due (`occurrence` is its cron time). It may run more
 * than once for the same occurrence (a worker died): the handler makes that harmless.
 */
export type OccurrenceHandler = (scheduleKey: string, occurrence: Date) => Promise<void>;

/** What else a worker process runs besides message jobs. */
export interface EngineHandlers {
  occurrence?: OccurrenceHandler;
}

export interface EngineStatus {
  /** The queue waits for the minute quota (or the rate limiter) until then. */
  rateLimitedUntil: Date | null;
  /** The daily quota is used up: nothing is sent until then. */
  pausedUntil: Date | null;
}

export interface DeliveryEngine {
  readonly kind: EngineKind;
  readonly rateLimit: RateLimit;
  /**
   * Makes sure the message's job runs at `runAt` (now or soon after if it is past). A job of the
   * message still waiting is replaced; a running one is left alone (its handler re-reads the log).
   */
  enqueue(messageId: string, runAt: Date, options?: EnqueueOptions): Promise<void>;
  /** Drops a waiting job of the message, if any; a running one cannot be dropped. */
  remove(messageId: string): Promise<void>;
  /** Whether a job of the message is waiting or running. */
  hasJob(messageId: string): Promise<boolean>;
  /**
   * Creates or replaces the timer of a recurring schedule (BullMQ: a job scheduler). Its
   * occurrences follow nextRun(spec, …): DST rules included, within startAt/endAt.
   */
  upsertRecurring(key: string, spec: RecurringSpec): Promise<void>;
  /** Stops a recurring schedule's timer; an occurrence already running finishes. */
  removeRecurring(key: string): Promise<void>;
  /** Starts taking jobs in this process. */
  start(handler: JobHandler, more?: EngineHandlers): Promise<void>;
  status(): Promise<EngineStatus>;
  /** Stops taking jobs, lets the ones running finish, then lets go of connections. */
  close(): Promise<void>;
}

/** The default SEND_RATE_LIMIT. */
export const DEFAULT_RATE_LIMIT: RateLimit = { max: 100, perSeconds: 1 };
