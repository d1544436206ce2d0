import type { Page, PageRequest } from '../../shared/page.js';

/** A recurring schedule: what to send (validated when it was upserted) and when. */
export interface RecurringScheduleRecord {
  appId: string;
  key: string;
  openid: string;
  templateId: string;
  data: Record<string, string>;
  page: string | null;
  miniprogramState: string;
  lang: string;
  cron: string;
  timezone: string;
  startAt: Date | null;
  endAt: Date | null;
  limit: number | null;
  /** Occurrences run since this version of the schedule was upserted. */
  occurrences: number;
  lastRunAt: Date | null;
  /** Changes on every upsert: a run of a replaced version is not counted against the new one. */
  version: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The recurring schedules of each app, by key. */
export interface RecurringScheduleStore {
  /** Creates or replaces the schedule under its key. */
  put(record: RecurringScheduleRecord): Promise<void>;
  get(appId: string, key: string): Promise<RecurringScheduleRecord | null>;
  /** True if there was one. */
  delete(appId: string, key: string): Promise<boolean>;
  /** By key, in code-unit order. */
  list(appId: string, page: PageRequest): Promise<Page<RecurringScheduleRecord>>;
  /**
   * Counts one run of `version` at `at` (occurrences + 1, lastRunAt): atomic, and only while the
   * stored schedule is still that version. Returns the schedule after it, or null if not counted.
   */
  recordRun(
    appId: string,
    key: string,
    version: string,
    at: Date,
  ): Promise<RecurringScheduleRecord | null>;
}

export const SCHEDULE_CURSOR = 'recurring';

export function toJson(record: RecurringScheduleRecord): string {
  return JSON.stringify(record);
}

export function fromJson(json: string): RecurringScheduleRecord {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    ...(raw as unknown as RecurringScheduleRecord),
    startAt: date(raw.startAt),
    endAt: date(raw.endAt),
    lastRunAt: date(raw.lastRunAt),
    createdAt: new Date(raw.createdAt as string),
    updatedAt: new Date(raw.updatedAt as string),
  };
}
