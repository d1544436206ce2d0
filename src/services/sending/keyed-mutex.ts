import { acquireWithin, type DistributedLock } from '../../shared/lock.js';

/** Runs work for one key at a time; different keys run in parallel. */
export interface KeyedMutex {
  runExclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Serialises within this process with a promise chain per key (no polling), then, when a shared
 * lock is given, across processes too. The local queue first means only one waiter per process
 * polls the shared lock. The shared lock is a lease of `ttlMs` renewed while the work runs, so a
 * process that dies holding it blocks the key for at most one lease.
 */
export class ChainedKeyedMutex implements KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  private readonly shared: DistributedLock | undefined;
  private readonly options: { ttlMs: number; waitMs: number };

  constructor(deps: { shared?: DistributedLock; ttlMs?: number; waitMs?: number } = {}) {
    this.shared = deps.shared;
    this.options = { ttlMs: deps.ttlMs ?? 30_000, waitMs: deps.waitMs ?? 30_000 };
  }

  async runExclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.withShared(key, work));
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  private async withShared<T>(key: string, work: () => Promise<T>): Promise<T> {
    if (!this.shared) return work();
    const outcome = await acquireWithin<never>(this.shared, key, this.options);
    if (!('handle' in outcome)) return work();
    const { handle } = outcome;
    const renewal = setInterval(() => {
      handle.extend(this.options.ttlMs).catch(() => undefined);
    }, this.options.ttlMs / 3);
    renewal.unref();
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      await handle.release().catch(() => undefined);
    }
  }
}
