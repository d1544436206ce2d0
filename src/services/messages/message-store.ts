import { randomFillSync } from 'node:crypto';
import type { Page, PageRequest } from '../../shared/page.js';
import { decodeCursor, encodeCursor } from '../../shared/page.js';
import { BadUserInputError } from '../../shared/errors.js';
import { quoteInput } from '../../shared/quote-input.js';
import { assertAppId, assertIdentifier, looksBlank } from '../../shared/identifiers.js';
import type { LockClaim } from '../../shared/lock.js';

/**
 * A direct send starts SENDING. A later send starts SCHEDULED (waiting for sendAt), HELD (waiting
 * for its trigger) or QUEUED (due, waiting for the rate limit), and moves to SENDING by a
 * compare-and-set just before WeChat is called. SENDING ends SENT | FAILED, or UNKNOWN when the
 * request may have reached WeChat without an answer; SENT → DELIVERED | DELIVERY_FAILED when the
 * delivery event (subscribe_msg_sent_event) arrives. CANCELLED and SKIPPED end a message that
 * never reached WeChat.
 */
export type MessageStatus =
  | 'SCHEDULED'
  | 'HELD'
  | 'QUEUED'
  | 'SENDING'
  | 'SENT'
  | 'FAILED'
  | 'UNKNOWN'
  | 'CANCELLED'
  | 'SKIPPED'
  | 'DELIVERED'
  | 'DELIVERY_FAILED';
export const MESSAGE_STATUSES: readonly MessageStatus[] = [
  'SCHEDULED',
  'HELD',
  'QUEUED',
  'SENDING',
  'SENT',
  'FAILED',
  'UNKNOWN',
  'CANCELLED',
  'SKIPPED',
  'DELIVERED',
  'DELIVERY_FAILED',
];

/** Statuses the delivery engine still has work for; each keeps a due-time index. */
export type PendingStatus = 'SCHEDULED' | 'HELD' | 'QUEUED' | 'SENDING';
export const PENDING_STATUSES: readonly PendingStatus[] = [
  'SCHEDULED',
  'HELD',
  'QUEUED',
  'SENDING',
];

export type SkipReason =
  'NO_CREDIT' | 'EXPIRED' | 'TRIGGER_TIMEOUT' | 'USER_REFUSED' | 'CAMPAIGN_CANCELLED';
export const SKIP_REASONS: readonly SkipReason[] = [
  'NO_CREDIT',
  'EXPIRED',
  'TRIGGER_TIMEOUT',
  'USER_REFUSED',
  'CAMPAIGN_CANCELLED',
];

/** A HELD message waits for fireTrigger(name, matchKey) until timeoutAt. */
export interface MessageTrigger {
  name: string;
  matchKey: string;
  timeoutAt: Date;
}

/**
 * When a HELD message stops waiting for its trigger, and why: its timeout, or its expiry when
 * that comes first (an expired message is never sent, trigger or not). `now` stands in for a
 * missing trigger.
 */
export function heldUntil(
  message: Pick<MessageRecord, 'trigger' | 'expiresAt'>,
  now: Date,
): { until: Date; ending: 'TRIGGER_TIMEOUT' | 'EXPIRED' } {
  const timeoutAt = message.trigger?.timeoutAt ?? now;
  if (message.expiresAt && message.expiresAt <= timeoutAt)
    return { until: message.expiresAt, ending: 'EXPIRED' };
  return { until: timeoutAt, ending: 'TRIGGER_TIMEOUT' };
}

/**
 * When a pending message next needs the engine: SCHEDULED and QUEUED at sendAt, HELD when its
 * wait ends (heldUntil), SENDING from when it started (the sweeper adds the lease). Both adapters
 * index by this, so they must agree on it.
 */
export function dueTime(m: MessageRecord): number | null {
  switch (m.status) {
    case 'SCHEDULED':
    case 'QUEUED':
      return (m.sendAt ?? m.updatedAt).getTime();
    case 'HELD':
      return heldUntil(m, m.updatedAt).until.getTime();
    case 'SENDING':
      return m.updatedAt.getTime();
    default:
      return null;
  }
}

