import type { DistributedLock } from '../../shared/lock.js';
import type { Logger } from '../../shared/logger.js';
import type { DeliveryEngine } from '../delivery/delivery-engine.js';
import { MAX_HOLDER_PAGE, type LedgerStore } from '../ledger/ledger-store.js';
import {
  type MessageRecord,
  type MessageStatus,
  type MessageStore,
  unsentFields,
} from '../messages/message-store.js';
import { PENDING } from './campaign-progress.js';
import {
  campaignMessageId,
  type CampaignPatch,
  type CampaignRecord,
  type CampaignStatus,
  type CampaignStore,
} from './campaign-store.js';
import { requeueHeldMessages } from './requeue-held.js';

export interface CampaignRunnerDeps {
  appId: string;
  campaigns: CampaignStore;
  messages: MessageStore;
  ledger: LedgerStore;
  engine: DeliveryEngine;
  /** One process drives a campaign at a time (the Redis lock with Redis). */
  lock: DistributedLock;
  logger: Logger;
  /** Pause between rounds when no campaign had work; default 100 ms. */
  tickMs?: number;
  /** How long a campaign stays locked to a runner that stopped mid-round; default 15 s. */
  lockTtlMs?: number;
  now?: () => Date;
}

/** Ledger pages per round while fixing the audience (MAX_HOLDER_PAGE holders each). */
const AUDIENCE_PAGES_PER_ROUND = 20;
/** Messages created per round at most, whatever the rate. */
const MAX_BATCH = 1000;
/** Recipients per engine job: one job to queue and finish for this many sends. */
const BATCH_SIZE = 50;
/** The lock outlives any round; a runner that died frees its campaigns after this. */
const DEFAULT_LOCK_TTL_MS = 15_000;

/**
 * Drives the campaigns of one app, in every worker process, one process per campaign at a time:
 * starts them at startAt, fixes the audience (credit holders, paged through the ledger with the
 * cursor saved after each page), fans out at ratePerSecond (messages created with ids derived
 * from campaign and openid, then queued at bulk priority, the position saved after each batch),
 * follows the daily-quota pause, skips the rest of a cancelled campaign and completes it when
 * every recipient's message is final. Everything it knows is in the stores, so a restarted
 * process carries on where a dead one stopped.
 */
