import type { RedisClient } from '../../src/infra/redis/redis-connection.js';
import type { Clock } from '../../src/shared/clock.js';
import { deletePrefix, describeRedis, uniquePrefix, useTestRedis } from './redis.js';

/** One fresh store for one contract test, and what the test may do around it. */
export interface StoreCase<S> {
  store: S;
  /** Lets at least `ms` pass for the store's expiry: advances a fake clock, or really waits. */
  passTime(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** A shared suite: registers its tests, each on a store `makeCase` builds (`backend` names it). */
export type StoreContract<S> = (backend: string, makeCase: () => Promise<StoreCase<S>>) => void;

/** What a backend builds for one test; `passTime` defaults to a real wait. */
export interface BuiltStore<S> {
  store: S;
  passTime?: (ms: number) => Promise<void>;
}

export interface StoreBackends<S> {
  /** Names the describe of the Redis store's tests, e.g. `RedisLedgerStore`. */
  redisTitle: string;
  memory(): BuiltStore<S>;
  /** A store keeping every key under `prefix` (deleted after each test). */
  redis(client: RedisClient, prefix: string): BuiltStore<S>;
  /** Tests only the Redis store has (key layout, races across connections), inside its describe. */
  redisOnly?(client: () => RedisClient): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nothingToClean = async () => undefined;

/**
 * Runs `contract` against the memory store and, when the Redis tier runs, the Redis store: one
 * connection for the whole describe, a unique key prefix per test, deleted afterwards.
 */
export function runStoreContract<S>(contract: StoreContract<S>, backends: StoreBackends<S>): void {
  contract('memory', async () => {
    const { store, passTime = sleep } = backends.memory();
    return { store, passTime, cleanup: nothingToClean };
  });

  describeRedis(backends.redisTitle, () => {
    const client = useTestRedis();
    contract('redis', async () => {
      const prefix = uniquePrefix(backends.redisTitle);
      const { store, passTime = sleep } = backends.redis(client(), prefix);
      return { store, passTime, cleanup: () => deletePrefix(client(), prefix) };
    });
    backends.redisOnly?.(client);
  });
}

/** Wraps a contract test body: a fresh store before it, its cleanup after it, pass or fail. */
export function withStoreCase<S>(
  makeCase: () => Promise<StoreCase<S>>,
): (body: (ctx: StoreCase<S>) => Promise<void>) => () => Promise<void> {
  return (body) => async () => {
    const ctx = await makeCase();
    try {
      await body(ctx);
    } finally {
      await ctx.cleanup();
    }
  };
}

/** A Clock for memory stores that only moves when a test lets time pass. */
export function fakeClock(start = Date.UTC(2024, 0, 1)): {
  now: Clock;
  passTime: (ms: number) => Promise<void>;
} {
  let ms = start;
  return {
    now: () => ms,
    passTime: async (elapsed) => {
      ms += elapsed;
    },
  };
}
