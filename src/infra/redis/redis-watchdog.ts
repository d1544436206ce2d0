import type { RedisClient } from './redis-connection.js';

export class RedisHungError extends Error {
  constructor(timeoutMs: number) {
    super(`Redis answered nothing for ${timeoutMs} ms with its connection open: connection reset`);
    this.name = 'RedisHungError';
  }
}

/**
 * Bounds how long a command can wait for Redis, with one timer per connection instead of one per
 * command. Redis answers a connection's commands in order, so a probe (PING) that stays
 * unanswered past `timeoutMs` means every command sent before or after it is stuck too: the
 * watchdog then drops the connection, which fails those commands at once (as an outage), and
 * connects anew; until the new connection is ready, commands fail fast (no offline queue).
 * A command therefore waits at most about `timeoutMs` plus two probe intervals.
 *
 * Why not @redis/client's own `commandOptions.timeout`: it costs an AbortSignal.timeout per
 * command, and it only runs until the command is written to the socket; a Redis that hangs with
 * its socket open takes the writes into its receive buffer and never answers them.
 */
export class RedisWatchdog {
  private readonly timer: NodeJS.Timeout;
  private probeSentAt: number | null = null;

  constructor(
    private readonly client: RedisClient,
    private readonly timeoutMs: number,
    private readonly onHung: (error: RedisHungError) => void = () => undefined,
  ) {
    this.timer = setInterval(() => this.tick(), Math.max(10, Math.floor(timeoutMs / 4)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const { client } = this;
    // Closed by its owner (shutdown): nothing left to watch.
    if (!client.isOpen) return this.stop();
    if (this.probeSentAt !== null) {
      if (Date.now() - this.probeSentAt >= this.timeoutMs) this.reset();
      return;
    }
    if (!client.isReady) return;
    const sentAt = Date.now();
    this.probeSentAt = sentAt;
    const answered = () => {
      if (this.probeSentAt === sentAt) this.probeSentAt = null;
    };
    client.ping().then(answered, answered);
  }

  private reset(): void {
    this.probeSentAt = null;
    this.onHung(new RedisHungError(this.timeoutMs));
    // destroy() fails every queued and in-flight command (DisconnectsClientError, an outage to
    // callers). Reopening in the same turn means nobody else sees the client closed and tries
    // to connect it (Keyv would).
    this.client.destroy();
    this.client.connect().catch(() => undefined);
  }
}

/** Starts watching `client`; the watchdog stops by itself once the client is closed. */
export function watchRedis(
  client: RedisClient,
  timeoutMs: number,
  onHung?: (error: RedisHungError) => void,
): RedisWatchdog {
  return new RedisWatchdog(client, timeoutMs, onHung);
}