export interface MessageRecord {
  id: string;
  appId: string;
  openid: string;
  templateId: string;
  status: MessageStatus;
  errcode: number | null;
  errmsg: string | null;
  /** WeChat's 64-bit message id: always a string, a JS number would lose digits. */
  msgid: string | null;
  attempts: number;
  data: Record<string, string>;
  page: string | null;
  miniprogramState: string;
  lang: string;
  idempotencyKey: string | null;
  createdAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  deliveryErrorCode: number | null;
  deliveryErrorStatus: string | null;
  /** The caller's key, unique per app (scheduled sends). */
  key: string | null;
  /** When a scheduled message is due. */
  sendAt: Date | null;
  /** A message still unsent at this time is SKIPPED EXPIRED. */
  expiresAt: Date | null;
  trigger: MessageTrigger | null;
  skipReason: SkipReason | null;
  campaignId: string | null;
  /** The recurring schedule this occurrence belongs to. */
  scheduleKey: string | null;
  /** A hash of the scheduling input, to tell a retry under the same key from a conflicting use. */
  inputHash: string | null;
  /**
   * The engine job that sends this message with others (a campaign's batch), or null when the
   * message has a job of its own: the sweeper looks for that job before queueing another.
   */
  batchId: string | null;
  /**
   * Which job moved the message to SENDING: null for its own job, the batch id for a batch. A job
   * that finds the message SENDING by itself died mid-send (UNKNOWN); SENDING by another job is
   * that job's to finish.
   */
  sendingJob: string | null;
  updatedAt: Date;
}

/** Fields fixed when a message is created: they key indexes that never move. */
type CreationOnly =
  'id' | 'appId' | 'createdAt' | 'key' | 'campaignId' | 'scheduleKey' | 'inputHash' | 'batchId';
export type MessagePatch = Partial<Omit<MessageRecord, CreationOnly>>;

export interface MessageFilter {
  openid?: string;
  templateId?: string;
  status?: MessageStatus;
  /** Any of these statuses (with `status` too: both must hold). */
  statuses?: readonly MessageStatus[];
  campaignId?: string;
  scheduleKey?: string;
  key?: string;
  /** createdAt strictly after this instant. */
  createdAfter?: Date;
  /** createdAt strictly before this instant. */
  createdBefore?: Date;
}

/** The outcome of a compare-and-set: `record` is the stored message either way (null if none). */
export type TransitionResult =
  { applied: true; record: MessageRecord } | { applied: false; record: MessageRecord | null };

export interface CreateOptions {
  lock?: LockClaim;
}

/** A QUEUED message whose sendAt is at most this far ahead counts as due. */
export const DUE_SLACK_MS = 500;

/** Why a message found SENDING by the job that moved it there is UNKNOWN. */
export const INTERRUPTED_SEND =
  'the worker sending this message stopped before WeChat answered; not resent';

/** A message to claim for the job `jobId`, with the per-user lock its send needs. */
export interface BatchClaim {
  id: string;
  jobId: string;
  lock: LockClaim;
}

export type BatchClaimResult =
  /** It was QUEUED and due (see claimBatch): now SENDING by the job, its lock taken. */
  | { kind: 'claimed'; record: MessageRecord }
  /** It was SENDING by this very job, which died mid-send: now UNKNOWN, never resent by itself. */
  | { kind: 'interrupted'; record: MessageRecord }
  /** Somebody holds its lock (another send to the user): nothing changed. */
  | { kind: 'busy' }
  /** Anything else (not due, expired, held, final, gone, SENDING by another job): untouched. */
  | { kind: 'other'; record: MessageRecord | null };

