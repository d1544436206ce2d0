import { createClient, type RedisClientType } from '@redis/client';
import { watchRedis } from './redis-watchdog.js';
import type { Logger } from '../../shared/logger.js';

export type RedisClient = RedisClientType;

export interface RedisConnectionOptions {
  url: string;
  /**
   * How long a command may wait for its answer before the connection is dropped and the command
   * fails: a down or hung Redis must not stall sends. Default 2000.
   */
  commandTimeoutMs?: number;
  onError?: (error: Error) => void;
  /** How long the first connection may take before start-up fails; default 5000. */
  startupTimeoutMs?: number;
}

/**
 * One client per process, shared by Keyv and by the stores that need real Redis structures.
 * The offline queue is disabled so that commands fail fast while Redis is unreachable instead of
 * piling up, and reconnection backs off to one attempt every 2 s. Commands are bounded by one
 * watchdog per connection (redis-watchdog.ts), not by a timer per command.
 */
export async function connectRedis(options: RedisConnectionOptions): Promise<RedisClient> {
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  }) as unknown as RedisClientType;
  let lastError: Error | null = null;
  // Until the first connection, an error is start-up's to report (once, as the thrown error),
  // not a log line per retry printed beside it.
  let connected = false;
  client.on('error', (error: Error) => {
    lastError = error;
    if (connected) options.onError?.(error);
  });
  // connect() keeps retrying through the reconnect strategy; at start-up a Redis that is not
  // there should be a clear error, not a process that hangs.
  const timeoutMs = options.startupTimeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        client.once('error', reject);
      }),
    ]);
    connected = true;
    watchRedis(client, options.commandTimeoutMs ?? 2000, (error) => options.onError?.(error));
    return client;
  } catch {
    client.destroy();
    const reason = (lastError as Error | null)?.message || `no answer within ${timeoutMs} ms`;
    throw new Error(`Cannot connect to Redis at ${redactUrl(options.url)}: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}

/** The URL without its password, fit for an error message. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'REDIS_URL';
  }
}

/**
 * An onError for connectRedis that warns once per distinct error: a Redis that is down repeats
 * the same error on every reconnect attempt, which would otherwise be a line each time.
 */
export function warnOnNewError(logger: Logger): (error: Error) => void {
  let last = '';
  return (error) => {
    if (error.message !== last)
      logger.warn({ err: { message: error.message } }, 'redis connection error');
    last = error.message;
  };
}
