import type { Logger } from '../../../shared/logger.js';
import type { MessageRecord } from '../../messages/message-store.js';
import { statusPayload, type StatusNotifier } from './status-notifier.js';
import { postSigned, type WebhookTarget } from './webhook-poster.js';

/** Status callbacks from this process, retried with backoff while it lives (not durable). */
export class MemoryStatusNotifier implements StatusNotifier {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly target: WebhookTarget,
    private readonly logger: Logger,
    private readonly maxAttempts = 20,
  ) {}

  async notify(record: MessageRecord): Promise<void> {
    this.attempt(JSON.stringify(statusPayload(record)), 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private attempt(body: string, attempt: number): void {
    if (this.closed) return;
    postSigned(this.target, body).catch((error: unknown) => {
      if (attempt + 1 >= this.maxAttempts || this.closed) {
        this.logger.error({ err: error }, 'status webhook given up');
        return;
      }
      const delay = Math.min(3_600_000, 1000 * 2 ** attempt);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.attempt(body, attempt + 1);
      }, delay);
      timer.unref?.();
      this.timers.add(timer);
    });
  }
}