/** The log of sends, per app. */
export interface MessageStore {
  /**
   * Fails with DuplicateMessageError if the id exists, with DuplicateMessageKeyError if the
   * record's key is held by another message; either way nothing is stored.
   * `lock`: also takes this claim's lock, in the same step where the store can (see LockClaim):
   * false, and nothing stored, while anybody holds the lock. Without a lock, always true.
   */
  create(record: MessageRecord, options?: CreateOptions): Promise<boolean>;
  /**
   * Stores many records that have no caller key (a campaign's recipients), in one step where the
   * store can. Answers, per record, true when stored and false when its id existed (that message
   * is left as it was).
   */
  createMany(records: readonly MessageRecord[]): Promise<boolean[]>;
  /**
   * Moves messages to SENDING for the engine jobs sending them, each taking its lock, in one step
   * where the store can: a message is claimed when it is QUEUED, its sendAt is at most
   * DUE_SLACK_MS after `now` and its expiresAt (if any) is after `now`. A message SENDING by the
   * claiming job itself becomes UNKNOWN (see BatchClaimResult). One result per claim, in order.
   * Whoever ran it frees the locks of the claimed messages.
   */
  claimBatch(appId: string, claims: readonly BatchClaim[], now: Date): Promise<BatchClaimResult[]>;
  /** Applies the patch and keeps every index (status, msgid, …) in sync; unknown id → MessageNotFoundError. */
  update(appId: string, id: string, patch: MessagePatch): Promise<MessageRecord>;
  get(appId: string, id: string): Promise<MessageRecord | null>;
  /** O(1): the delivery event only carries WeChat's msgid. */
  findByMsgid(appId: string, msgid: string): Promise<MessageRecord | null>;
  /** Newest first (by id, which is time-ordered). */
  list(appId: string, filter: MessageFilter, page: PageRequest): Promise<Page<MessageRecord>>;
  /** The message holding this caller key, if any. */
  findByKey(appId: string, key: string): Promise<MessageRecord | null>;
  /**
   * Compare-and-set: applies the patch (indexes included) only while the stored status is one of
   * `from`, atomically, so two processes can never both move a message out of a state.
   */
  transition(
    appId: string,
    id: string,
    from: readonly MessageStatus[],
    patch: MessagePatch,
  ): Promise<TransitionResult>;
  /**
   * transition() that also takes `lock`, in the same step where the store can (see LockClaim):
   * 'busy', and nothing changed, while anybody holds the lock. Whoever ran it frees the lock
   * whatever the answer (it is taken only when the transition applied, or before it by a store
   * that cannot take it in the same step).
   */
  transitionTakingLock(
    appId: string,
    id: string,
    from: readonly MessageStatus[],
    patch: MessagePatch,
    lock: LockClaim,
  ): Promise<TransitionResult | 'busy'>;
  /**
   * Messages in `status` whose due time (see dueTime) is at or before `until`, earliest first (ties
   * by id), from the `offset`-th on: a caller paging through a set that changes meanwhile may skip
   * or see again a message that moved between its pages.
   */
  listDue(
    appId: string,
    status: PendingStatus,
    until: Date,
    limit: number,
    offset?: number,
  ): Promise<MessageRecord[]>;
  /** HELD messages waiting for this trigger. */
  listHeldByTrigger(appId: string, name: string, matchKey: string): Promise<MessageRecord[]>;
  /** How many of a campaign's messages are in each status (absent: none). */
  countByCampaign(
    appId: string,
    campaignId: string,
  ): Promise<Partial<Record<MessageStatus, number>>>;
  /**
   * Deletes up to `limit` of the app's messages created before `before`, with every index entry
   * and msgid mapping that points at them, oldest first; returns how many went. Messages still
   * waiting to be sent (SCHEDULED, HELD, QUEUED) are kept whatever their age. Call until it
   * returns less than `limit` to prune everything that old.
   */
  prune(appId: string, before: Date, limit: number): Promise<number>;
}

export class DuplicateMessageKeyError extends Error {
  constructor(
    readonly appId: string,
    readonly key: string,
    readonly existingId: string,
  ) {
    super(`Message key ${key} is already used by message ${existingId} of app ${appId}`);
    this.name = 'DuplicateMessageKeyError';
  }
}

