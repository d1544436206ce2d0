import {
  takeWithin,
  type DistributedLock,
  type LockClaim,
  type LockHandle,
} from '../../shared/lock.js';

/** Runs work for one key at a time; different keys run in parallel. */
export interface KeyedMutex {
  runExclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
  /**
   * The same exclusion, with the shared lock taken by the work's own first write and freed by
   * its last (see ExclusiveSteps): with Redis, a send then costs no round trip for the lock.
   */
  runExclusiveSteps<T>(key: string, steps: ExclusiveSteps<T>): Promise<T>;
  /**
   * For a write that takes the shared lock of `key` itself (a batch of sends claimed in one
   * step): a claim on it, renewed from `held()` until `done()`, or null without a shared lock.
   * The in-process queue is not used: the shared lock alone keeps the key's holders apart.
   */
  sharedClaim(key: string): SharedClaim | null;
  /** Whether sharedClaim gives claims: a shared lock is configured. */
  readonly sharesLock: boolean;
}

export interface SharedClaim {
  readonly claim: LockClaim;
  /** The write took the lock: keep renewing it. */
  held(): void;
  /** The lock was freed (or never taken): stop renewing it. */
  done(): void;
}

/** Work whose first write also takes the shared lock. */
export interface ExclusiveSteps<T> {
  /**
   * The first write, taking `claim`'s lock in the same step; false (nothing written) while
   * another holder has the lock: it is then repeated, with backoff, until it took it. `claim` is
   * null without a shared lock: write, and answer true.
   */
  take(claim: LockClaim | null): Promise<boolean>;
  /** Everything after it, holding the lock. */
  rest(lease: HeldLease): Promise<T>;
}

export interface HeldLease {
  readonly claim: LockClaim | null;
  /**
   * Runs the write that frees the lock in its own step (given `claim`); once it succeeded the
   * mutex does not free the lock again. On any other path the mutex frees it after the work.
   */
  freeWith<R>(write: (claim: LockClaim | null) => Promise<R>): Promise<R>;
}

/**
 * Serialises within this process with a promise chain per key (no polling), then, when a shared
 * lock is given, across processes too. The local queue first means only one waiter per process
 * polls the shared lock. The shared lock is a lease of `ttlMs` renewed while the work runs (one
 * timer for every lease this mutex holds), so a process that dies holding it blocks the key for
 * at most one lease.
 */
export class ChainedKeyedMutex implements KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  private readonly shared: DistributedLock | undefined;
  private readonly options: { ttlMs: number; waitMs: number };
  /** The leases held now, with when each was last renewed (epoch ms). */
  private readonly held = new Map<LockHandle, number>();
  private renewal: NodeJS.Timeout | null = null;

  constructor(deps: { shared?: DistributedLock; ttlMs?: number; waitMs?: number } = {}) {
    this.shared = deps.shared;
    this.options = { ttlMs: deps.ttlMs ?? 30_000, waitMs: deps.waitMs ?? 30_000 };
  }

  get sharesLock(): boolean {
    return this.shared !== undefined;
  }

  runExclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.runExclusiveSteps(key, {
      take: (claim) => (claim === null ? Promise.resolve(true) : claim.tryTake()),
      rest: work,
    });
  }

  runExclusiveSteps<T>(key: string, steps: ExclusiveSteps<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.withShared(key, steps));
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  sharedClaim(key: string): SharedClaim | null {
    if (!this.shared) return null;
    const claim = this.shared.claim(key, this.options.ttlMs);
    return {
      claim,
      held: () => this.keepRenewing(claim.handle),
      done: () => this.stopRenewing(claim.handle),
    };
  }

  private async withShared<T>(key: string, steps: ExclusiveSteps<T>): Promise<T> {
    const claim = this.shared?.claim(key, this.options.ttlMs) ?? null;
    // Whether the lock may be ours: after a write that took it, or one that failed without saying.
    let mayHold = false;
    let freed = false;
    const lease: HeldLease = {
      claim,
      freeWith: async (write) => {
        const result = await write(claim);
        freed = true;
        return result;
      },
    };
    try {
      await takeWithin(
        key,
        async () => {
          mayHold = true;
          mayHold = await steps.take(claim);
          return mayHold;
        },
        this.options,
      );
      if (claim !== null) this.keepRenewing(claim.handle);
      return await steps.rest(lease);
    } finally {
      if (claim !== null) {
        this.stopRenewing(claim.handle);
        if (mayHold && !freed) await claim.handle.release().catch(() => undefined);
      }
    }
  }

  private keepRenewing(handle: LockHandle): void {
    this.held.set(handle, Date.now());
    if (this.renewal !== null) return;
    const every = this.options.ttlMs / 3;
    this.renewal = setInterval(() => this.renewDue(every), every);
    this.renewal.unref();
  }

  private stopRenewing(handle: LockHandle): void {
    this.held.delete(handle);
    if (this.held.size > 0 || this.renewal === null) return;
    clearInterval(this.renewal);
    this.renewal = null;
  }

  /** Renews every lease last renewed a third of a lease ago or more: each within 2/3 of a lease. */
  private renewDue(every: number): void {
    const now = Date.now();
    for (const [handle, renewedAt] of this.held) {
      if (now - renewedAt < every) continue;
      this.held.set(handle, now);
      handle.extend(this.options.ttlMs).catch(() => undefined);
    }
  }
}

/** The per-user lock of sends: `{appId}` first, so with Redis it shares the app's Cluster slot. */
export function userSendLockKey(appId: string, openid: string): string {
  return `{${appId}}:send:${openid}`;
}
