import { decodeCursor, encodeCursor, pageFromSorted, validatePageSize } from '../../shared/page.js';
import type { Page, PageRequest } from '../../shared/page.js';
import {
  fromJson,
  SCHEDULE_CURSOR,
  toJson,
  type RecurringScheduleRecord,
  type RecurringScheduleStore,
} from './recurring-store.js';

/** In-process schedules (copies in and out, so callers never share a record with the store). */
export class MemoryRecurringScheduleStore implements RecurringScheduleStore {
  private readonly schedules = new Map<string, Map<string, string>>();

  async put(record: RecurringScheduleRecord): Promise<void> {
    this.app(record.appId).set(record.key, toJson(record));
  }

  async get(appId: string, key: string): Promise<RecurringScheduleRecord | null> {
    const json = this.schedules.get(appId)?.get(key);
    return json === undefined ? null : fromJson(json);
  }

  async delete(appId: string, key: string): Promise<boolean> {
    return this.schedules.get(appId)?.delete(key) ?? false;
  }

  async list(appId: string, page: PageRequest): Promise<Page<RecurringScheduleRecord>> {
    const first = validatePageSize(page.first);
    const after = page.after ? decodeCursor(SCHEDULE_CURSOR, page.after, () => true) : null;
    const sorted = [...(this.schedules.get(appId)?.entries() ?? [])]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, json]) => fromJson(json));
    return pageFromSorted(
      sorted,
      (r) => r.key,
      first,
      after,
      (p) => encodeCursor(SCHEDULE_CURSOR, p),
    );
  }

  async recordRun(
    appId: string,
    key: string,
    version: string,
    at: Date,
  ): Promise<RecurringScheduleRecord | null> {
    const current = await this.get(appId, key);
    if (!current || current.version !== version) return null;
    const next: RecurringScheduleRecord = {
      ...current,
      occurrences: current.occurrences + 1,
      lastRunAt: current.lastRunAt && current.lastRunAt > at ? current.lastRunAt : at,
    };
    await this.put(next);
    return next;
  }

  private app(appId: string): Map<string, string> {
    let app = this.schedules.get(appId);
    if (!app) {
      app = new Map();
      this.schedules.set(appId, app);
    }
    return app;
  }
}