export function assertPruneArguments(before: Date, limit: number): void {
  if (!(before instanceof Date) || !Number.isFinite(before.getTime()) || before.getTime() < 0) {
    throw new Error('prune needs a valid cutoff Date');
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) {
    throw new Error(`prune limit must be an integer from 1 to 10000, got ${String(limit)}`);
  }
}

/** listDue's page: `limit` at least 1, `offset` from 0. */
export function assertDuePage(limit: number, offset: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new Error(`listDue limit must be a positive integer, got ${String(limit)}`);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new Error(`listDue offset must be an integer from 0, got ${String(offset)}`);
}

/**
 * The id prefix of the instant `at`: ids made by newMessageId before `at` sort below it, ids made
 * at or after it sort above, so "older than" is a lexical range of ids.
 */
export function messageIdTimePrefix(at: Date): string {
  const time = at.getTime();
  return Number.isSafeInteger(time) && time >= 0
    ? base32Number(time, 10)
    : base32(BigInt(time), 10);
}

export class MessageNotFoundError extends Error {
  constructor(
    readonly appId: string,
    readonly id: string,
  ) {
    super(`No message ${id} for app ${appId}`);
    this.name = 'MessageNotFoundError';
  }
}

export class DuplicateMessageError extends Error {
  constructor(
    readonly appId: string,
    readonly id: string,
  ) {
    super(`Message ${id} already exists for app ${appId}`);
    this.name = 'DuplicateMessageError';
  }
}

// ULID layout: 48-bit millisecond time then 80 random bits, Crockford base32, 26 characters.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = CROCKFORD[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** `value` (a non-negative integer below 2^53) as `length` base32 digits. */
export function base32Number(value: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const digit = value % 32;
    out = CROCKFORD[digit]! + out;
    value = (value - digit) / 32;
  }
  return out;
}

// The 80 random bits as two 40-bit halves: each fits a double exactly and is 8 base32 digits,
// which spares BigInt arithmetic (most of an id's cost) on every send.
const HALF = 2 ** 40;
const RANDOM_BYTES = 10;
// Bytes drawn from the CSPRNG for many ids at once, as randomUUID does: one call per id cost
// more than the rest of the id.
const pool = Buffer.alloc(RANDOM_BYTES * 128);
let poolOffset = pool.length;
let lastTime = -1;
let lastHigh = 0;
let lastLow = 0;

/**
 * A unique, URL-safe, ULID-shaped id whose lexical order is creation order. Ids made in the same
 * millisecond by this process increment the random part instead of drawing a new one, so they
 * sort in call order too. Across processes, ids of the same millisecond are in arbitrary order.
 */
