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

/** One message of a batch job, with the user its send locks. */
export interface BatchEntry {
  id: string;
  openid: string;
}

/**
 * Several messages sent by one job (a campaign's recipients, fanned out together): one job to
 * queue, fetch and finish instead of one per message. Its messages carry its id as batchId.
 */
export interface BatchJob {
  /** Unique per app, and not a message id. */
  id: string;
  campaignId: string | null;
  entries: readonly BatchEntry[];
}

export interface BatchContext {
  /** Counts earlier `retry` outcomes of this job (0 on its first run). */
  attempt: number;
  /** True once the engine is closing: start no more sends and answer `later`. */
  stopping(): boolean;
  /**
   * Turns of the rate limit this run of the job already took (fetching it counts as one, like
   * any job's): the batch's first sends use them instead of taking turns of their own.
   */
  turnsTaken: number;
}

/**
 * Sends a batch's messages. Each send takes its own turn of the rate limit (takeSends); a message
 * the batch cannot finish (retried, held back) is handed to a job of its own.
 */
export type BatchHandler = (batch: BatchJob, context: BatchContext) => Promise<JobOutcome>;

/** What else a worker process runs besides message jobs. */
export interface EngineHandlers {
  occurrence?: OccurrenceHandler;
  batch?: BatchHandler;
}

/** What takeSends got: `granted` turns of the rate limit, or none for `retryInMs`. */
export interface SendTurns {
  granted: number;
  retryInMs: number;
  /** None because a job of normal priority is waiting (the limit itself had room). */
  yielded: boolean;
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
  /**
   * Queues a batch job at bulk priority for `runAt`. A job of that id still waiting or running is
   * kept as it is (a fan-out repeated after a restart adds nothing).
   */
  enqueueBatch(batch: BatchJob, runAt: Date): Promise<void>;
  /**
   * Takes up to `n` turns of the app's rate limit, the one every job of the app counts against
   * in every process (and which a quota pause closes), without waiting. `yieldToWaiting`: none
   * while a job of normal priority waits for the limit, so bulk sends do not jump the queue.
   */
  takeSends(n: number, yieldToWaiting: boolean): Promise<SendTurns>;
  /**
   * Holds every send of the app, in every process, until `until`: a quota answer (`day`: the
   * daily quota, which deliveryHealth shows as paused). Turns are refused and jobs not started
   * meanwhile, from now on, not only once the job that got the answer has ended. A hold never
   * shortens a longer one.
   */
  holdSends(until: Date, scope: 'minute' | 'day'): Promise<void>;
  /** Drops a waiting job of the message, if any; a running one cannot be dropped. */
  remove(messageId: string): Promise<void>;
  /** Whether a job of this id (a message's own, or a batch's) is waiting or running. */
  hasJob(jobId: string): Promise<boolean>;
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

/** How long a bulk send gives way to a waiting job of normal priority before asking again. */
export const YIELD_MS = 20;

/** The default SEND_RATE_LIMIT. */
export const DEFAULT_RATE_LIMIT: RateLimit = { max: 100, perSeconds: 1 };
