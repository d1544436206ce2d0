import { randomBytes } from 'node:crypto';
import type { Page, PageRequest } from '../../shared/page.js';
import { decodeCursor, encodeCursor } from '../../shared/page.js';
import { BadUserInputError } from '../../shared/errors.js';
import { assertAppId, assertIdentifier } from '../../shared/identifiers.js';

/**
 * SENDING → SENT | FAILED when WeChat answers the send; SENT → DELIVERED | DELIVERY_FAILED when
 * the delivery event (subscribe_msg_sent_event) arrives.
 */
export type MessageStatus = 'SENDING' | 'SENT' | 'FAILED' | 'DELIVERED' | 'DELIVERY_FAILED';
export const MESSAGE_STATUSES: readonly MessageStatus[] = [
  'SENDING',
  'SENT',
  'FAILED',
  'DELIVERED',
  'DELIVERY_FAILED',
];

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
}

export type MessagePatch = Partial<Omit<MessageRecord, 'id' | 'appId' | 'createdAt'>>;

export interface MessageFilter {
  openid?: string;
  templateId?: string;
  status?: MessageStatus;
}

/** The log of sends, per app. */
export interface MessageStore {
  /** Fails if a message with this id already exists. */
  create(record: MessageRecord): Promise<void>;
  /** Applies the patch and keeps every index (status, msgid, …) in sync; unknown id → MessageNotFoundError. */
  update(appId: string, id: string, patch: MessagePatch): Promise<MessageRecord>;
  get(appId: string, id: string): Promise<MessageRecord | null>;
  /** O(1): the delivery event only carries WeChat's msgid. */
  findByMsgid(appId: string, msgid: string): Promise<MessageRecord | null>;
  /** Newest first (by id, which is time-ordered). */
  list(appId: string, filter: MessageFilter, page: PageRequest): Promise<Page<MessageRecord>>;
  /**
   * Deletes up to `limit` of the app's messages created before `before`, with every index entry
   * and msgid mapping that points at them, oldest first; returns how many went. Call until it
   * returns less than `limit` to prune everything that old.
   */
  prune(appId: string, before: Date, limit: number): Promise<number>;
}

export function assertPruneArguments(before: Date, limit: number): void {
  if (!(before instanceof Date) || !Number.isFinite(before.getTime()) || before.getTime() < 0) {
    throw new Error('prune needs a valid cutoff Date');
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) {
    throw new Error(`prune limit must be an integer from 1 to 10000, got ${String(limit)}`);
  }
}

/**
 * The id prefix of the instant `at`: ids made by newMessageId before `at` sort below it, ids made
 * at or after it sort above, so "older than" is a lexical range of ids.
 */
export function messageIdTimePrefix(at: Date): string {
  return base32(BigInt(at.getTime()), 10);
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
const RANDOM_BITS = 80n;
let lastTime = -1;
let lastRandom = 0n;

function base32(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = CROCKFORD[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

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
  let random: bigint;
  if (time === lastTime && lastRandom + 1n < 1n << RANDOM_BITS) {
    random = lastRandom + 1n;
  } else {
    random = BigInt(`0x${randomBytes(10).toString('hex')}`);
    // Leave headroom so that increments within one millisecond never overflow in practice.
    random &= (1n << (RANDOM_BITS - 1n)) - 1n;
  }
  lastTime = time;
  lastRandom = random;
  return base32(BigInt(time), 10) + base32(random, 16);
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
      `message id must be 1-64 URL-safe characters, got ${JSON.stringify(id)}`,
      'id',
    );
  }
}

export function assertMessageFilter(filter: MessageFilter): void {
  if (filter.openid !== undefined) assertIdentifier('openid', filter.openid);
  if (filter.templateId !== undefined) assertIdentifier('templateId', filter.templateId);
  if (filter.status !== undefined) assertStatus(filter.status);
}

function assertStatus(status: unknown): void {
  if (!MESSAGE_STATUSES.includes(status as MessageStatus)) {
    throw new BadUserInputError(`status must be one of ${MESSAGE_STATUSES.join(', ')}`, 'status');
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
]);

/**
 * Checks field types so that a bad value fails here rather than being stored and failing on
 * every later read. Applies to a full record (create) and to a patch (update).
 */
export function assertMessageFields(fields: MessagePatch, complete: boolean): void {
  for (const name of Object.keys(fields)) {
    if (!PATCHABLE.has(name)) throw new Error(`message field ${name} cannot be changed`);
  }
  const present = <K extends keyof MessagePatch>(name: K): boolean =>
    complete || fields[name] !== undefined;
  const fail = (name: string, expected: string) => {
    throw new Error(
      `message field ${name} must be ${expected}, got ${JSON.stringify(fields[name as keyof MessagePatch])}`,
    );
  };
  const nullableString = (name: keyof MessagePatch) => {
    if (present(name) && fields[name] !== null && typeof fields[name] !== 'string')
      fail(name, 'a string or null');
  };
  const nullableInt = (name: keyof MessagePatch) => {
    if (present(name) && fields[name] !== null && !Number.isSafeInteger(fields[name]))
      fail(name, 'an integer or null');
  };
  const nullableDate = (name: keyof MessagePatch) => {
    const v = fields[name];
    if (present(name) && v !== null && !(v instanceof Date && Number.isFinite(v.getTime())))
      fail(name, 'a Date or null');
  };
  if (present('openid')) assertIdentifier('openid', fields.openid as string);
  if (present('templateId')) assertIdentifier('templateId', fields.templateId as string);
  if (present('status')) assertStatus(fields.status);
  if (
    present('msgid') &&
    fields.msgid !== null &&
    !(typeof fields.msgid === 'string' && /^\d{1,20}$/.test(fields.msgid))
  ) {
    fail('msgid', 'a decimal string or null');
  }
  if (
    present('attempts') &&
    !(Number.isSafeInteger(fields.attempts) && (fields.attempts as number) >= 0)
  ) {
    fail('attempts', 'a non-negative integer');
  }
  const data = fields.data;
  if (
    present('data') &&
    (typeof data !== 'object' ||
      data === null ||
      Array.isArray(data) ||
      Object.values(data).some((v) => typeof v !== 'string'))
  ) {
    fail('data', 'an object of strings');
  }
  if (present('miniprogramState') && typeof fields.miniprogramState !== 'string')
    fail('miniprogramState', 'a string');
  if (present('lang') && typeof fields.lang !== 'string') fail('lang', 'a string');
  nullableString('errmsg');
  nullableString('page');
  nullableString('idempotencyKey');
  nullableString('deliveryErrorStatus');
  nullableInt('errcode');
  nullableInt('deliveryErrorCode');
  nullableDate('sentAt');
  nullableDate('deliveredAt');
}

export function assertMessageRecord(record: MessageRecord): void {
  assertAppId(record.appId);
  assertMessageId(record.id);
  if (!(record.createdAt instanceof Date) || !Number.isFinite(record.createdAt.getTime())) {
    throw new Error('message field createdAt must be a Date');
  }
  const { id: _id, appId: _appId, createdAt: _createdAt, ...fields } = record;
  assertMessageFields(fields, true);
}

/** A deep copy, so neither the caller nor the store can change the other's record. */
export function copyMessage(r: MessageRecord): MessageRecord {
  return {
    ...r,
    data: { ...r.data },
    createdAt: new Date(r.createdAt),
    sentAt: r.sentAt === null ? null : new Date(r.sentAt),
    deliveredAt: r.deliveredAt === null ? null : new Date(r.deliveredAt),
  };
}