export function newMessageId(now: Date = new Date()): string {
  const time = now.getTime();
  if (!Number.isInteger(time) || time < 0 || time >= 2 ** 48) {
    throw new RangeError(`newMessageId: invalid time ${String(time)}`);
  }
  if (time === lastTime && !(lastHigh === HALF - 1 && lastLow === HALF - 1)) {
    lastLow += 1;
    if (lastLow === HALF) {
      lastLow = 0;
      lastHigh += 1;
    }
  } else {
    if (poolOffset === pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    // The top bit is left clear: headroom so that increments within one millisecond never
    // overflow in practice.
    lastHigh = (pool[poolOffset]! & 0x7f) * 2 ** 32 + pool.readUInt32BE(poolOffset + 1);
    lastLow = pool[poolOffset + 5]! * 2 ** 32 + pool.readUInt32BE(poolOffset + 6);
    poolOffset += RANDOM_BYTES;
  }
  lastTime = time;
  return base32Number(time, 10) + base32Number(lastHigh, 8) + base32Number(lastLow, 8);
}

const MESSAGE_ID = /^[0-9A-Za-z_-]{1,64}$/;
const CURSOR_KIND = 'msg';

export function encodeMessageCursor(id: string): string {
  return encodeCursor(CURSOR_KIND, id);
}

export function decodeMessageCursor(after: string): string {
  return decodeCursor(CURSOR_KIND, after, (id) => MESSAGE_ID.test(id));
}

export function isMessageId(id: unknown): id is string {
  return typeof id === 'string' && MESSAGE_ID.test(id);
}

export function assertMessageId(id: string): void {
  if (!isMessageId(id)) {
    throw new BadUserInputError(
      `message id must be 1-64 URL-safe characters, got ${quoteInput(id)}`,
      'id',
    );
  }
}

export function assertMessageFilter(filter: MessageFilter): void {
  if (filter.openid !== undefined) assertIdentifier('openid', filter.openid);
  if (filter.templateId !== undefined) assertIdentifier('templateId', filter.templateId);
  if (filter.status !== undefined) assertStatus(filter.status);
  if (filter.statuses !== undefined) {
    if (!Array.isArray(filter.statuses))
      throw new BadUserInputError('statuses must be a list', 'statuses');
    for (const s of filter.statuses) assertStatus(s, 'statuses');
  }
  if (filter.campaignId !== undefined) assertIdentifier('campaignId', filter.campaignId);
  if (filter.scheduleKey !== undefined) assertMessageKey(filter.scheduleKey, 'scheduleKey');
  if (filter.key !== undefined) assertMessageKey(filter.key, 'key');
  for (const name of ['createdAfter', 'createdBefore'] as const) {
    const v = filter[name];
    if (v !== undefined && !(v instanceof Date && Number.isFinite(v.getTime())))
      throw new BadUserInputError(`${name} must be a date-time`, name);
  }
}

export const MAX_MESSAGE_KEY_LENGTH = 255;

/** Keys of messages and schedules: 1-255 characters, no control characters. */
export function assertMessageKey(key: string, field = 'key'): void {
  if (
    typeof key !== 'string' ||
    key.length === 0 ||
    key.length > MAX_MESSAGE_KEY_LENGTH ||
    [...key].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
  ) {
    throw new BadUserInputError(
      `${field} must be 1-${MAX_MESSAGE_KEY_LENGTH} characters without control characters`,
      field,
    );
  }
}

/**
 * A key a caller gives to something it creates (a scheduled message, a campaign, a recurring
 * schedule, a trigger): the rules of assertMessageKey, and something visible in it: only spaces or
 * zero-width characters look like no key at all. Lookups keep assertMessageKey alone, so records
 * stored before still resolve.
 */
export function assertNewMessageKey(key: string, field = 'key'): void {
  assertMessageKey(key, field);
  if (looksBlank(key)) throw new BadUserInputError(blankKeyMessage(field), field);
}

export function blankKeyMessage(field: string): string {
  return `${field} must have a visible character (it has only spaces or invisible characters)`;
}

/** The statuses a filter admits, or null for any; an empty list matches nothing. */
export function admittedStatuses(filter: MessageFilter): readonly MessageStatus[] | null {
  if (filter.statuses === undefined) return filter.status === undefined ? null : [filter.status];
  const unique = [...new Set(filter.statuses)];
  return filter.status === undefined ? unique : unique.filter((s) => s === filter.status);
}

/** The filter as a predicate: the memory store's whole query, and the Redis store's key lookup. */
export function matchesFilter(m: MessageRecord, filter: MessageFilter): boolean {
  const statuses = admittedStatuses(filter);
  return (
    (filter.openid === undefined || m.openid === filter.openid) &&
    (filter.templateId === undefined || m.templateId === filter.templateId) &&
    (statuses === null || statuses.includes(m.status)) &&
    (filter.campaignId === undefined || m.campaignId === filter.campaignId) &&
    (filter.scheduleKey === undefined || m.scheduleKey === filter.scheduleKey) &&
    (filter.key === undefined || m.key === filter.key) &&
    (filter.createdAfter === undefined || m.createdAt > filter.createdAfter) &&
    (filter.createdBefore === undefined || m.createdAt < filter.createdBefore)
  );
}

function assertStatus(status: unknown, field = 'status'): void {
  if (!MESSAGE_STATUSES.includes(status as MessageStatus)) {
    throw new BadUserInputError(`${field} must be one of ${MESSAGE_STATUSES.join(', ')}`, field);
  }
}

const PATCHABLE: ReadonlySet<string> = new Set<keyof MessagePatch>([
  'openid',
  'templateId',
  'status',
  'errcode',
  'errmsg',
  'msgid',
  'attempts',
  'data',
  'page',
  'miniprogramState',
  'lang',
  'idempotencyKey',
  'sentAt',
  'deliveredAt',
  'deliveryErrorCode',
  'deliveryErrorStatus',
  'sendAt',
  'expiresAt',
  'trigger',
  'skipReason',
  'sendingJob',
  'updatedAt',
]);
const CREATION_FIELDS: ReadonlySet<string> = new Set([
  'key',
  'campaignId',
  'scheduleKey',
  'inputHash',
  'batchId',
]);

const RECORD_FIELDS: ReadonlySet<string> = new Set(['id', 'appId', 'createdAt']);
const MSGID = /^\d{1,20}$/;

type Fields = Record<string, unknown>;

function present(fields: Fields, complete: boolean, name: string): boolean {
  return complete || fields[name] !== undefined;
}

function fail(fields: Fields, name: string, expected: string): never {
  throw new Error(`message field ${name} must be ${expected}, got ${JSON.stringify(fields[name])}`);
}

function nullableString(fields: Fields, complete: boolean, name: string): void {
  if (present(fields, complete, name) && fields[name] !== null && typeof fields[name] !== 'string')
    fail(fields, name, 'a string or null');
}

function nullableInt(fields: Fields, complete: boolean, name: string): void {
  if (
    present(fields, complete, name) &&
    fields[name] !== null &&
    !Number.isSafeInteger(fields[name])
  )
    fail(fields, name, 'an integer or null');
}

function isValidDate(v: unknown): boolean {
  return v instanceof Date && Number.isFinite(v.getTime());
}

function nullableDate(fields: Fields, complete: boolean, name: string): void {
  const v = fields[name];
  if (present(fields, complete, name) && v !== null && !isValidDate(v))
    fail(fields, name, 'a Date or null');
}

function isStringRecord(data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  for (const value of Object.values(data)) if (typeof value !== 'string') return false;
  return true;
}

/**
 * Checks field types so that a bad value fails here rather than being stored and failing on
 * every later read. Applies to a full record (create) and to a patch (update).
 */
export function assertMessageFields(
  given: MessagePatch &
    Partial<Pick<MessageRecord, 'key' | 'campaignId' | 'scheduleKey' | 'inputHash' | 'batchId'>>,
  complete: boolean,
): void {
  checkMessageFields(given as Fields, complete, false);
}

/**
 * `record`: the fields are a whole record, whose id, appId and createdAt are checked apart. It is
 * checked in place: copying it without those three first cost as much as all the checks.
 */
function checkMessageFields(fields: Fields, complete: boolean, record: boolean): void {
  for (const name of Object.keys(fields)) {
    if (
      !PATCHABLE.has(name) &&
      !(complete && CREATION_FIELDS.has(name)) &&
      !(record && RECORD_FIELDS.has(name))
    )
      throw new Error(`message field ${name} cannot be changed`);
  }
  const has = (name: string) => present(fields, complete, name);
  if (has('openid')) assertIdentifier('openid', fields.openid as string);
  if (has('templateId')) assertIdentifier('templateId', fields.templateId as string);
  if (has('status')) assertStatus(fields.status);
  if (
    has('msgid') &&
    fields.msgid !== null &&
    !(typeof fields.msgid === 'string' && MSGID.test(fields.msgid))
  ) {
    fail(fields, 'msgid', 'a decimal string or null');
  }
  if (
    has('attempts') &&
    !(Number.isSafeInteger(fields.attempts) && (fields.attempts as number) >= 0)
  ) {
    fail(fields, 'attempts', 'a non-negative integer');
  }
  if (has('data') && !isStringRecord(fields.data)) fail(fields, 'data', 'an object of strings');
  if (has('miniprogramState') && typeof fields.miniprogramState !== 'string')
    fail(fields, 'miniprogramState', 'a string');
  if (has('lang') && typeof fields.lang !== 'string') fail(fields, 'lang', 'a string');
  nullableString(fields, complete, 'errmsg');
  nullableString(fields, complete, 'page');
  nullableString(fields, complete, 'idempotencyKey');
  nullableString(fields, complete, 'deliveryErrorStatus');
  nullableString(fields, complete, 'inputHash');
  nullableString(fields, complete, 'batchId');
  nullableString(fields, complete, 'sendingJob');
  nullableInt(fields, complete, 'errcode');
  nullableInt(fields, complete, 'deliveryErrorCode');
  nullableDate(fields, complete, 'sentAt');
  nullableDate(fields, complete, 'deliveredAt');
  nullableDate(fields, complete, 'sendAt');
  nullableDate(fields, complete, 'expiresAt');
  if (has('updatedAt') && !isValidDate(fields.updatedAt)) fail(fields, 'updatedAt', 'a Date');
  if (
    has('skipReason') &&
    fields.skipReason !== null &&
    !SKIP_REASONS.includes(fields.skipReason as SkipReason)
  )
    fail(fields, 'skipReason', `one of ${SKIP_REASONS.join(', ')} or null`);
  if (has('key') && fields.key !== null) assertMessageKey(fields.key as string, 'key');
  if (has('scheduleKey') && fields.scheduleKey !== null)
    assertMessageKey(fields.scheduleKey as string, 'scheduleKey');
  if (has('campaignId') && fields.campaignId !== null)
    assertIdentifier('campaignId', fields.campaignId as string);
  const trigger = fields.trigger as MessageTrigger | null | undefined;
  if (has('trigger') && trigger !== null) {
    if (typeof trigger !== 'object' || trigger === undefined || !isValidDate(trigger.timeoutAt))
      fail(fields, 'trigger', 'a { name, matchKey, timeoutAt } or null');
    assertMessageKey(trigger.name, 'trigger.name');
    assertMessageKey(trigger.matchKey, 'trigger.matchKey');
  }
}

export function assertMessageRecord(record: MessageRecord): void {
  assertAppId(record.appId);
  assertMessageId(record.id);
  if (!isValidDate(record.createdAt)) {
    throw new Error('message field createdAt must be a Date');
  }
  checkMessageFields(record as unknown as Fields, true, true);
}

const copyDate = (d: Date | null): Date | null => (d === null ? null : new Date(d.getTime()));

/** `record` with `patch` applied (undefined leaves a field as it is): a copy. */
export function withPatch(record: MessageRecord, patch: MessagePatch): MessageRecord {
  const next = copyMessage(record);
  const target = next as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(patch)) if (value !== undefined) target[name] = value;
  return next;
}

