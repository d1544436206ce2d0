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

/**
 * One would-be holder of a lock, before it holds it: its owner id and lease. A store adapter whose
 * backend holds the lock's state (`storeKey` not null) may take or free the lock inside its own
 * atomic write, saving a round trip of its own; anything else takes it with tryTake().
 */
export interface LockClaim {
  readonly owner: string;
  readonly ttlMs: number;
  /** Where the lock lives in its backend (the Redis key for RedisLock); null for in-process locks. */
  readonly storeKey: string | null;
  /** One attempt: true once this claim holds the lock. */
  tryTake(): Promise<boolean>;
  /** Renews or frees the lock, acting only while this claim's owner holds it. */
  readonly handle: LockHandle;
}

export interface DistributedLock {
  /** Returns null when somebody else holds the lock. */
  tryAcquire(key: string, ttlMs: number): Promise<LockHandle | null>;
  /** A fresh owner's claim on the lock; nothing is taken yet (no I/O). */
  claim(key: string, ttlMs: number): LockClaim;
}

// Unique across processes by the random part, within one by the counter: as good as a UUID per
// claim for telling owners apart, without drawing and formatting random bytes for every send.
const processNonce = randomUUID();
let ownerCount = 0;

/** A new lock owner id, never handed out twice. */
export function newLockOwner(): string {
  ownerCount += 1;
  return `${processNonce}:${ownerCount.toString(36)}`;
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
    const claim = this.claim(key, ttlMs);
    return (await claim.tryTake()) ? claim.handle : null;
  }

  claim(key: string, ttlMs: number): LockClaim {
    const owner = newLockOwner();
    return {
      owner,
      ttlMs,
      storeKey: null,
      tryTake: async () => {
        const current = this.held.get(key);
        if (current && current.expiresAt > this.now()) return false;
        this.held.set(key, { owner, expiresAt: this.now() + ttlMs });
        return true;
      },
      handle: {
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

/**
 * Repeats `attempt` (a write that takes the lock of `claim` as its first act, or reports it busy
 * with false) with the same jittered backoff as acquireWithin, until it took the lock.
 */
export async function takeWithin(
  key: string,
  attempt: () => Promise<boolean>,
  options: { waitMs: number },
): Promise<void> {
  const started = Date.now();
  let delay = 5;
  while (!(await attempt())) {
    if (Date.now() - started >= options.waitMs)
      throw new LockTimeoutError(key, Date.now() - started);
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
}
