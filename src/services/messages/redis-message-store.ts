// Key layout (base = `${prefix}:{${appId}}:msg`; the braces are a Redis Cluster hash tag, so
// every key of one app lives in one slot and the scripts below may touch them together):
//   ${base}:rec:${id}                 hash    one message; dates as epoch ms, `data` as JSON,
//                                             null fields absent
//   ${base}:msgid                     hash    WeChat msgid → message id (findByMsgid in O(1))
//   ${base}:idx:all                   zset    every message of the app
//   ${base}:idx[:o:${openid}][:t:${templateId}][:s:${status}]
//                                     zset    one per non-empty subset of the three filters, so
//                                             every filter is a single sorted set
//   ${base}:idx:c:${campaignId}       zset    a campaign's messages
//   ${base}:cstat:${campaignId}       hash    status → how many of the campaign's messages have it
//   ${base}:idx:r:${scheduleKey}      zset    a recurring schedule's occurrences
//   ${base}:key                       hash    caller key → message id (unique per app)
//   ${base}:due:${status}             zset    pending messages (SCHEDULED HELD QUEUED SENDING),
//                                             scored by due time in epoch ms (see dueTime)
//   ${base}:held:${name}:${matchKey}  set     HELD messages waiting for one trigger
// Every idx zset has score 0 and the message id as member: ids are time-ordered, so reverse lexical
// order is newest first and a cursor is a BYLEX bound. `:` and `%` in openid/templateId are
// %-escaped in keys. Writes go through Lua (redis-message-scripts.ts) so that record, indexes and
// msgid map change together. Nothing expires by TTL: prune (retention) removes old messages.
import type { RedisClient } from '../../infra/redis/redis-connection.js';
import { validatePageSize, type Page, type PageRequest } from '../../shared/page.js';
import { assertAppId } from '../../shared/identifiers.js';
import type { LuaReply } from '../../infra/redis/redis-lua.js';
import type { LockClaim } from '../../shared/lock.js';
import {
  assertMessageFields,
  assertMessageFilter,
  assertMessageId,
  assertMessageRecord,
  assertPruneArguments,
  assertDuePage,
  type BatchClaim,
  type BatchClaimResult,
  claimOneByOne,
  type CreateOptions,
  DUE_SLACK_MS,
  INTERRUPTED_SEND,
  decodeMessageCursor,
  admittedStatuses,
  DuplicateMessageError,
  DuplicateMessageKeyError,
  encodeMessageCursor,
  matchesFilter,
  isMessageId,
  MessageNotFoundError,
  messageIdTimePrefix,
  type MessageFilter,
  type MessagePatch,
  type MessageRecord,
  type MessageTrigger,
  type SkipReason,
  type MessageStatus,
  type MessageStore,
  type PendingStatus,
  type TransitionResult,
} from './message-store.js';
import {
  claimBatchMessages,
  countCampaignMessages,
  createManyMessages,
  createMessage,
  createMessageTakingLock,
  listDueMessages,
  listHeldMessages,
  listMessages,
  pruneMessages,
  updateMessage,
  updateMessageTakingLock,
} from './redis-message-scripts.js';

export interface RedisMessageStoreOptions {
  client: RedisClient;
  /** Namespace of every key; messages live under `${prefix}:{${appId}}:msg:`. */
  prefix: string;
}

export class RedisMessageStore implements MessageStore {
  constructor(private readonly options: RedisMessageStoreOptions) {}

  async create(record: MessageRecord, options: CreateOptions = {}): Promise<boolean> {
    assertMessageRecord(record);
    const { set } = toFields(record);
    const { client } = this.options;
    const key = this.recordKey(record.appId, record.id);
    const base = this.base(record.appId);
    const { lock } = options;
    const lockKey = lock?.storeKey ?? null;
    // A lock kept elsewhere than this Redis is taken on its own, first.
    if (lock !== undefined && lockKey === null && !(await lock.tryTake())) return false;
    const reply =
      lock === undefined || lockKey === null
        ? await createMessage.run(client, [key], [base, record.id, ...set])
        : await createMessageTakingLock.run(
            client,
            [key, lockKey],
            [base, record.id, lock.owner, String(lock.ttlMs), ...set],
          );
    if (reply === -1) return false;
    if (reply === 0) throw new DuplicateMessageError(record.appId, record.id);
    if (typeof reply === 'string')
      throw new DuplicateMessageKeyError(record.appId, record.key!, reply);
    return true;
  }

