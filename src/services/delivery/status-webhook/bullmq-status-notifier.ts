import { Queue, Worker } from 'bullmq';
import type { RedisClient } from '../../../infra/redis/redis-connection.js';
import type { Logger } from '../../../shared/logger.js';
import type { MessageRecord } from '../../messages/message-store.js';
import { statusPayload, type StatusNotifier } from './status-notifier.js';
import { postSigned, type WebhookTarget } from './webhook-poster.js';

const QUEUE = 'status-webhooks';

/**
 * Status callbacks through a BullMQ queue shared by every process: a change is enqueued with the
 * write that made it (job id = message id + status, so a repeat is one job), and delivered with
 * exponential backoff until the receiver answers 2xx (about a day of tries).
 */
export class BullmqStatusNotifier implements StatusNotifier {
  private constructor(
    private readonly queue: Queue,
    private readonly worker: Worker,
    private readonly clients: RedisClient[],
    private readonly logger: Logger,
  ) {}

  static async open(options: {
    prefix: string;
    connect: () => Promise<RedisClient>;
    target: WebhookTarget;
    logger: Logger;
  }): Promise<BullmqStatusNotifier> {
    const clients = [await options.connect(), await options.connect()];
    const prefix = `${options.prefix}:{webhooks}`;
    const queue = new Queue(QUEUE, {
      connection: clients[0] as never,
      prefix,
      defaultJobOptions: {
        attempts: 20,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: 1000,
      },
    });
    const worker = new Worker(
      QUEUE,
      async (job) => postSigned(options.target, String(job.data.body)),
      { connection: clients[1] as never, prefix, concurrency: 4 },
    );
    worker.on('error', (error) =>
      options.logger.warn({ err: { message: error.message } }, 'status webhook worker error'),
    );
    worker.on('failed', (job, error) =>
      options.logger.warn(
        { err: { message: error.message }, attempt: job?.attemptsMade },
        'status webhook delivery failed; retrying',
      ),
    );
    return new BullmqStatusNotifier(queue, worker, clients, options.logger);
  }

  async notify(record: MessageRecord): Promise<void> {
    const body = JSON.stringify(statusPayload(record));
    const jobId = `${record.appId}-${record.id}-${record.status}`;
    await this.queue
      .add('post', { body }, { jobId })
      .catch((error: unknown) =>
        this.logger.error(
          { err: error, messageId: record.id, status: record.status },
          'could not enqueue a status webhook',
        ),
      );
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
    for (const client of this.clients) await client.close().catch(() => undefined);
  }
}
