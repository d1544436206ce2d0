import type { Page, PageRequest } from '../../../shared/page.js';
import type { LockClaim } from '../../../shared/lock.js';
import type {
  BatchClaim,
  BatchClaimResult,
  CreateOptions,
  MessageFilter,
  MessagePatch,
  MessageRecord,
  MessageStatus,
  MessageStore,
  PendingStatus,
  TransitionResult,
} from '../../messages/message-store.js';
import { REPORTED_STATUSES, type StatusNotifier } from './status-notifier.js';

/**
 * The message log, telling a notifier of every write that puts a message into a reported state:
 * one place sees every state change (engine, direct sends, cancels, the sweeper, push events).
 * An `update` that sets a reported status is reported even if it was already that status: the
 * webhook is at-least-once and its receiver de-duplicates by (messageId, status).
 */
export class NotifyingMessageStore implements MessageStore {
  constructor(
    private readonly inner: MessageStore,
    private readonly notifier: StatusNotifier,
  ) {}

  async create(record: MessageRecord, options?: CreateOptions): Promise<boolean> {
    const created = await this.inner.create(record, options);
    if (created && REPORTED_STATUSES.has(record.status)) await this.notifier.notify(record);
    return created;
  }

  async createMany(records: readonly MessageRecord[]): Promise<boolean[]> {
    const created = await this.inner.createMany(records);
    for (const [i, record] of records.entries())
      if (created[i] && REPORTED_STATUSES.has(record.status)) await this.notifier.notify(record);
    return created;
  }

  /** Claims move into SENDING, which is not reported; an interrupted send becomes UNKNOWN. */
  async claimBatch(
    appId: string,
    claims: readonly BatchClaim[],
    now: Date,
  ): Promise<BatchClaimResult[]> {
    const results = await this.inner.claimBatch(appId, claims, now);
    for (const result of results)
      if (result.kind === 'interrupted') await this.notifier.notify(result.record);
    return results;
  }

  async update(appId: string, id: string, patch: MessagePatch): Promise<MessageRecord> {
    const record = await this.inner.update(appId, id, patch);
    if (patch.status !== undefined && REPORTED_STATUSES.has(record.status))
      await this.notifier.notify(record);
    return record;
  }

  async transition(
    appId: string,
    id: string,
    from: readonly MessageStatus[],
    patch: MessagePatch,
  ): Promise<TransitionResult> {
    const result = await this.inner.transition(appId, id, from, patch);
    if (result.applied && patch.status !== undefined && REPORTED_STATUSES.has(result.record.status))
      await this.notifier.notify(result.record);
    return result;
  }

  /** Moves only into SENDING, which is not reported: nothing to notify. */
  transitionTakingLock(
    appId: string,
    id: string,
    from: readonly MessageStatus[],
    patch: MessagePatch,
    lock: LockClaim,
  ): Promise<TransitionResult | 'busy'> {
    return this.inner.transitionTakingLock(appId, id, from, patch, lock);
  }

  get(appId: string, id: string): Promise<MessageRecord | null> {
    return this.inner.get(appId, id);
  }

  findByMsgid(appId: string, msgid: string): Promise<MessageRecord | null> {
    return this.inner.findByMsgid(appId, msgid);
  }

  list(appId: string, filter: MessageFilter, page: PageRequest): Promise<Page<MessageRecord>> {
    return this.inner.list(appId, filter, page);
  }

  findByKey(appId: string, key: string): Promise<MessageRecord | null> {
    return this.inner.findByKey(appId, key);
  }

  listDue(
    appId: string,
    status: PendingStatus,
    until: Date,
    limit: number,
    offset?: number,
  ): Promise<MessageRecord[]> {
    return this.inner.listDue(appId, status, until, limit, offset);
  }

  listHeldByTrigger(appId: string, name: string, matchKey: string): Promise<MessageRecord[]> {
    return this.inner.listHeldByTrigger(appId, name, matchKey);
  }

  countByCampaign(
    appId: string,
    campaignId: string,
  ): Promise<Partial<Record<MessageStatus, number>>> {
    return this.inner.countByCampaign(appId, campaignId);
  }

  prune(appId: string, before: Date, limit: number): Promise<number> {
    return this.inner.prune(appId, before, limit);
  }
}