  async createMany(records: readonly MessageRecord[]): Promise<boolean[]> {
    if (records.length === 0) return [];
    const appId = records[0]!.appId;
    const keys: string[] = [];
    const args = [this.base(appId)];
    for (const record of records) {
      assertMessageRecord(record);
      if (record.appId !== appId) throw new Error('createMany stores the records of one app');
      if (record.key !== null) throw new Error('createMany stores records without a caller key');
      const { set } = toFields(record);
      keys.push(this.recordKey(appId, record.id));
      args.push(record.id, String(set.length), ...set);
    }
    const reply = asList(await createManyMessages.run(this.options.client, keys, args));
    return reply.map((stored) => stored === 1);
  }

  async claimBatch(
    appId: string,
    claims: readonly BatchClaim[],
    now: Date,
  ): Promise<BatchClaimResult[]> {
    assertAppId(appId);
    if (claims.length === 0) return [];
    // A lock kept elsewhere than this Redis cannot be taken inside the script.
    if (claims.some((claim) => claim.lock.storeKey === null))
      return claimOneByOne(this, appId, claims, now);
    const interrupted = encodePatch('', ['SENDING'], {
      status: 'UNKNOWN',
      errmsg: INTERRUPTED_SEND,
      updatedAt: now,
    });
    const keys: string[] = [];
    const args = [this.base(appId), String(now.getTime()), String(DUE_SLACK_MS)];
    args.push(...interrupted.args.slice(3));
    const claimed = claims.map(({ id, jobId, lock }) => {
      assertMessageId(id);
      const sending = encodePatch(id, ['QUEUED'], {
        status: 'SENDING',
        sendingJob: jobId,
        updatedAt: now,
      });
      keys.push(this.recordKey(appId, id), lock.storeKey!);
      args.push(id, jobId, lock.owner, String(lock.ttlMs), ...sending.args.slice(3));
      return sending;
    });
    const reply = asList(await claimBatchMessages.run(this.options.client, keys, args));
    return reply.map((entry, i): BatchClaimResult => {
      const [kind, flat] = asList(entry);
      switch (kind) {
        case 'claimed':
          return { kind, record: claimed[i]!.decode([1, flat!]).record! };
        case 'interrupted':
          return { kind, record: interrupted.decode([1, flat!]).record! };
        case 'busy':
          return { kind };
        default:
          return { kind: 'other', record: asList(flat!).length === 0 ? null : fromFlat(flat!) };
      }
    });
  }

  async update(appId: string, id: string, patch: MessagePatch): Promise<MessageRecord> {
    const result = await this.patch(appId, id, null, patch);
    if (result.record === null) throw new MessageNotFoundError(appId, id);
    return result.record;
  }

  transition(
    appId: string,
    id: string,
    from: readonly MessageStatus[],
    patch: MessagePatch,
  ): Promise<TransitionResult> {
    return this.patch(appId, id, from, patch);
  }

  async transitionTakingLock(
    appId: string,
    id: string,
    from: readonly MessageStatus[],
    patch: MessagePatch,
    lock: LockClaim,
  ): Promise<TransitionResult | 'busy'> {
    // A lock kept elsewhere than this Redis is taken on its own, first.
    if (lock.storeKey === null) {
      if (!(await lock.tryTake())) return 'busy';
      return this.transition(appId, id, from, patch);
    }
    const encoded = checkedPatch(appId, id, from, patch);
    const reply = await updateMessageTakingLock.run(
      this.options.client,
      [this.recordKey(appId, id), lock.storeKey],
      [this.base(appId), lock.owner, String(lock.ttlMs), ...encoded.args],
    );
    return reply === -1 ? 'busy' : encoded.decode(reply);
  }

  private async patch(
    appId: string,
    id: string,
    from: readonly MessageStatus[] | null,
    patch: MessagePatch,
  ): Promise<TransitionResult> {
    const encoded = checkedPatch(appId, id, from, patch);
    const reply = await updateMessage.run(
      this.options.client,
      [this.recordKey(appId, id)],
      [this.base(appId), ...encoded.args],
    );
    return encoded.decode(reply);
  }

  async findByKey(appId: string, key: string): Promise<MessageRecord | null> {
    assertAppId(appId);
    const id = await this.options.client.hGet(`${this.base(appId)}:key`, key);
    return id === null || id === undefined ? null : this.get(appId, id);
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
    const reply = await listDueMessages.run(
      this.options.client,
      [],
      [this.base(appId), status, String(until.getTime()), String(limit), String(offset)],
    );
    return asList(reply).map(fromFlat);
  }

  async listHeldByTrigger(appId: string, name: string, matchKey: string): Promise<MessageRecord[]> {
    assertAppId(appId);
    const reply = await listHeldMessages.run(
      this.options.client,
      [],
      [this.base(appId), name, matchKey],
    );
    return asList(reply).map(fromFlat);
  }

