import type {
  LedgerSource,
  SubscribeStatus,
  SubscriptionKey,
  SubscriptionRecord,
} from './ledger-store.js';
import { subscriptionId } from './ledger-store.js';

// The ledger's state transitions as pure functions over a record. The memory adapter applies them
// directly; the Redis adapter's Lua script (redis-ledger-scripts.ts) is a line-by-line
// transliteration, and the shared contract suite keeps the two in step. `null` in = no record.

export function afterRecord(
  existing: SubscriptionRecord | null,
  key: SubscriptionKey,
  r: { status: SubscribeStatus; longTerm: boolean; source: LedgerSource; at: Date },
): SubscriptionRecord {
  if (existing === null) {
    const fresh: SubscriptionRecord = {
      id: subscriptionId(key.openid, key.templateId),
      appId: key.appId,
      openid: key.openid,
      templateId: key.templateId,
      longTerm: r.longTerm,
      status: 'FILTER',
      remaining: r.longTerm ? null : 0,
      accepted: 0,
      sent: 0,
      source: r.source,
      createdAt: r.at,
      updatedAt: r.at,
    };
    return r.status === 'FILTER' ? fresh : afterRecord(fresh, key, r);
  }
  // A filtered duplicate title grants and removes nothing: WeChat did not show it to the user.
  if (r.status === 'FILTER') return { ...existing, updatedAt: r.at };
  const next: SubscriptionRecord = {
    ...existing,
    longTerm: r.longTerm,
    status: r.status,
    source: r.source,
    updatedAt: r.at,
  };
  if (r.status === 'ACCEPT') {
    next.accepted = existing.accepted + 1;
    next.remaining = r.longTerm ? null : (existing.remaining ?? 0) + 1;
  } else if (r.status === 'REJECT') {
    // Each accept of a one-time template is a subscription of its own: declining the popup once
    // more grants nothing but leaves the earlier ones. (A settings change to reject is revoke().)
    next.remaining = r.longTerm ? null : (existing.remaining ?? 0);
  } else {
    next.remaining = r.longTerm ? null : 0;
  }
  return next;
}

/** The record after taking one credit, or null when there is no credit to take. */
export function afterReserve(
  existing: SubscriptionRecord | null,
  at: Date,
): SubscriptionRecord | null {
  if (existing === null) return null;
  // Long-term: no count to take from, the ACCEPT status itself is the permission.
  if (existing.longTerm) return existing.status === 'ACCEPT' ? existing : null;
  const remaining = existing.remaining ?? 0;
  if (remaining <= 0) return null;
  return { ...existing, remaining: remaining - 1, updatedAt: at };
}

/**
 * Returns the credit while the record still grants: if the user turned the template off (or was
 * banned) between reserve and release, handing the credit back would resurrect a withdrawn
 * permission. A popup REJECT keeps earlier credits, so REJECT with credits left still takes it
 * back; REJECT with none left may be a settings change (which zeroes them), so it does not.
 */
export function afterRelease(
  existing: SubscriptionRecord | null,
  at: Date,
): SubscriptionRecord | null {
  if (existing === null || existing.longTerm || !mayRelease(existing)) return null;
  return { ...existing, remaining: (existing.remaining ?? 0) + 1, updatedAt: at };
}

function mayRelease(r: SubscriptionRecord): boolean {
  return r.status === 'ACCEPT' || (r.status === 'REJECT' && (r.remaining ?? 0) > 0);
}

export function afterSent(
  existing: SubscriptionRecord | null,
  r: { reserved: boolean; at: Date },
): SubscriptionRecord | null {
  if (existing === null) return null;
  const next: SubscriptionRecord = { ...existing, sent: existing.sent + 1, updatedAt: r.at };
  // The "track" quota policy sends without reserving, so the credit is consumed here instead.
  if (!r.reserved && !existing.longTerm)
    next.remaining = Math.max(0, (existing.remaining ?? 0) - 1);
  return next;
}

export function afterNoCredit(
  existing: SubscriptionRecord | null,
  at: Date,
): SubscriptionRecord | null {
  if (existing === null || existing.longTerm) return null;
  return { ...existing, remaining: 0, updatedAt: at };
}

export function afterRevoke(
  existing: SubscriptionRecord | null,
  r: { source: LedgerSource; at: Date },
): SubscriptionRecord | null {
  if (existing === null) return null;
  return {
    ...existing,
    status: 'REJECT',
    remaining: existing.longTerm ? null : 0,
    source: r.source,
    updatedAt: r.at,
  };
}
