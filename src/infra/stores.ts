import type { RedisClient } from './redis/redis-connection.js';
import type { LedgerStore } from '../services/ledger/ledger-store.js';
import type { MessageStore } from '../services/messages/message-store.js';
import type { IdempotencyStore } from '../services/sending/idempotency/idempotency-store.js';
import type { PushDedup } from '../services/push/dedup-store/push-dedup.js';
import type { RecurringScheduleStore } from '../services/recurring/recurring-store.js';
import { MemoryRecurringScheduleStore } from '../services/recurring/memory-recurring-store.js';
import { RedisRecurringScheduleStore } from '../services/recurring/redis-recurring-store.js';
import { MemoryLedgerStore } from '../services/ledger/memory-ledger-store.js';
import { RedisLedgerStore } from '../services/ledger/redis-ledger-store.js';
import { MemoryMessageStore } from '../services/messages/memory-message-store.js';
import { RedisMessageStore } from '../services/messages/redis-message-store.js';
import { MemoryIdempotencyStore } from '../services/sending/idempotency/memory-idempotency-store.js';
import { RedisIdempotencyStore } from '../services/sending/idempotency/redis-idempotency-store.js';
import { MemoryPushDedup } from '../services/push/dedup-store/memory-push-dedup.js';
import { RedisPushDedup } from '../services/push/dedup-store/redis-push-dedup.js';
import { withOutageErrors } from './redis/store-unavailable.js';
import { RedisSentRecorder } from '../services/sending/redis-sent-recorder.js';
import { SeparateSentRecorder, type SentRecorder } from '../services/sending/sent-recorder.js';

/** Every storage port the gateway needs, from one backend. */
export interface Stores {
  ledger: LedgerStore;
  messages: MessageStore;
  idempotency: IdempotencyStore;
  pushDedup: PushDedup;
  recurring: RecurringScheduleStore;
  /** Marks a send SENT and counts it in the ledger: one script with Redis. */
  sentRecorder: SentRecorder;
}

/** In-process stores: the default without Redis. `now` (ms) drives TTL expiry, for tests. */
export function createMemoryStores(opts: { now?: () => number } = {}): Stores {
  const now = opts.now ?? Date.now;
  const ledger = new MemoryLedgerStore();
  const messages = new MemoryMessageStore();
  return {
    ledger,
    messages,
    idempotency: new MemoryIdempotencyStore({ now }),
    pushDedup: new MemoryPushDedup({ now }),
    recurring: new MemoryRecurringScheduleStore(),
    sentRecorder: new SeparateSentRecorder(messages, ledger),
  };
}

/** Redis-backed stores sharing one client; every key starts with `${prefix}:`. */
export function createRedisStores(client: RedisClient, prefix: string): Stores {
  if (!/^[A-Za-z0-9_:.-]+$/.test(prefix)) {
    throw new Error(
      `Redis key prefix must be non-empty and use only A-Z a-z 0-9 _ : . -, got ${JSON.stringify(prefix)}`,
    );
  }
  const options = { client, prefix };
  return {
    ledger: withOutageErrors(new RedisLedgerStore(options)),
    messages: withOutageErrors(new RedisMessageStore(options)),
    idempotency: withOutageErrors(new RedisIdempotencyStore(options)),
    pushDedup: withOutageErrors(new RedisPushDedup(options)),
    recurring: withOutageErrors(new RedisRecurringScheduleStore(options)),
    sentRecorder: withOutageErrors(new RedisSentRecorder(options)),
  };
}
