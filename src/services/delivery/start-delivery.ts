import type { QuotaPolicy } from '../../config.js';
import type { DistributedLock } from '../../shared/lock.js';
import type { Logger } from '../../shared/logger.js';
import type { Observer } from '../../shared/observer.js';
import type { LedgerStore } from '../ledger/ledger-store.js';
import type { MessageStore } from '../messages/message-store.js';
import { RecurringService } from '../recurring/recurring-service.js';
import type { RecurringScheduleStore } from '../recurring/recurring-store.js';
import type { KeyedMutex } from '../sending/keyed-mutex.js';
import type { SendService, SubscribeMessageSender } from '../sending/send-service.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';
import type { RedisClient } from '../../infra/redis/redis-connection.js';
import { BullmqDeliveryEngine } from './bullmq-delivery-engine.js';
import type { DeliveryEngine, RateLimit } from './delivery-engine.js';
import { DeliveryService } from './delivery-service.js';
import { DeliverySweeper } from './delivery-sweeper.js';
import { MemoryDeliveryEngine } from './memory-delivery-engine.js';
import { DuePromoter } from './due-promoter.js';
import { MessageProcessor, type MessageProcessorDeps } from './message-processor.js';
import type { SentRecorder } from '../sending/sent-recorder.js';

export interface StartDeliveryOptions {
  appId: string;
  messages: MessageStore;
  ledger: LedgerStore;
  recurring: RecurringScheduleStore;
  catalog: TemplateCatalog;
  sender: SubscribeMessageSender;
  sending: Pick<SendService, 'prepare'>;
  userMutex: KeyedMutex;
  quotaPolicy: QuotaPolicy;
  logger: Logger;
  observer?: Observer;
  /** With Redis: BullMQ, each queue and worker on a client of its own from `connect`. */
  queue: { prefix: string; connect: () => Promise<RedisClient> } | null;
  /** The sweeper's lock: one sweep at a time across processes. */
  lock: DistributedLock;
  rateLimit: RateLimit;
  concurrency: number;
  /** Take jobs and sweep in this process (GATEWAY_ROLE all or worker). */
  runWorkers: boolean;
  lockDurationMs?: number;
  sendingLeaseMs?: number;
  sweepIntervalMs?: number;
  /** How often due SCHEDULED messages are marked QUEUED; default 1 s. */
  promoteIntervalMs?: number;
  processor?: Pick<
    MessageProcessorDeps,
    'maxRetries' | 'random' | 'quotaReset' | 'now' | 'campaignGate'
  >;
  /** Records accepted sends (one Redis script with the Redis stores). */
  sentRecorder?: SentRecorder;
}

export interface Delivery {
  service: DeliveryService;
  recurring: RecurringService;
  engine: DeliveryEngine;
  sweeper: DeliverySweeper;
  /** Stops the sweeper and the workers (jobs running finish first), then the queue. */
  close(): Promise<void>;
}

/** Builds the delivery engine for this process: BullMQ with Redis, in-process without. */
export async function startDelivery(options: StartDeliveryOptions): Promise<Delivery> {
  const logger = options.logger.child({ component: 'delivery' });
  const engine: DeliveryEngine = options.queue
    ? await BullmqDeliveryEngine.open({
        appId: options.appId,
        prefix: options.queue.prefix,
        connect: options.queue.connect,
        rateLimit: options.rateLimit,
        concurrency: options.concurrency,
        logger,
        lockDurationMs: options.lockDurationMs,
      })
    : new MemoryDeliveryEngine({
        rateLimit: options.rateLimit,
        concurrency: options.concurrency,
        logger,
      });
  const service = new DeliveryService({
    appId: options.appId,
    messages: options.messages,
    ledger: options.ledger,
    quotaPolicy: options.quotaPolicy,
    sending: options.sending,
    engine,
    logger,
  });
  const recurring = new RecurringService({
    appId: options.appId,
    store: options.recurring,
    messages: options.messages,
    ledger: options.ledger,
    catalog: options.catalog,
    sending: options.sending,
    engine,
    logger,
  });
  const sweeper = new DeliverySweeper({
    appId: options.appId,
    messages: options.messages,
    engine,
    lock: options.lock,
    logger,
    sendingLeaseMs: options.sendingLeaseMs,
    intervalMs: options.sweepIntervalMs,
  });
  const promoter = new DuePromoter({
    appId: options.appId,
    messages: options.messages,
    logger,
    intervalMs: options.promoteIntervalMs,
  });
  if (options.runWorkers) {
    const processor = new MessageProcessor({
      appId: options.appId,
      messages: options.messages,
      ledger: options.ledger,
      catalog: options.catalog,
      sender: options.sender,
      userMutex: options.userMutex,
      quotaPolicy: options.quotaPolicy,
      logger,
      observer: options.observer,
      sentRecorder: options.sentRecorder,
      takeSends: (n, yieldToWaiting) => engine.takeSends(n, yieldToWaiting),
      holdSends: (until, scope) => engine.holdSends(until, scope),
      concurrency: options.concurrency,
      ...options.processor,
    });
    await engine.start((id, info) => processor.process(id, info.attempt), {
      occurrence: async (key, at) => {
        await recurring.runOccurrence(key, at);
      },
      batch: (batch, context) =>
        processor.processBatch(batch, context, (id, at) =>
          engine.enqueue(id, at, { priority: 'bulk' }),
        ),
    });
    sweeper.start();
    promoter.start();
  }
  return {
    service,
    recurring,
    engine,
    sweeper,
    close: async () => {
      await promoter.stop();
      await sweeper.stop();
      await engine.close();
    },
  };
}