/**
 * A deep copy, so neither the caller nor the store can change the other's record. Every field
 * is named: a spread of this many fields with some then replaced cost ten times as much.
 */
export function copyMessage(r: MessageRecord): MessageRecord {
  return {
    id: r.id,
    appId: r.appId,
    openid: r.openid,
    templateId: r.templateId,
    status: r.status,
    errcode: r.errcode,
    errmsg: r.errmsg,
    msgid: r.msgid,
    attempts: r.attempts,
    data: { ...r.data },
    page: r.page,
    miniprogramState: r.miniprogramState,
    lang: r.lang,
    idempotencyKey: r.idempotencyKey,
    createdAt: new Date(r.createdAt.getTime()),
    sentAt: copyDate(r.sentAt),
    deliveredAt: copyDate(r.deliveredAt),
    deliveryErrorCode: r.deliveryErrorCode,
    deliveryErrorStatus: r.deliveryErrorStatus,
    key: r.key,
    sendAt: copyDate(r.sendAt),
    expiresAt: copyDate(r.expiresAt),
    trigger: r.trigger === null ? null : copyTrigger(r.trigger),
    skipReason: r.skipReason,
    campaignId: r.campaignId,
    scheduleKey: r.scheduleKey,
    inputHash: r.inputHash,
    batchId: r.batchId,
    sendingJob: r.sendingJob,
    updatedAt: new Date(r.updatedAt.getTime()),
  };
}

