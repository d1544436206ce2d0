import {
  pageFromSorted,
  validatePageSize,
  type Page,
  type PageRequest,
} from '../../shared/page.js';
import { assertAppId } from '../../shared/identifiers.js';
import type { LockClaim } from '../../shared/lock.js';
import {
  assertMessageFields,
  assertMessageFilter,
  assertMessageId,
  assertMessageRecord,
  assertPruneArguments,
  assertDuePage,
  copyMessage,
  copyTrigger,
  decodeMessageCursor,
  DuplicateMessageError,
  DuplicateMessageKeyError,
  dueTime,
  encodeMessageCursor,
  matchesFilter,
  isMessageId,
  MessageNotFoundError,
  type BatchClaim,
  type BatchClaimResult,
  claimOneByOne,
  type CreateOptions,
  type MessageFilter,
  type MessagePatch,
  type MessageRecord,
  type MessageStatus,
  type MessageStore,
  type MessageTrigger,
  PENDING_STATUSES,
  type PendingStatus,
  type TransitionResult,
} from './message-store.js';

/** A patch value as the store keeps it: dates, data and triggers copied, so the caller's stay theirs. */
function ownCopy(name: string, value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (name === 'data') return { ...(value as Record<string, string>) };
  if (name === 'trigger' && value !== null) return copyTrigger(value as MessageTrigger);
  return value;
}

const WAITING: ReadonlySet<MessageStatus> = new Set(['SCHEDULED', 'HELD', 'QUEUED']);
const PENDING_SET: ReadonlySet<MessageStatus> = new Set(PENDING_STATUSES);

interface AppMessages {
  byId: Map<string, MessageRecord>;
  idByMsgid: Map<string, string>;
  idByKey: Map<string, string>;
  /** Per campaign, how many of its messages have each status (kept with every write). */
  campaignCounts: Map<string, Partial<Record<MessageStatus, number>>>;
  /**
   * The ids of the messages in each pending status: the engine looks for due ones every second,
   * and the log holds far more final messages than pending ones.
   */
  pending: Map<MessageStatus, Set<string>>;
}

/** Files a stored message under its status (delta 1) or takes it out (-1): counts and pending ids. */
function track(app: AppMessages, m: MessageRecord, delta: 1 | -1): void {
  countInCampaign(app, m, delta);
  if (!PENDING_SET.has(m.status)) return;
  let ids = app.pending.get(m.status);
  if (ids === undefined) app.pending.set(m.status, (ids = new Set()));
  if (delta === 1) ids.add(m.id);
  else ids.delete(m.id);
}

function countInCampaign(app: AppMessages, m: MessageRecord, delta: 1 | -1): void {
  if (m.campaignId === null) return;
  let counts = app.campaignCounts.get(m.campaignId);
  if (counts === undefined) app.campaignCounts.set(m.campaignId, (counts = {}));
  const n = (counts[m.status] ?? 0) + delta;
  if (n > 0) counts[m.status] = n;
  else delete counts[m.status];
  if (Object.keys(counts).length === 0) app.campaignCounts.delete(m.campaignId);
}

/**
 * Single-process message log, the default when no Redis is configured. Listing filters and sorts
 * the app's messages on each call, which suits development and small deployments; the Redis
 * adapter keeps real indexes. Retention (prune) bounds it, like the Redis log.
 */
export class MemoryMessageStore implements MessageStore {
  private readonly apps = new Map<string, AppMessages>();

  async create(record: MessageRecord, options: CreateOptions = {}): Promise<boolean> {
    assertMessageRecord(record);
    // The lock lives elsewhere: taken first, so that nothing is stored while it is busy (a
    // refused record leaves it taken: its holder frees it).
    if (options.lock && !(await options.lock.tryTake())) return false;
    const app = this.app(record.appId);
    if (app.byId.has(record.id)) throw new DuplicateMessageError(record.appId, record.id);
    if (record.key !== null) {
      const holder = app.idByKey.get(record.key);
      if (holder !== undefined)
        throw new DuplicateMessageKeyError(record.appId, record.key, holder);
      app.idByKey.set(record.key, record.id);
    }
    const stored = copyMessage(record);
    app.byId.set(record.id, stored);
    track(app, stored, 1);
    if (record.msgid !== null) app.idByMsgid.set(record.msgid, record.id);
    return true;
  }

  async createMany(records: readonly MessageRecord[]): Promise<boolean[]> {
    for (const record of records) {
      assertMessageRecord(record);
      if (record.key !== null) throw new Error('createMany stores records without a caller key');
    }
    const created: boolean[] = [];
    for (const record of records) {
      if (this.app(record.appId).byId.has(record.id)) created.push(false);
      else created.push(await this.create(record));
    }
    return created;
  }

  claimBatch(appId: string, claims: readonly BatchClaim[], now: Date): Promise<BatchClaimResult[]> {
    return claimOneByOne(this, appId, claims, now);
  }

  async findByKey(appId: string, key: string): Promise<MessageRecord | null> {
    assertAppId(appId);
    const app = this.apps.get(appId);
    const id = app?.idByKey.get(key);
    const found = id === undefined ? undefined : app?.byId.get(id);
    return found === undefined ? null : copyMessage(found);
  }

  async transition(
    appId: string,
    id: string,
    from: readonly MessageStatus[],
    patch: MessagePatch,
  ): Promise<TransitionResult> {
    assertAppId(appId);
    assertMessageId(id);
    assertMessageFields(patch, false);
    const app = this.apps.get(appId);
    const current = app?.byId.get(id);
    if (current === undefined) return { applied: false, record: null };
    if (!from.includes(current.status)) return { applied: false, record: copyMessage(current) };
    return { applied: true, record: this.apply(app!, current, patch) };
  }

