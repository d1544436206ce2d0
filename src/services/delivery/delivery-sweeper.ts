import type { DistributedLock } from '../../shared/lock.js';
import type { Logger } from '../../shared/logger.js';
import { PeriodicTask } from '../../shared/periodic-task.js';
import { heldUntil, type MessageStore } from '../messages/message-store.js';
import type { DeliveryEngine } from './delivery-engine.js';

export interface DeliverySweeperDeps {
  appId: string;
  messages: MessageStore;
  engine: Pick<DeliveryEngine, 'hasJob' | 'enqueue'>;
  /** One sweep at a time across processes (the Redis lock with Redis). */
  lock: DistributedLock;
  logger: Logger;
  /**
   * How long a message may stay SENDING before it counts as abandoned: longer than a send can
   * take (the WeChat transport timeout with its in-call retries) plus a margin. Default 2 min.
   */
  sendingLeaseMs?: number;
  intervalMs?: number;
  batch?: number;
  now?: () => Date;
}

export interface SweepReport {
  reenqueued: number;
  timedOut: number;
  abandoned: number;
}

/** How many pages of due messages one sweep looks at per status before it lets the next go on. */
const PAGES_PER_SWEEP = 20;

/**
 * Repairs what a crash or an outage left behind, at start and every minute, in one process at a
 * time: due SCHEDULED/QUEUED messages without a job get one again; HELD messages past their
 * timeout (or expiry) are SKIPPED; SENDING messages past the lease (engine sends whose worker
 * died, and direct sends whose process died mid-request) become UNKNOWN: they may have reached
 * WeChat, so they are never resent by themselves.
 */
export class DeliverySweeper {
  private readonly periodic = new PeriodicTask(
    () => this.sweep(),
    (error) => this.deps.logger.warn({ err: error }, 'delivery sweep failed'),
  );

  /** Where the next sweep goes on in each status's due messages (0: from the earliest). */
  private readonly resumeAt = { SCHEDULED: 0, QUEUED: 0 };

  constructor(private readonly deps: DeliverySweeperDeps) {}

  start(): void {
    this.periodic.start(this.deps.intervalMs ?? 60_000, { immediately: true });
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /**
   * Gives due messages of `status` whose job is missing a job again. Most due messages have a
   * job (a big campaign's are thousands, due before anything queued after them), so the sweep
   * pages past them, asks once per batch whether its job is there, and stops after
   * PAGES_PER_SWEEP pages: the next sweep goes on from there, so a lost job behind them is found
   * within a few sweeps instead of once they are all sent. Pages are counted by position: one that
   * moves meanwhile may be skipped this time round.
   */
  private async reenqueueLost(
    status: 'SCHEDULED' | 'QUEUED',
    now: Date,
    batch: number,
  ): Promise<number> {
    const { deps } = this;
    const batchHasJob = new Map<string, boolean>();
    let reenqueued = 0;
    let offset = this.resumeAt[status];
    for (let page = 0; page < PAGES_PER_SWEEP; page++) {
      const due = await deps.messages.listDue(deps.appId, status, now, batch, offset);
      for (const message of due) {
        // A campaign's message is sent by its batch's job, unless handed to a job of its own.
        if (message.batchId !== null) {
          let has = batchHasJob.get(message.batchId);
          if (has === undefined) {
            has = await deps.engine.hasJob(message.batchId);
            batchHasJob.set(message.batchId, has);
          }
          if (has) continue;
        }
        if (await deps.engine.hasJob(message.id)) continue;
        await deps.engine.enqueue(
          message.id,
          now,
          message.campaignId === null ? {} : { priority: 'bulk' },
        );
        reenqueued++;
      }
      offset += due.length;
      if (due.length < batch) {
        offset = 0;
        break;
      }
    }
    this.resumeAt[status] = offset;
    return reenqueued;
  }

  /** One sweep; null when another process holds the sweep lock. */
  async sweep(): Promise<SweepReport | null> {
    const { deps } = this;
    const interval = deps.intervalMs ?? 60_000;
    const handle = await deps.lock.tryAcquire(`delivery-sweep:${deps.appId}`, interval);
    if (!handle) return null;
    try {
      const now = deps.now?.() ?? new Date();
      const batch = deps.batch ?? 500;
      const report: SweepReport = { reenqueued: 0, timedOut: 0, abandoned: 0 };
      for (const status of ['SCHEDULED', 'QUEUED'] as const)
        report.reenqueued += await this.reenqueueLost(status, now, batch);
      for (const message of await deps.messages.listDue(deps.appId, 'HELD', now, batch)) {
        const result = await deps.messages.transition(deps.appId, message.id, ['HELD'], {
          status: 'SKIPPED',
          skipReason: heldUntil(message, now).ending,
          updatedAt: now,
        });
        if (result.applied) report.timedOut++;
      }
      const leaseEnd = new Date(now.getTime() - (deps.sendingLeaseMs ?? 120_000));
      for (const message of await deps.messages.listDue(deps.appId, 'SENDING', leaseEnd, batch)) {
        const result = await deps.messages.transition(deps.appId, message.id, ['SENDING'], {
          status: 'UNKNOWN',
          errmsg: 'still SENDING after its lease: the process sending it stopped; not resent',
          updatedAt: now,
        });
        if (result.applied) report.abandoned++;
      }
      if (report.reenqueued + report.timedOut + report.abandoned > 0)
        deps.logger.info({ ...report }, 'delivery sweep repaired messages');
      return report;
    } finally {
      await handle.release().catch(() => undefined);
    }
  }
}
