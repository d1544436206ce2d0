import { createClient, type RedisClientType } from '@redis/client';
import type { RedisClient } from './redis-connection.js';

/**
 * A client for BullMQ: its workers block on Redis for seconds at a time, so unlike the stores'
 * client (connectRedis) it has no command timeout and keeps its offline queue; BullMQ itself
 * handles reconnects. One per Queue or Worker.
 */
export async function connectQueueRedis(
  url: string,
  onError?: (error: Error) => void,
): Promise<RedisClient> {
  const client = createClient({
    url,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  }) as unknown as RedisClientType;
  client.on('error', (error: Error) => onError?.(error));
  await client.connect();
  return client;
}
