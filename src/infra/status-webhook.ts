import type { Config } from '../config.js';
import type { Logger } from '../shared/logger.js';
import { BullmqStatusNotifier } from '../services/delivery/status-webhook/bullmq-status-notifier.js';
import { MemoryStatusNotifier } from '../services/delivery/status-webhook/memory-status-notifier.js';
import { NotifyingMessageStore } from '../services/delivery/status-webhook/notifying-message-store.js';
import { NotifyingSentRecorder } from '../services/delivery/status-webhook/notifying-sent-recorder.js';
import { connectQueueRedis } from './redis/queue-connection.js';
import type { Stores } from './stores.js';

/**
 * With STATUS_WEBHOOK_URL: the stores, their message log reporting every final state change to
 * the webhook (through a BullMQ queue with Redis, so delivery survives restarts); unchanged
 * otherwise. `close` stops the deliveries.
 */
export async function withStatusWebhook(
  config: Config,
  stores: Stores,
  logger: Logger,
): Promise<{ stores: Stores; close: () => Promise<void> }> {
  const target = config.statusWebhook;
  if (!target) return { stores, close: async () => undefined };
  const log = logger.child({ component: 'status-webhook' });
  const redisUrl = config.redisUrl;
  const notifier = redisUrl
    ? await BullmqStatusNotifier.open({
        prefix: config.redisPrefix,
        connect: () => connectQueueRedis(redisUrl),
        target,
        logger: log,
      })
    : new MemoryStatusNotifier(target, log);
  return {
    stores: {
      ...stores,
      messages: new NotifyingMessageStore(stores.messages, notifier),
      sentRecorder: new NotifyingSentRecorder(stores.sentRecorder, notifier),
    },
    close: () => notifier.close(),
  };
}