export function copyTrigger(t: MessageTrigger): MessageTrigger {
  return { ...t, timeoutAt: new Date(t.timeoutAt.getTime()) };
}

/** The fields of a message nothing has been sent for yet: for the engine's new messages. */
export function unsentFields(
  createdAt: Date,
): Pick<
  MessageRecord,
  | 'errcode'
  | 'errmsg'
  | 'msgid'
  | 'attempts'
  | 'idempotencyKey'
  | 'createdAt'
  | 'sentAt'
  | 'deliveredAt'
  | 'deliveryErrorCode'
  | 'deliveryErrorStatus'
> {
  return {
    errcode: null,
    errmsg: null,
    msgid: null,
    attempts: 0,
    idempotencyKey: null,
    createdAt,
    sentAt: null,
    deliveredAt: null,
    deliveryErrorCode: null,
    deliveryErrorStatus: null,
  };
}

/** The fields a message has before the delivery engine touches it: for direct sends. */
export function directSendFields(
  at: Date,
): Pick<
  MessageRecord,
  | 'key'
  | 'sendAt'
  | 'expiresAt'
  | 'trigger'
  | 'skipReason'
  | 'campaignId'
  | 'scheduleKey'
  | 'inputHash'
  | 'batchId'
  | 'sendingJob'
  | 'updatedAt'
