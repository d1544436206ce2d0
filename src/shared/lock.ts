import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from './clock.js';

/**
 * A lease-style mutual exclusion lock. A holder that dies loses the lock when its TTL runs out;
 * release only succeeds for the owner, so a slow holder whose lease expired cannot free a lock
 * that somebody else holds by now.
 */
export interface LockHandle {
  readonly owner: string;
  release(): Promise<void>;
  /** Resets the lease to `ttlMs` while we still own it; false once it expired or changed hands. */
  extend(ttlMs: number): Promise<boolean>;
}

export interface DistributedLock {
  /** Returns null when somebody else holds the lock. */
  tryAcquire(key: string, ttlMs: number): Promise<LockHandle | null>;
}

export class LockTimeoutError extends Error {
  constructor(key: string, waitedMs: number) {
    super(`Timed out after ${waitedMs} ms waiting for lock ${key}`);
    this.name = 'LockTimeoutError';
  }
}

/** Locks for one process: what the memory store uses, and what the Redis lock degrades to. */
export class MemoryLock implements DistributedLock {
  private readonly held = new Map<string, { owner: string; expiresAt: number }>();

  private readonly now: Clock;

  constructor(deps: { now?: Clock } = {}) {
    this.now = deps.now ?? systemClock;
  }

  async tryAcquire(key: string, ttlMs: number): Promise<LockHandle | null> {
    const current = this.held.get(key);
    if (current && current.expiresAt > this.now()) return null;
    const owner = randomUUID();
    this.held.set(key, { owner, expiresAt: this.now() + ttlMs });
    return {
      owner,
      release: async () => {
        if (this.held.get(key)?.owner === owner) this.held.delete(key);
      },
      extend: async (ttl) => {
        const held = this.held.get(key);
        if (held?.owner !== owner || held.expiresAt <= this.now()) return false;
        held.expiresAt = this.now() + ttl;
        return true;
      },
    };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for a lock by polling with jittered backoff; `onWait` runs between attempts so a caller
 * can stop waiting when what it needed appeared meanwhile (it returns a value to stop).
 */
export async function acquireWithin<T>(
  lock: DistributedLock,
  key: string,
  options: { ttlMs: number; waitMs: number; onWait?: () => Promise<T | undefined> },
): Promise<{ handle: LockHandle } | { value: T }> {
  const started = Date.now();
  let delay = 5;
  for (;;) {
    const handle = await lock.tryAcquire(key, options.ttlMs);
    if (handle) return { handle };
    const value = await options.onWait?.();
    if (value !== undefined) return { value };
    if (Date.now() - started >= options.waitMs)
      throw new LockTimeoutError(key, Date.now() - started);
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
}
