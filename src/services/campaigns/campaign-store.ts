import { createHash } from 'node:crypto';
import type { Page, PageRequest } from '../../shared/page.js';
import { decodeCursor, encodeCursor } from '../../shared/page.js';
import { base32Number, messageIdTimePrefix } from '../messages/message-store.js';

/**
 * SCHEDULED (waiting for startAt) → RUNNING (fixing the audience, then fanning out) → COMPLETED
 * once every recipient's message is final. PAUSED by the operator, PAUSED_QUOTA while WeChat's
 * daily quota is used up; CANCELLED ends it (the rest of the audience is SKIPPED).
 */
export type CampaignStatus =
  'SCHEDULED' | 'RUNNING' | 'PAUSED' | 'PAUSED_QUOTA' | 'COMPLETED' | 'CANCELLED';
export const CAMPAIGN_STATUSES: readonly CampaignStatus[] = [
  'SCHEDULED',
  'RUNNING',
  'PAUSED',
  'PAUSED_QUOTA',
  'COMPLETED',
  'CANCELLED',
];

export type CampaignAudience = { kind: 'creditHolders' } | { kind: 'openids' };

export interface CampaignRecord {
  /** Unique across apps (ULID-shaped, time-ordered). */
  id: string;
  appId: string;
  /** The caller's key, unique per app. */
  key: string;
  templateId: string;
  data: Record<string, string>;
  page: string | null;
  miniprogramState: string;
  lang: string;
  audience: CampaignAudience;
  status: CampaignStatus;
  ratePerSecond: number;
  startAt: Date | null;
  expiresAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  /** Set once nothing is left to do (COMPLETED, or CANCELLED with the rest skipped). */
  finishedAt: Date | null;
  updatedAt: Date;
  inputHash: string;
  /** The audience's size once it is fixed; null while the credit holders are being listed. */
  total: number | null;
  /** The ledger cursor of the audience listing (credit holders), saved after each page. */
  audienceCursor: string | null;
  /** How many recipients (in audience order) have their message. */
  fannedOut: number;
  /** Pacing base: `fannedOut` was `pacedFrom` at `pacedSince`, and ratePerSecond holds since. */
  pacedSince: Date | null;
  pacedFrom: number;
}

type Fixed = 'id' | 'appId' | 'key' | 'createdAt' | 'inputHash' | 'audience';
export type CampaignPatch = Partial<Omit<CampaignRecord, Fixed>>;

export type CampaignTransition =
  { applied: true; record: CampaignRecord } | { applied: false; record: CampaignRecord | null };

/**
 * Campaigns and their fixed audiences. Ids are unique across apps, so `get` needs no app; the
 * caller checks the app against what the API key may see.
 */
export interface CampaignStore {
  /**
   * Stores the campaign (with its audience when given: openids are fixed at once). Fails with
   * DuplicateCampaignKeyError when the app already has a campaign with the key; nothing stored.
   */
  create(record: CampaignRecord, openids?: readonly string[]): Promise<void>;
  get(id: string): Promise<CampaignRecord | null>;
  findByKey(appId: string, key: string): Promise<CampaignRecord | null>;
  /** Compare-and-set on the status (`from` null: any status); fields not in the patch stay. */
  transition(
    id: string,
    from: readonly CampaignStatus[] | null,
    patch: CampaignPatch,
  ): Promise<CampaignTransition>;
  /** Newest first. */
  list(
    appId: string,
    filter: { status?: CampaignStatus },
    page: PageRequest,
  ): Promise<Page<CampaignRecord>>;
  /** Campaigns of the app not finished yet (finishedAt null). */
  listUnfinished(appId: string): Promise<CampaignRecord[]>;
  /**
   * Appends one page of the audience and saves the listing's next cursor, atomically and only
   * while the saved cursor is still `expected` and the audience not yet fixed (so a page is
   * never appended twice). `fix` fixes the audience: total = its size. Returns whether it applied.
   */
  appendAudience(
    id: string,
    expected: string | null,
    openids: readonly string[],
    next: { cursor: string | null; fix: boolean },
  ): Promise<boolean>;
  /** `count` openids of the fixed audience from position `start`. */
  audience(id: string, start: number, count: number): Promise<string[]>;
}

export class DuplicateCampaignKeyError extends Error {
  constructor(
    readonly appId: string,
    readonly key: string,
    readonly existingId: string,
  ) {
    super(`Campaign key ${key} is already used by campaign ${existingId} of app ${appId}`);
    this.name = 'DuplicateCampaignKeyError';
  }
}

/**
 * The message id of one recipient: the campaign's creation time (ids sort by time) then 80 bits
 * of sha256(campaign id, openid). A restarted fan-out derives the same id, so creating the
 * message again fails as a duplicate instead of making a second send.
 */
export function campaignMessageId(
  campaign: Pick<CampaignRecord, 'id' | 'createdAt'>,
  openid: string,
): string {
  const digest = createHash('sha256').update(`${campaign.id}\u0000${openid}`).digest();
  // The first 80 bits as two 40-bit halves, as newMessageId lays out its random part: each fits a
  // double exactly and is 8 base32 digits (no BigInt: this runs once per recipient).
  const tail = base32Number(digest.readUIntBE(0, 5), 8) + base32Number(digest.readUIntBE(5, 5), 8);
  return messageIdTimePrefix(campaign.createdAt) + tail;
}

const CURSOR_KIND = 'campaign';
const CAMPAIGN_ID = /^[0-9A-Za-z_-]{1,64}$/;

export function encodeCampaignCursor(id: string): string {
  return encodeCursor(CURSOR_KIND, id);
}

export function decodeCampaignCursor(after: string): string {
  return decodeCursor(CURSOR_KIND, after, (id) => CAMPAIGN_ID.test(id));
}

export function isCampaignId(id: unknown): id is string {
  return typeof id === 'string' && CAMPAIGN_ID.test(id);
}

export function copyCampaign(c: CampaignRecord): CampaignRecord {
  const date = (d: Date | null) => (d === null ? null : new Date(d));
  return {
    ...c,
    data: { ...c.data },
    audience: { ...c.audience },
    startAt: date(c.startAt),
    expiresAt: date(c.expiresAt),
    createdAt: new Date(c.createdAt),
    startedAt: date(c.startedAt),
    finishedAt: date(c.finishedAt),
    updatedAt: new Date(c.updatedAt),
    pacedSince: date(c.pacedSince),
  };
}

const DATE_FIELDS = [
  'startAt',
  'expiresAt',
  'createdAt',
  'startedAt',
  'finishedAt',
  'updatedAt',
  'pacedSince',
] as const;

/** JSON with dates as epoch ms: how the Redis adapter stores a record or a patch. */
export function campaignToJson(fields: Partial<CampaignRecord>): string {
  const out: Record<string, unknown> = { ...fields };
  for (const name of DATE_FIELDS) {
    const v = fields[name];
    if (v instanceof Date) out[name] = v.getTime();
  }
  return JSON.stringify(out);
}

export function campaignFromJson(json: string): CampaignRecord {
  const raw = JSON.parse(json) as Record<string, unknown>;
  for (const name of DATE_FIELDS) {
    const v = raw[name];
    raw[name] = typeof v === 'number' ? new Date(v) : null;
  }
  // Lua's cjson writes an empty object as an empty array.
  if (Array.isArray(raw.data)) raw.data = {};
  return raw as unknown as CampaignRecord;
}
