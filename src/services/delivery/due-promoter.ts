import type { Logger } from '../../shared/logger.js';
import { PeriodicTask } from '../../shared/periodic-task.js';
import type { MessageStore } from '../messages/message-store.js';

export interface DuePromoterDeps {
  appId: string;
  messages: MessageStore;
  logger: Logger;
  /** How often due messages are looked for; default 1 s. */
  intervalMs?: number;
  batch?: number;
  now?: () => Date;
}

/**
 * Moves SCHEDULED messages whose sendAt has come to QUEUED. Neither engine tells the log when a
 * delayed job becomes due (BullMQ promotes it inside Redis), so without this a message the rate
 * limit keeps waiting would still read SCHEDULED after its sendAt, and deliveryHealth would count
 * it as scheduled rather than queued. Each move is a compare-and-set from SCHEDULED: a worker
 * claiming the message meanwhile wins, and any number of processes may promote at once.
 */
export class DuePromoter {
  private readonly periodic = new PeriodicTask(
    () => this.promote(),
    (error) => this.deps.logger.warn({ err: error }, 'could not mark due messages QUEUED'),
  );

  constructor(private readonly deps: DuePromoterDeps) {}

  start(): void {
    this.periodic.start(this.deps.intervalMs ?? 1000);
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** One pass; returns how many messages it moved. */
  async promote(): Promise<number> {
    const { deps } = this;
    const now = deps.now?.() ?? new Date();
    const due = await deps.messages.listDue(deps.appId, 'SCHEDULED', now, deps.batch ?? 500);
    let moved = 0;
    for (const message of due) {
      const result = await deps.messages.transition(deps.appId, message.id, ['SCHEDULED'], {
        status: 'QUEUED',
        updatedAt: now,
      });
      if (result.applied) moved++;
    }
    return moved;
  }
}
