import {
  pageFromSorted,
  validatePageSize,
  type Page,
  type PageRequest,
} from '../../shared/page.js';
import { decodeLedgerCursor, encodeLedgerCursor, ledgerPosition } from './ledger-order.js';
import {
  afterNoCredit,
  afterRecord,
  afterRelease,
  afterReserve,
  afterRevoke,
  afterSent,
} from './ledger-rules.js';
import {
  assertLedgerWrite,
  assertSubscriptionFilter,
  assertSubscriptionKey,
  hasQuota,
  subscriptionId,
  type LedgerSource,
  type LedgerStore,
  type SubscribeStatus,
  type SubscriptionFilter,
  type SubscriptionKey,
  type SubscriptionRecord,
} from './ledger-store.js';
import { assertAppId } from '../../shared/identifiers.js';

/**
 * Single-process ledger, the default when no Redis is configured. Every method reads and writes
 * without awaiting in between, so each is atomic on the event loop. Listing filters and sorts the
 * app's records on each call: fine for development and small deployments, which is what this
 * adapter is for; the Redis adapter keeps real indexes.
 */
export class MemoryLedgerStore implements LedgerStore {
  /** appId → subscription id → record. Records are replaced, never mutated, and copied out. */
  private readonly apps = new Map<string, Map<string, SubscriptionRecord>>();

  async record(
    key: SubscriptionKey,
    r: { status: SubscribeStatus; longTerm: boolean; source: LedgerSource; at: Date },
  ): Promise<SubscriptionRecord> {
    assertSubscriptionKey(key);
    assertLedgerWrite(r);
    return copy(this.put(afterRecord(this.find(key), key, { ...r, at: new Date(r.at) })));
  }

  async reserve(key: SubscriptionKey, at: Date): Promise<boolean> {
    assertSubscriptionKey(key);
    assertLedgerWrite({ at });
    const next = afterReserve(this.find(key), new Date(at));
    if (next === null) return false;
    this.put(next);
    return true;
  }

  async release(key: SubscriptionKey, at: Date): Promise<void> {
    assertSubscriptionKey(key);
    assertLedgerWrite({ at });
    const next = afterRelease(this.find(key), new Date(at));
    if (next !== null) this.put(next);
  }

  async recordSent(
    key: SubscriptionKey,
    r: { reserved: boolean; at: Date },
  ): Promise<SubscriptionRecord | null> {
    assertSubscriptionKey(key);
    assertLedgerWrite(r);
    const next = afterSent(this.find(key), { reserved: r.reserved, at: new Date(r.at) });
    return next === null ? null : copy(this.put(next));
  }

  async markNoCredit(key: SubscriptionKey, at: Date): Promise<void> {
    assertSubscriptionKey(key);
    assertLedgerWrite({ at });
    const next = afterNoCredit(this.find(key), new Date(at));
    if (next !== null) this.put(next);
  }

  async revoke(
    key: SubscriptionKey,
    r: { source: LedgerSource; at: Date },
  ): Promise<SubscriptionRecord | null> {
    assertSubscriptionKey(key);
    assertLedgerWrite(r);
    const next = afterRevoke(this.find(key), { source: r.source, at: new Date(r.at) });
    return next === null ? null : copy(this.put(next));
  }

  async get(key: SubscriptionKey): Promise<SubscriptionRecord | null> {
    assertSubscriptionKey(key);
    const found = this.find(key);
    return found === null ? null : copy(found);
  }

  async list(
    appId: string,
    filter: SubscriptionFilter,
    page: PageRequest,
  ): Promise<Page<SubscriptionRecord>> {
    assertAppId(appId);
    assertSubscriptionFilter(filter);
    const first = validatePageSize(page.first);
    const after = page.after ? decodeLedgerCursor(page.after) : null;
    const matching = [...(this.apps.get(appId)?.values() ?? [])]
      .filter((r) => matches(r, filter))
      .map((r) => ({ r, position: ledgerPosition(r) }))
      .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
    const result = pageFromSorted(matching, (m) => m.position, first, after, encodeLedgerCursor);
    return { ...result, items: result.items.map((m) => copy(m.r)) };
  }

  private find(key: SubscriptionKey): SubscriptionRecord | null {
    return this.apps.get(key.appId)?.get(subscriptionId(key.openid, key.templateId)) ?? null;
  }

  private put(record: SubscriptionRecord): SubscriptionRecord {
    let records = this.apps.get(record.appId);
    if (records === undefined) {
      records = new Map();
      this.apps.set(record.appId, records);
    }
    records.set(record.id, record);
    return record;
  }
}

function matches(r: SubscriptionRecord, filter: SubscriptionFilter): boolean {
  return (
    (filter.openid === undefined || r.openid === filter.openid) &&
    (filter.templateId === undefined || r.templateId === filter.templateId) &&
    (filter.status === undefined || r.status === filter.status) &&
    (filter.hasQuota === undefined || hasQuota(r) === filter.hasQuota)
  );
}

function copy(r: SubscriptionRecord): SubscriptionRecord {
  return { ...r, createdAt: new Date(r.createdAt), updatedAt: new Date(r.updatedAt) };
}
