import { systemClock, type Clock } from '../../shared/clock.js';
import { noopObserver, type Observer } from '../../shared/observer.js';
import type { DistributedLock } from '../../shared/lock.js';
import type { Logger } from '../../shared/logger.js';
import type { MessageStore } from './message-store.js';

export interface RetentionStats {
  /** Messages this process pruned since it started. */
  prunedTotal: number;
  /** Prune runs this process made (runs skipped because another process held the lock excluded). */
  runs: number;
  lastRunAt: Date | null;
  lastPruned: number;
}

export interface MessageRetentionDeps {
  appIds: readonly string[];
  messages: MessageStore;
  /** One prune at a time across every gateway sharing the store. */
  lock: DistributedLock;
  retentionDays: number;
  logger: Logger;
  /** Default one hour. */
  intervalMs?: number;
  /** Messages deleted per store call; default 500. */
  batchSize?: number;
  now?: Clock;
  observer?: Observer;
}

const DAY_MS = 86_400_000;
// A run stops after this many batches per app and leaves the rest to the next one, so it never
// outlives its lock by much.
const MAX_BATCHES_PER_RUN = 200;
const LOCK_TTL_MS = 5 * 60_000;

/**
 * Keeps the message log to MESSAGE_RETENTION_DAYS: at start and then periodically, deletes older
 * messages (with their index entries) in batches, one process at a time, logs a line per run and
 * counts what it pruned for metrics and health views.
 */
export class MessageRetention {
  private readonly totals: RetentionStats = {
    prunedTotal: 0,
    runs: 0,
    lastRunAt: null,
    lastPruned: 0,
  };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: MessageRetentionDeps) {
    if (!Number.isSafeInteger(deps.retentionDays) || deps.retentionDays < 1) {
      throw new Error(`retentionDays must be a positive integer, got ${deps.retentionDays}`);
    }
  }

  stats(): RetentionStats {
    return { ...this.totals };
  }

  /**
   * One prune run. Returns how many messages went, or null when another process was pruning.
   */
  async runOnce(): Promise<number | null> {
    const { deps } = this;
    const now = new Date((deps.now ?? systemClock)());
    const cutoff = new Date(now.getTime() - deps.retentionDays * DAY_MS);
    const handle = await deps.lock.tryAcquire('retention', LOCK_TTL_MS);
    if (handle === null) return null;
    const started = Date.now();
    const batchSize = deps.batchSize ?? 500;
    let pruned = 0;
    try {
      for (const appId of deps.appIds) {
        for (let batch = 0; batch < MAX_BATCHES_PER_RUN && !this.stopped; batch++) {
          const count = await deps.messages.prune(appId, cutoff, batchSize);
          pruned += count;
          if (count < batchSize) break;
        }
      }
    } finally {
      this.totals.prunedTotal += pruned;
      this.totals.runs += 1;
      this.totals.lastRunAt = now;
      this.totals.lastPruned = pruned;
      (deps.observer ?? noopObserver).messagesPruned({ count: pruned });
      await handle.release().catch(() => undefined);
    }
    deps.logger.info(
      {
        pruned,
        cutoff: cutoff.toISOString(),
        retentionDays: deps.retentionDays,
        durationMs: Date.now() - started,
      },
      'message retention: pruned old messages',
    );
    return pruned;
  }

  /** Runs now, then every interval, until stop(); a failed run is logged and retried next time. */
  start(): void {
    const tick = () => {
      this.running = this.runOnce().catch((error: unknown) =>
        this.deps.logger.warn({ err: error }, 'message retention run failed; retrying later'),
      );
    };
    tick();
    this.timer = setInterval(tick, this.deps.intervalMs ?? 3_600_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