export class CampaignRunner {
  private readonly now: () => Date;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(private readonly deps: CampaignRunnerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /** One round over the app's unfinished campaigns; true when one of them had more to do. */
  async round(): Promise<boolean> {
    const { deps } = this;
    const open = await deps.campaigns.listUnfinished(deps.appId);
    if (open.length === 0) return false;
    const engineStatus = await deps.engine.status();
    let busy = false;
    for (const campaign of open) {
      if (this.stopped && this.loop) break;
      const handle = await deps.lock.tryAcquire(
        `campaign:${campaign.id}`,
        deps.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
      );
      if (!handle) continue;
      try {
        const fresh = await deps.campaigns.get(campaign.id);
        if (fresh && fresh.finishedAt === null)
          busy = (await this.step(fresh, engineStatus.pausedUntil)) || busy;
      } catch (error) {
        deps.logger.warn({ err: error, campaignId: campaign.id }, 'campaign round failed');
      } finally {
        await handle.release().catch(() => undefined);
      }
    }
    return busy;
  }

  private async run(): Promise<void> {
    // A store outage fails every round, ten a second per app: it is logged when it starts and
    // when it ends, not once a round.
    let failedRounds = 0;
    while (!this.stopped) {
      let busy = false;
      try {
        busy = await this.round();
        if (failedRounds > 0)
          this.deps.logger.info(
            { failedRounds },
            `campaign runner recovered after ${failedRounds} failed rounds`,
          );
        failedRounds = 0;
      } catch (error) {
        if (failedRounds === 0)
          this.deps.logger.warn(
            { err: error },
            'campaign runner round failed; retrying every round, logging again once it succeeds',
          );
        failedRounds += 1;
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, busy ? 0 : (this.deps.tickMs ?? 100));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private async step(c: CampaignRecord, quotaUntil: Date | null): Promise<boolean> {
    const now = this.now();
    switch (c.status) {
      case 'SCHEDULED':
        if (c.startAt && c.startAt > now) return false;
        await this.move(c, ['SCHEDULED'], {
          status: 'RUNNING',
          startedAt: now,
          pacedSince: now,
          pacedFrom: c.fannedOut,
        });
        this.deps.logger.info({ campaignId: c.id }, 'campaign started');
        return true;
      case 'RUNNING':
        if (quotaUntil) {
          await this.move(c, ['RUNNING'], { status: 'PAUSED_QUOTA' });
          this.deps.logger.warn(
            { campaignId: c.id, until: quotaUntil.toISOString() },
            'daily quota used up: campaign paused until it resets',
          );
          return false;
        }
        if (c.total === null) return this.fixAudience(c);
        if (c.fannedOut < c.total) return this.fanOut(c, now);
        return this.completeWhenDone(c, 'RUNNING', { status: 'COMPLETED' });
      case 'PAUSED_QUOTA': {
        if (quotaUntil) return false;
        const resumed = await this.move(c, ['PAUSED_QUOTA'], {
          status: 'RUNNING',
          pacedSince: now,
          pacedFrom: c.fannedOut,
        });
        if (resumed) await requeueHeldMessages(this.deps, c, new Date(now.getTime() + 1000));
        this.deps.logger.info({ campaignId: c.id }, 'daily quota reset: campaign resumed');
        return true;
      }
      case 'CANCELLED':
        return this.skipRest(c, now);
      default:
        return false; // PAUSED: the gate holds its queued sends; COMPLETED is finished
    }
  }

  /** Lists credit holders into the audience, a page at a time, the cursor saved with each page. */
  private async fixAudience(c: CampaignRecord): Promise<boolean> {
    const { deps } = this;
    let cursor = c.audienceCursor;
    for (let i = 0; i < AUDIENCE_PAGES_PER_ROUND; i++) {
      const page = await deps.ledger.creditHolders(c.appId, c.templateId, {
        first: MAX_HOLDER_PAGE,
        after: cursor,
      });
      const { openids } = page;
      const next = page.endCursor ?? cursor;
      const fix = !page.hasNextPage;
      if (!(await deps.campaigns.appendAudience(c.id, cursor, openids, { cursor: next, fix })))
        return false; // another process moved on meanwhile
      if (fix) {
        deps.logger.info({ campaignId: c.id }, 'campaign audience fixed');
        return true;
      }
      cursor = next;
    }
    return true;
  }

  /** Creates and queues the next recipients' messages at ratePerSecond. */
  private async fanOut(c: CampaignRecord, now: Date): Promise<boolean> {
    const { deps } = this;
    const total = c.total!;
    let pacedSince = c.pacedSince ?? now;
    let pacedFrom = c.pacedFrom;
    const rate = c.ratePerSecond;
    let due = pacedFrom + Math.floor((rate * (now.getTime() - pacedSince.getTime())) / 1000) + 1;
    if (due - c.fannedOut > rate) {
      // Behind by more than a second (a stall, a pause, a takeover): no burst to catch up.
      pacedSince = now;
      pacedFrom = c.fannedOut;
      due = c.fannedOut + 1;
    }
    const count = Math.min(due - c.fannedOut, total - c.fannedOut, MAX_BATCH);
    if (count <= 0) return false;
    if (await this.backlogged(c)) return false;
    const openids = await deps.campaigns.audience(c.id, c.fannedOut, count);
    await this.createMessages(c, c.fannedOut, openids, now, 'QUEUED');
    await deps.campaigns.transition(c.id, null, {
      fannedOut: c.fannedOut + openids.length,
      pacedSince,
      pacedFrom,
    });
    return count === MAX_BATCH;
  }

  /**
   * Whether the queue is more than two seconds of the campaign's rate behind: its rate is an
   * upper bound, and a campaign the app's limit cannot keep up with should not fill the queue.
   */
  private async backlogged(c: CampaignRecord): Promise<boolean> {
    const window = Math.max(2 * c.ratePerSecond, 200);
    if (c.fannedOut < window) return false;
    const [openid] = await this.deps.campaigns.audience(c.id, c.fannedOut - window, 1);
    if (openid === undefined) return false;
    const message = await this.deps.messages.get(c.appId, campaignMessageId(c, openid));
    return message?.status === 'QUEUED';
  }

  /**
   * Creates the messages of the recipients from audience position `start` on, a batch at a time:
   * QUEUED ones with one engine job per batch, whose id follows from the position, so a round
   * repeated after a restart makes the same batches (a message that exists is left as it is, and
   * a batch job that exists is kept). One batch after the other: all of a round's batches at once
   * held Redis (one script per batch) and this process (building every record) for as long as
   * they took, while the sends already queued waited behind them; one at a time still creates
   * thousands of messages a second.
   */
  private async createMessages(
    c: CampaignRecord,
    start: number,
    openids: readonly string[],
    now: Date,
    status: 'QUEUED' | 'SKIPPED',
  ): Promise<void> {
    const { deps } = this;
    for (let i = 0; i < openids.length; i += BATCH_SIZE) {
      const chunk = openids.slice(i, i + BATCH_SIZE);
      const batchId = status === 'QUEUED' ? `batch-${c.id}-${start + i}` : null;
      const records = chunk.map((openid) => recipientMessage(c, openid, now, status, batchId));
      await deps.messages.createMany(records);
      if (batchId === null) continue;
      const entries = records.map((r) => ({ id: r.id, openid: r.openid }));
      await deps.engine
        .enqueueBatch({ id: batchId, campaignId: c.id, entries }, now)
        .catch((error: unknown) =>
          deps.logger.warn(
            { err: error, campaignId: c.id, batchId },
            'could not queue a batch of campaign messages; the sweeper will',
          ),
        );
    }
  }

  /** Cancelled: every recipient not sent to yet ends SKIPPED CAMPAIGN_CANCELLED. */
  private async skipRest(c: CampaignRecord, now: Date): Promise<boolean> {
    const { deps } = this;
    if (c.total === null) {
      // Cancelled while the audience was being listed: the audience is what was listed.
      await deps.campaigns.appendAudience(c.id, c.audienceCursor, [], {
        cursor: c.audienceCursor,
        fix: true,
      });
      return true;
    }
    const queued = await deps.messages.list(
      c.appId,
      { campaignId: c.id, statuses: ['QUEUED', 'SCHEDULED'] },
      { first: 100 },
    );
    for (const m of queued.items) {
      const result = await deps.messages.transition(c.appId, m.id, ['QUEUED', 'SCHEDULED'], {
        status: 'SKIPPED',
        skipReason: 'CAMPAIGN_CANCELLED',
        updatedAt: now,
      });
      if (result.applied) await deps.engine.remove(m.id).catch(() => undefined);
    }
    if (queued.hasNextPage) return true;
    if (c.fannedOut < c.total) {
      const openids = await deps.campaigns.audience(c.id, c.fannedOut, MAX_BATCH);
      await this.createMessages(c, c.fannedOut, openids, now, 'SKIPPED');
      await deps.campaigns.transition(c.id, null, { fannedOut: c.fannedOut + openids.length });
      return true;
    }
    return this.completeWhenDone(c, 'CANCELLED', {});
  }

  /** Finishes the campaign once no message of it is pending (the store keeps the counts). */
  private async completeWhenDone(
    c: CampaignRecord,
    from: CampaignStatus,
    patch: CampaignPatch,
  ): Promise<boolean> {
    const counts = await this.deps.messages.countByCampaign(c.appId, c.id);
    const created = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    const pending = PENDING.reduce((n, s: MessageStatus) => n + (counts[s] ?? 0), 0);
    if (created < (c.total ?? 0) || pending > 0) return false;
    await this.move(c, [from], { ...patch, finishedAt: this.now() });
    this.deps.logger.info({ campaignId: c.id, status: patch.status ?? from }, 'campaign finished');
    return false;
  }

  private async move(
    c: CampaignRecord,
    from: readonly CampaignStatus[],
    patch: CampaignPatch,
  ): Promise<boolean> {
    const result = await this.deps.campaigns.transition(c.id, from, {
      ...patch,
      updatedAt: this.now(),
    });
    return result.applied;
  }
}

/** A recipient's message: its id follows from campaign and openid, so it is never made twice. */
function recipientMessage(
  c: CampaignRecord,
  openid: string,
  now: Date,
  status: 'QUEUED' | 'SKIPPED',
  batchId: string | null,
): MessageRecord {
  return {
    id: campaignMessageId(c, openid),
    appId: c.appId,
    openid,
    templateId: c.templateId,
    status,
    ...unsentFields(now),
    data: { ...c.data },
    page: c.page,
    miniprogramState: c.miniprogramState,
    lang: c.lang,
    key: null,
    sendAt: status === 'QUEUED' ? now : null,
    expiresAt: c.expiresAt,
    trigger: null,
    skipReason: status === 'SKIPPED' ? 'CAMPAIGN_CANCELLED' : null,
    campaignId: c.id,
    scheduleKey: null,
    inputHash: null,
    batchId,
    sendingJob: null,
    updatedAt: now,
  };
}
