import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { connectRedis, type RedisClient } from '../../src/infra/redis/redis-connection.js';

export const benchRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether something accepts TCP connections at the Redis URL. Checked before connectRedis,
 * whose reconnect strategy would otherwise keep a bench without Redis waiting forever.
 */
async function reachable(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port || 6379), hostname.replace(/^\[|\]$/g, ''), () => done(true));
  });
}

/** A connected client when Redis answers PING, otherwise null (the Redis rows are skipped). */
export async function connectBenchRedis(): Promise<RedisClient | null> {
  if (!(await reachable(benchRedisUrl))) return null;
  const client = await connectRedis({ url: benchRedisUrl });
  await client.ping();
  return client;
}

export function benchPrefix(label: string): string {
  return `wsgbench:${label}:${randomBytes(6).toString('hex')}`;
}

/** Deletes every key under `prefix`; never FLUSHALL, the Redis may be shared. */
export async function deletePrefix(client: RedisClient, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) deleted += await client.del(keys);
  }
  return deleted;
}