  async countByCampaign(
    appId: string,
    campaignId: string,
  ): Promise<Partial<Record<MessageStatus, number>>> {
    assertAppId(appId);
    const reply = asList(
      await countCampaignMessages.run(this.options.client, [], [this.base(appId), campaignId]),
    );
    const counts: Partial<Record<MessageStatus, number>> = {};
    for (let i = 0; i + 1 < reply.length; i += 2)
      counts[String(reply[i]) as MessageStatus] = Number(reply[i + 1]);
    return counts;
  }

  async get(appId: string, id: string): Promise<MessageRecord | null> {
    assertAppId(appId);
    if (!isMessageId(id)) return null;
    const hash = await this.options.client.hGetAll(this.recordKey(appId, id));
    return Object.keys(hash).length === 0 ? null : fromHash(hash);
  }

  async findByMsgid(appId: string, msgid: string): Promise<MessageRecord | null> {
    assertAppId(appId);
    const id = await this.options.client.hGet(`${this.base(appId)}:msgid`, msgid);
    return id === null || id === undefined ? null : this.get(appId, id);
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
    const statuses = admittedStatuses(filter);
    if (statuses?.length === 0)
      return { items: [], endCursor: null, hasNextPage: false, totalCount: 0 };
    if (filter.key !== undefined) {
      const found = await this.findByKey(appId, filter.key);
      const match = found !== null && matchesFilter(found, filter) ? found : null;
      const items = match !== null && (after === null || match.id < after) ? [match] : [];
      return {
        items,
        endCursor: items[0] ? encodeMessageCursor(items[0].id) : null,
        hasNextPage: false,
        totalCount: match === null ? 0 : 1,
      };
    }
    // Ids start with their creation time (messageIdTimePrefix), so a time window is an id range.
    const upper =
      filter.createdBefore === undefined ? '+' : `(${timePrefix(filter.createdBefore.getTime())}`;
    const lower =
      filter.createdAfter === undefined ? '-' : `[${timePrefix(filter.createdAfter.getTime() + 1)}`;
    const reply = await listMessages.run(
      this.options.client,
      [],
      [
        this.base(appId),
        filter.openid ?? '',
        filter.templateId ?? '',
        (statuses ?? []).join(','),
        filter.campaignId ?? '',
        filter.scheduleKey ?? '',
        upper,
        lower,
        String(first + 1),
        after ?? '',
      ],
    );
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || !Array.isArray(reply[1])) {
      throw new Error('unexpected reply from the message list script');
    }
    const records = reply[1].map(fromFlat);
    const items = records.slice(0, first);
    const last = items[items.length - 1];
    return {
      items,
      endCursor: last === undefined ? null : encodeMessageCursor(last.id),
      hasNextPage: records.length > first,
      totalCount: reply[0],
    };
  }

  async prune(appId: string, before: Date, limit: number): Promise<number> {
    assertAppId(appId);
    assertPruneArguments(before, limit);
    const reply = await pruneMessages.run(
      this.options.client,
      [],
      [this.base(appId), messageIdTimePrefix(before), String(limit)],
    );
    if (typeof reply !== 'number') throw new Error('unexpected reply from the prune script');
    return reply;
  }

  private base(appId: string): string {
    return messageKeyBase(this.options.prefix, appId);
  }

  private recordKey(appId: string, id: string): string {
    return messageRecordKey(this.options.prefix, appId, id);
  }
}

export function messageKeyBase(prefix: string, appId: string): string {
  return `${prefix}:{${appId}}:msg`;
}

export function messageRecordKey(prefix: string, appId: string, id: string): string {
  return `${messageKeyBase(prefix, appId)}:rec:${id}`;
}

/**
 * A patch as the last arguments of a script calling patchMessage (see MESSAGE_PATCH): the id, the
 * allowed statuses ('' = any), the number of fields set, their pairs, the fields deleted; and how
 * to read that script's reply.
 */
export function encodePatch(
  id: string,
  from: readonly MessageStatus[] | null,
  patch: MessagePatch,
): { args: string[]; decode(reply: LuaReply): TransitionResult } {
  const { set, del } = toFields(patch);
  return {
    args: [id, from === null ? '' : from.join(','), String(set.length / 2), ...set, ...del],
    decode: (reply) => patchResult(reply, set, del),
  };
}

/** A patch's arguments checked, then encoded for a patchMessage script. */
export function checkedPatch(
  appId: string,
  id: string,
  from: readonly MessageStatus[] | null,
  patch: MessagePatch,
): ReturnType<typeof encodePatch> {
  assertAppId(appId);
  assertMessageId(id);
  assertMessageFields(patch, false);
  if (from !== null && from.length === 0)
    throw new Error('a compare-and-set needs at least one from status');
  return encodePatch(id, from, patch);
}