> {
  return {
    key: null,
    sendAt: null,
    expiresAt: null,
    trigger: null,
    skipReason: null,
    campaignId: null,
    scheduleKey: null,
    inputHash: null,
    batchId: null,
    sendingJob: null,
    updatedAt: new Date(at),
  };
}

/** Whether claimBatch claims this message now (the rule every adapter implements). */
export function claimableInBatch(m: MessageRecord, now: Date): boolean {
  return (
    m.status === 'QUEUED' &&
    (m.sendAt === null || m.sendAt.getTime() <= now.getTime() + DUE_SLACK_MS) &&
    (m.expiresAt === null || m.expiresAt > now)
  );
}

/**
 * claimBatch from a store's own compare-and-set steps, one message after another: for a store
 * where nothing else runs between them (the in-process one).
 */
export async function claimOneByOne(
  store: Pick<MessageStore, 'get' | 'transition' | 'transitionTakingLock'>,
  appId: string,
  claims: readonly BatchClaim[],
  now: Date,
): Promise<BatchClaimResult[]> {
  const results: BatchClaimResult[] = [];
  for (const { id, jobId, lock } of claims) {
    const m = await store.get(appId, id);
    if (m?.status === 'SENDING' && m.sendingJob === jobId) {
      const moved = await store.transition(appId, id, ['SENDING'], {
        status: 'UNKNOWN',
        errmsg: INTERRUPTED_SEND,
        updatedAt: now,
      });
      results.push(moved.applied ? { kind: 'interrupted', record: moved.record } : other(moved));
    } else if (m !== null && claimableInBatch(m, now)) {
      const patch: MessagePatch = { status: 'SENDING', sendingJob: jobId, updatedAt: now };
      const moved = await store.transitionTakingLock(appId, id, ['QUEUED'], patch, lock);
      if (moved === 'busy') results.push({ kind: 'busy' });
      else results.push(moved.applied ? { kind: 'claimed', record: moved.record } : other(moved));
    } else {
      results.push({ kind: 'other', record: m });
    }
  }
  return results;
}

function other(result: TransitionResult): BatchClaimResult {
  return { kind: 'other', record: result.record };
}