  async transitionTakingLock(
    appId: string,
    id: string,
    from: readonly MessageStatus[],
    patch: MessagePatch,
    lock: LockClaim,
  ): Promise<TransitionResult | 'busy'> {
    // The lock lives elsewhere: taken first, so that nothing changes while it is busy.
    if (!(await lock.tryTake())) return 'busy';
    return this.transition(appId, id, from, patch);
  }

  async listDue(
    appId: string,
    status: PendingStatus,
    until: Date,
    limit: number,
    offset = 0,
  ): Promise<MessageRecord[]> {
    assertAppId(appId);
    assertDuePage(limit, offset);
    return this.pendingOf(appId, status)
      .filter((m) => (dueTime(m) ?? Infinity) <= until.getTime())
      .sort((a, b) => dueTime(a)! - dueTime(b)! || (a.id < b.id ? -1 : 1))
      .slice(offset, offset + limit)
      .map(copyMessage);
  }

  async listHeldByTrigger(appId: string, name: string, matchKey: string): Promise<MessageRecord[]> {
    assertAppId(appId);
    return this.pendingOf(appId, 'HELD')
      .filter((m) => m.trigger?.name === name && m.trigger.matchKey === matchKey)
      .map(copyMessage);
  }

  async update(appId: string, id: string, patch: MessagePatch): Promise<MessageRecord> {
    assertAppId(appId);
    assertMessageId(id);
    assertMessageFields(patch, false);
    const app = this.app(appId);
    const existing = app.byId.get(id);
    if (existing === undefined) throw new MessageNotFoundError(appId, id);
    return this.apply(app, existing, patch);
  }

  /**
   * Replaces a stored message by it with the (already checked) patch applied; returns a copy.
   * The stored record's own dates and data are never handed out, so the new one may share them;
   * only what comes from the patch is copied in.
   */
  private apply(app: AppMessages, existing: MessageRecord, patch: MessagePatch): MessageRecord {
    const next: MessageRecord = { ...existing };
    const target = next as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(patch)) {
      if (value !== undefined) target[name] = ownCopy(name, value);
    }
    const id = existing.id;
    app.byId.set(id, next);
    if (existing.status !== next.status || existing.campaignId !== next.campaignId) {
      track(app, existing, -1);
      track(app, next, 1);
    }
    if (existing.msgid !== next.msgid) {
      if (existing.msgid !== null && app.idByMsgid.get(existing.msgid) === id)
        app.idByMsgid.delete(existing.msgid);
      if (next.msgid !== null) app.idByMsgid.set(next.msgid, id);
    }
    return copyMessage(next);
  }

  async countByCampaign(
    appId: string,
    campaignId: string,
  ): Promise<Partial<Record<MessageStatus, number>>> {
    assertAppId(appId);
    return { ...this.apps.get(appId)?.campaignCounts.get(campaignId) };
  }

  async get(appId: string, id: string): Promise<MessageRecord | null> {
    assertAppId(appId);
    if (!isMessageId(id)) return null;
    const found = this.apps.get(appId)?.byId.get(id);
    return found === undefined ? null : copyMessage(found);
  }

  async findByMsgid(appId: string, msgid: string): Promise<MessageRecord | null> {
    assertAppId(appId);
    const app = this.apps.get(appId);
    const id = app?.idByMsgid.get(msgid);
    const found = id === undefined ? undefined : app?.byId.get(id);
    return found === undefined ? null : copyMessage(found);
  }

  async list(
    appId: string,
    filter: MessageFilter,
    page: PageRequest,
  ): Promise<Page<MessageRecord>> {
    assertAppId(appId);
    assertMessageFilter(filter);
    const first = validatePageSize(page.first);
    const after = page.after ? decodeMessageCursor(page.after) : null;
    const matching = [...(this.apps.get(appId)?.byId.values() ?? [])]
      .filter((m) => matchesFilter(m, filter))
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const result = pageFromSorted(matching, (m) => m.id, first, after, encodeMessageCursor, true);
    return { ...result, items: result.items.map(copyMessage) };
  }

  async prune(appId: string, before: Date, limit: number): Promise<number> {
    assertAppId(appId);
    assertPruneArguments(before, limit);
    const app = this.apps.get(appId);
    if (app === undefined) return 0;
    const old = [...app.byId.values()]
      // Still waiting to be sent: a send may be scheduled further ahead than the retention.
      .filter((m) => m.createdAt.getTime() < before.getTime() && !WAITING.has(m.status))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .slice(0, limit);
    for (const m of old) {
      app.byId.delete(m.id);
      track(app, m, -1);
      if (m.msgid !== null && app.idByMsgid.get(m.msgid) === m.id) app.idByMsgid.delete(m.msgid);
      if (m.key !== null && app.idByKey.get(m.key) === m.id) app.idByKey.delete(m.key);
    }
    return old.length;
  }

  private pendingOf(appId: string, status: PendingStatus): MessageRecord[] {
    const app = this.apps.get(appId);
    return [...(app?.pending.get(status) ?? [])].map((id) => app!.byId.get(id)!);
  }

  private app(appId: string): AppMessages {
    let app = this.apps.get(appId);
    if (app === undefined) {
      app = {
        byId: new Map(),
        idByMsgid: new Map(),
        idByKey: new Map(),
        campaignCounts: new Map(),
        pending: new Map(),
      };
      this.apps.set(appId, app);
    }
    return app;
  }
}