/** What a patchMessage script answered, for the patch `set`/`del` it was sent. */
function patchResult(reply: LuaReply, set: string[], del: string[]): TransitionResult {
  if (reply === null) return { applied: false, record: null };
  if (!Array.isArray(reply)) throw new Error('unexpected reply from a message patch script');
  const stored = flatToHash(reply[1]!);
  if (reply[0] !== 1) return { applied: false, record: fromHash(stored) };
  // The script answers with the fields before the patch; what it wrote is exactly set and del.
  for (let i = 0; i + 1 < set.length; i += 2) stored[set[i]!] = set[i + 1]!;
  for (const name of del) delete stored[name];
  return { applied: true, record: fromHash(stored) };
}

/** Field/value pairs to HSET and field names to HDEL (null values); undefined means untouched. */
function toFields(fields: Partial<MessageRecord>): { set: string[]; del: string[] } {
  const set: string[] = [];
  const del: string[] = [];
  const values = fields as Record<string, unknown>;
  // for…in rather than Object.entries: no pair array per field, on every create and update.
  for (const name in values) {
    const value = values[name];
    if (value === undefined) continue;
    if (name === 'trigger') {
      if (value === null) del.push('triggerName', 'triggerMatchKey', 'triggerTimeoutAt');
      else {
        const t = value as MessageTrigger;
        set.push('triggerName', t.name, 'triggerMatchKey', t.matchKey);
        set.push('triggerTimeoutAt', String(t.timeoutAt.getTime()));
      }
    } else if (value === null) del.push(name);
    else if (value instanceof Date) set.push(name, String(value.getTime()));
    else if (name === 'data') set.push(name, JSON.stringify(value));
    else set.push(name, String(value));
  }
  return { set, del };
}

function asList(reply: LuaReply): LuaReply[] {
  if (!Array.isArray(reply)) throw new Error('unexpected list reply from Redis');
  return reply;
}

function timePrefix(ms: number): string {
  return messageIdTimePrefix(new Date(Math.max(0, ms)));
}

function fromFlat(reply: LuaReply): MessageRecord {
  return fromHash(flatToHash(reply));
}

function flatToHash(reply: LuaReply): Record<string, string> {
  if (!Array.isArray(reply)) throw new Error('unexpected message reply from Redis');
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) hash[String(reply[i])] = String(reply[i + 1]);
  return hash;
}

function fromHash(h: Record<string, string>): MessageRecord {
  const required = (name: string): string => {
    const value = h[name];
    if (value === undefined) throw new Error(`message record is missing field ${name}`);
    return value;
  };
  const optional = (name: string): string | null => h[name] ?? null;
  const optionalNumber = (name: string): number | null =>
    h[name] === undefined ? null : Number(h[name]);
  const optionalDate = (name: string): Date | null =>
    h[name] === undefined ? null : new Date(Number(h[name]));
  return {
    id: required('id'),
    appId: required('appId'),
    openid: required('openid'),
    templateId: required('templateId'),
    status: required('status') as MessageStatus,
    errcode: optionalNumber('errcode'),
    errmsg: optional('errmsg'),
    msgid: optional('msgid'),
    attempts: Number(required('attempts')),
    data: JSON.parse(required('data')) as Record<string, string>,
    page: optional('page'),
    miniprogramState: required('miniprogramState'),
    lang: required('lang'),
    idempotencyKey: optional('idempotencyKey'),
    createdAt: new Date(Number(required('createdAt'))),
    sentAt: optionalDate('sentAt'),
    deliveredAt: optionalDate('deliveredAt'),
    deliveryErrorCode: optionalNumber('deliveryErrorCode'),
    deliveryErrorStatus: optional('deliveryErrorStatus'),
    key: optional('key'),
    sendAt: optionalDate('sendAt'),
    expiresAt: optionalDate('expiresAt'),
    trigger:
      h.triggerName === undefined
        ? null
        : {
            name: h.triggerName,
            matchKey: required('triggerMatchKey'),
            timeoutAt: new Date(Number(required('triggerTimeoutAt'))),
          },
    skipReason: optional('skipReason') as SkipReason | null,
    campaignId: optional('campaignId'),
    scheduleKey: optional('scheduleKey'),
    inputHash: optional('inputHash'),
    batchId: optional('batchId'),
    sendingJob: optional('sendingJob'),
    // Records written before updatedAt existed read as unchanged since creation.
    updatedAt: new Date(Number(h.updatedAt ?? required('createdAt'))),
  };
}
