import { validatePageSize, type Page, type PageRequest } from '../../shared/page.js';
import {
  copyCampaign,
  decodeCampaignCursor,
  DuplicateCampaignKeyError,
  encodeCampaignCursor,
  type CampaignPatch,
  type CampaignRecord,
  type CampaignStatus,
  type CampaignStore,
  type CampaignTransition,
} from './campaign-store.js';

/** Campaigns in this process: the memory/sandbox default. */
export class MemoryCampaignStore implements CampaignStore {
  private readonly records = new Map<string, CampaignRecord>();
  private readonly audiences = new Map<string, string[]>();

  async create(record: CampaignRecord, openids?: readonly string[]): Promise<void> {
    const existing = await this.findByKey(record.appId, record.key);
    if (existing) throw new DuplicateCampaignKeyError(record.appId, record.key, existing.id);
    if (this.records.has(record.id)) throw new Error(`campaign ${record.id} already exists`);
    this.records.set(record.id, copyCampaign(record));
    this.audiences.set(record.id, openids ? [...openids] : []);
  }

  async get(id: string): Promise<CampaignRecord | null> {
    const record = this.records.get(id);
    return record ? copyCampaign(record) : null;
  }

  async findByKey(appId: string, key: string): Promise<CampaignRecord | null> {
    for (const record of this.records.values())
      if (record.appId === appId && record.key === key) return copyCampaign(record);
    return null;
  }

  async transition(
    id: string,
    from: readonly CampaignStatus[] | null,
    patch: CampaignPatch,
  ): Promise<CampaignTransition> {
    const record = this.records.get(id);
    if (!record) return { applied: false, record: null };
    if (from !== null && !from.includes(record.status))
      return { applied: false, record: copyCampaign(record) };
    const next = copyCampaign({ ...record, ...stripUndefined(patch) });
    this.records.set(id, next);
    return { applied: true, record: copyCampaign(next) };
  }

  async list(
    appId: string,
    filter: { status?: CampaignStatus },
    page: PageRequest,
  ): Promise<Page<CampaignRecord>> {
    const first = validatePageSize(page.first);
    const after = page.after ? decodeCampaignCursor(page.after) : null;
    const matching = [...this.records.values()]
      .filter((c) => c.appId === appId && (!filter.status || c.status === filter.status))
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    const rest = after === null ? matching : matching.filter((c) => c.id < after);
    const items = rest.slice(0, first).map(copyCampaign);
    const last = items[items.length - 1];
    return {
      items,
      endCursor: last ? encodeCampaignCursor(last.id) : null,
      hasNextPage: rest.length > first,
      totalCount: matching.length,
    };
  }

  async listUnfinished(appId: string): Promise<CampaignRecord[]> {
    return [...this.records.values()]
      .filter((c) => c.appId === appId && c.finishedAt === null)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(copyCampaign);
  }

  async appendAudience(
    id: string,
    expected: string | null,
    openids: readonly string[],
    next: { cursor: string | null; fix: boolean },
  ): Promise<boolean> {
    const record = this.records.get(id);
    const audience = this.audiences.get(id);
    if (!record || !audience || record.total !== null || record.audienceCursor !== expected)
      return false;
    audience.push(...openids);
    record.audienceCursor = next.cursor;
    if (next.fix) record.total = audience.length;
    return true;
  }

  async audience(id: string, start: number, count: number): Promise<string[]> {
    return (this.audiences.get(id) ?? []).slice(start, start + count);
  }
}

function stripUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
