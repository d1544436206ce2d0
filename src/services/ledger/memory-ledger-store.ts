import { validatePageSize, type Page, type PageRequest } from '../../shared/page.js';
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
  assertHolderRequest,
  assertLedgerWrite,
  assertSubscriptionFilter,
  assertSubscriptionKey,
  hasQuota,
  subscriptionId,
  type HolderPage,
  type LedgerSource,
  type LedgerStore,
  type SubscribeStatus,
  type SubscriptionFilter,
  type SubscriptionKey,
  type SubscriptionRecord,
} from './ledger-store.js';
import { assertAppId } from '../../shared/identifiers.js';

/** An app's records, and their ids in list order (a record's position never changes). */
interface AppLedger {
  records: Map<string, SubscriptionRecord>;
  order: { position: string; id: string }[];
}

/**
 * Single-process ledger, the default when no Redis is configured. Every method reads and writes
 * without awaiting in between, so each is atomic on the event loop. Listing walks the app's
 * records in list order and filters them: fine for development and small deployments, which is
 * what this adapter is for; the Redis adapter keeps an index per filter. The order is kept as
 * records are added, not sorted per page: a campaign pages through every credit holder, and
 * sorting the whole ledger for each page of 100 made that quadratic in time and garbage.
 */
export class MemoryLedgerStore implements LedgerStore {
  /** Records are replaced, never mutated, and copied out. */
  private readonly apps = new Map<string, AppLedger>();

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
    const ledger = this.apps.get(appId);
    const items: SubscriptionRecord[] = [];
    let totalCount = 0;
    let endPosition: string | null = null;
    let hasNextPage = false;
    // An index loop: a campaign's audience pages through every holder, and for…of allocated an
    // iterator result per record per page.
    const order = ledger?.order ?? [];
    for (let i = 0; i < order.length; i++) {
      const { position, id } = order[i]!;
      const r = ledger!.records.get(id)!;
      if (!matches(r, filter)) continue;
      totalCount++;
      if (after !== null && position <= after) continue;
      if (items.length < first) {
        items.push(copy(r));
        endPosition = position;
      } else hasNextPage = true;
    }
    return {
      items,
      endCursor: endPosition === null ? null : encodeLedgerCursor(endPosition),
      hasNextPage,
      totalCount,
    };
  }

  async creditHolders(appId: string, templateId: string, page: PageRequest): Promise<HolderPage> {
    const first = assertHolderRequest(appId, templateId, page);
    const after = page.after ? decodeLedgerCursor(page.after) : null;
    const ledger = this.apps.get(appId);
    const openids: string[] = [];
    let endPosition: string | null = null;
    let hasNextPage = false;
    const holders: SubscriptionFilter = { templateId, hasQuota: true };
    const order = ledger?.order ?? [];
    for (let i = after === null ? 0 : firstIndex(order, after, true); i < order.length; i++) {
      const { position, id } = order[i]!;
      const r = ledger!.records.get(id)!;
      if (!matches(r, holders)) continue;
      if (openids.length === first) {
        hasNextPage = true;
        break;
      }
      openids.push(r.openid);
      endPosition = position;
    }
    return {
      openids,
      endCursor: endPosition === null ? null : encodeLedgerCursor(endPosition),
      hasNextPage,
    };
  }

  private find(key: SubscriptionKey): SubscriptionRecord | null {
    return (
      this.apps.get(key.appId)?.records.get(subscriptionId(key.openid, key.templateId)) ?? null
    );
  }

  private put(record: SubscriptionRecord): SubscriptionRecord {
    let ledger = this.apps.get(record.appId);
    if (ledger === undefined) {
      ledger = { records: new Map(), order: [] };
      this.apps.set(record.appId, ledger);
    }
    if (!ledger.records.has(record.id))
      insertInOrder(ledger.order, ledgerPosition(record), record.id);
    ledger.records.set(record.id, record);
    return record;
  }
}

/** Inserts at the place list order gives it; records mostly arrive in order, so at the end. */
function insertInOrder(order: AppLedger['order'], position: string, id: string): void {
  const last = order[order.length - 1];
  const at =
    last === undefined || last.position < position
      ? order.length
      : firstIndex(order, position, false);
  order.splice(at, 0, { position, id });
}

/** The index of the first entry after `position` (`strictly`) or from it on, by binary search. */
function firstIndex(order: AppLedger['order'], position: string, strictly: boolean): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const at = order[mid]!.position;
    if (at < position || (strictly && at === position)) low = mid + 1;
    else high = mid;
  }
  return low;
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
