import { createClient, type RedisClientType } from '@redis/client';

export type RedisClient = RedisClientType;

export interface RedisConnectionOptions {
  url: string;
  /** How long a command may wait before it fails: a down Redis must not stall sends. */
  commandTimeoutMs?: number;
  onError?: (error: Error) => void;
}

/**
 * One client per process, shared by Keyv and by the stores that need real Redis structures.
 * The offline queue is disabled so that commands fail fast while Redis is unreachable instead of
 * piling up, and reconnection backs off to one attempt every 2 s.
 */
export async function connectRedis(options: RedisConnectionOptions): Promise<RedisClient> {
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    commandOptions: { timeout: options.commandTimeoutMs ?? 2000 },
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  }) as unknown as RedisClientType;
  client.on('error', (error: Error) => options.onError?.(error));
  await client.connect();
  return client;
}
