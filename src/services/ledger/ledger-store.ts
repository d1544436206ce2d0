import type { Page, PageRequest } from '../../shared/page.js';
import { BadUserInputError } from '../../shared/errors.js';
import { assertAppId, assertIdentifier } from '../../shared/identifiers.js';

/** What the user chose in the subscribe popup (or what WeChat pushed in an event). */
export type SubscribeStatus = 'ACCEPT' | 'REJECT' | 'BAN' | 'FILTER';
/** Who last changed a record: the mini-program client reporting a popup result, or event pushes. */
export type LedgerSource = 'client' | 'events';

export const SUBSCRIBE_STATUSES: readonly SubscribeStatus[] = ['ACCEPT', 'REJECT', 'BAN', 'FILTER'];
export const LEDGER_SOURCES: readonly LedgerSource[] = ['client', 'events'];

export interface SubscriptionKey {
  appId: string;
  openid: string;
  templateId: string;
}

export interface SubscriptionRecord {
  /** Stable and opaque; see subscriptionId(). */
  id: string;
  appId: string;
  openid: string;
  templateId: string;
  longTerm: boolean;
  status: SubscribeStatus;
  /** One-time templates: send credits left. Long-term templates: null (no count). */
  remaining: number | null;
  /** How many ACCEPTs were recorded over the record's life. */
  accepted: number;
  /** How many sends succeeded. */
  sent: number;
  source: LedgerSource;
  createdAt: Date;
  updatedAt: Date;
}

/** One page of the openids holding a credit for one template (LedgerStore.creditHolders). */
export interface HolderPage {
  openids: string[];
  /** The cursor after the page's last holder (list's cursor there); null when the page is empty. */
  endCursor: string | null;
  hasNextPage: boolean;
}

/** The most openids creditHolders answers at once. */
export const MAX_HOLDER_PAGE = 1000;

export interface SubscriptionFilter {
  openid?: string;
  templateId?: string;
  status?: SubscribeStatus;
  /** One-time with remaining > 0, or long-term with status ACCEPT. */
  hasQuota?: boolean;
}

/**
 * The credit ledger of subscribe-message subscriptions, one record per (app, openid, template).
 * One ACCEPT of a one-time template is one send credit and credits accumulate; a long-term
 * template has no count and may be sent to while its status is ACCEPT. Every method is atomic
 * per record, so credits stay exact when several gateway instances race.
 */
export interface LedgerStore {
  /**
   * ACCEPT: status ACCEPT, accepted+1, one-time remaining+1. REJECT (the popup): status set,
   * credits of earlier accepts kept (each accept is its own subscription). BAN: status set,
   * one-time remaining 0. FILTER: creates the record (no credit) if absent; otherwise only
   * updatedAt moves.
   */
  record(
    key: SubscriptionKey,
    r: { status: SubscribeStatus; longTerm: boolean; source: LedgerSource; at: Date },
  ): Promise<SubscriptionRecord>;
  /** Takes one credit: one-time needs remaining > 0, long-term needs status ACCEPT. */
  reserve(key: SubscriptionKey, at: Date): Promise<boolean>;
  /** Gives a reserved one-time credit back (send not attempted or failed retryably). */
  release(key: SubscriptionKey, at: Date): Promise<void>;
  /** Counts a successful send; without a reservation a one-time credit is consumed (floored at 0). */
  recordSent(
    key: SubscriptionKey,
    r: { reserved: boolean; at: Date },
  ): Promise<SubscriptionRecord | null>;
  /** WeChat answered 43101: whatever we believed, no one-time credit is left. */
  markNoCredit(key: SubscriptionKey, at: Date): Promise<void>;
  /** The user turned the template off in settings: status REJECT, one-time remaining 0. */
  revoke(
    key: SubscriptionKey,
    r: { source: LedgerSource; at: Date },
  ): Promise<SubscriptionRecord | null>;
  get(key: SubscriptionKey): Promise<SubscriptionRecord | null>;
  /** Oldest first: by createdAt, then id. */
  list(
    appId: string,
    filter: SubscriptionFilter,
    page: PageRequest,
  ): Promise<Page<SubscriptionRecord>>;
  /**
   * The openids of `list({ templateId, hasQuota: true })`, in its order and with its cursors (one
   * list's cursor continues the other), up to MAX_HOLDER_PAGE at a time and without the records or
   * a count: what a campaign's audience is made of, read as cheaply as the store can.
   */
  creditHolders(appId: string, templateId: string, page: PageRequest): Promise<HolderPage>;
}

/** base64url of `openid\0templateId`: stable, opaque, and reversible by parseSubscriptionId. */
export function subscriptionId(openid: string, templateId: string): string {
  return Buffer.from(`${openid}\u0000${templateId}`, 'utf8').toString('base64url');
}

/** The openid and template id inside a subscription id, or null if it is not one. */
export function parseSubscriptionId(id: string): { openid: string; templateId: string } | null {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const parts = Buffer.from(id, 'base64url').toString('utf8').split('\u0000');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  if (subscriptionId(parts[0], parts[1]) !== id) return null;
  return { openid: parts[0], templateId: parts[1] };
}

export function hasQuota(
  r: Pick<SubscriptionRecord, 'longTerm' | 'status' | 'remaining'>,
): boolean {
  return r.longTerm ? r.status === 'ACCEPT' : (r.remaining ?? 0) > 0;
}

export function assertSubscriptionKey(key: SubscriptionKey): void {
  assertAppId(key.appId);
  assertIdentifier('openid', key.openid);
  assertIdentifier('templateId', key.templateId);
}

export function assertSubscriptionFilter(filter: SubscriptionFilter): void {
  if (filter.openid !== undefined) assertIdentifier('openid', filter.openid);
  if (filter.templateId !== undefined) assertIdentifier('templateId', filter.templateId);
  if (filter.status !== undefined && !SUBSCRIBE_STATUSES.includes(filter.status)) {
    throw new BadUserInputError(`status must be one of ${SUBSCRIBE_STATUSES.join(', ')}`, 'status');
  }
  if (filter.hasQuota !== undefined && typeof filter.hasQuota !== 'boolean') {
    throw new BadUserInputError('hasQuota must be a boolean', 'hasQuota');
  }
}

/** Throws BadUserInputError naming what is wrong with a creditHolders request; its page size. */
export function assertHolderRequest(appId: string, templateId: string, page: PageRequest): number {
  assertAppId(appId);
  assertIdentifier('templateId', templateId);
  const { first } = page;
  if (!Number.isInteger(first) || first < 1 || first > MAX_HOLDER_PAGE) {
    throw new BadUserInputError(
      `first must be an integer between 1 and ${MAX_HOLDER_PAGE}, got ${String(first)}`,
      'first',
    );
  }
  return first;
}

export function assertLedgerWrite(r: {
  status?: SubscribeStatus;
  source?: LedgerSource;
  at: Date;
}): void {
  if (r.status !== undefined && !SUBSCRIBE_STATUSES.includes(r.status)) {
    throw new BadUserInputError(`status must be one of ${SUBSCRIBE_STATUSES.join(', ')}`, 'status');
  }
  if (r.source !== undefined && !LEDGER_SOURCES.includes(r.source)) {
    throw new BadUserInputError(`source must be one of ${LEDGER_SOURCES.join(', ')}`, 'source');
  }
  if (!(r.at instanceof Date) || !Number.isFinite(r.at.getTime()) || r.at.getTime() < 0) {
    throw new BadUserInputError('at must be a valid Date after 1970', 'at');
  }
}
