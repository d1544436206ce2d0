import {
  decodeCursor,
  encodeCursor,
  validatePageSize,
  type Page,
  type PageRequest,
} from '../../shared/page.js';
import type { RecurringScheduleView } from './recurring-service.js';
import { SCHEDULE_CURSOR } from './recurring-store.js';

/** What listing needs of one app: its name and its schedules service. */
export interface AppSchedules {
  name: string;
  recurring: {
    list(page: PageRequest): Promise<Page<RecurringScheduleView>>;
    get(key: string): Promise<RecurringScheduleView | null>;
  };
}

const MERGED_CURSOR = 'recurring-apps';
// Keys are unique within an app only, so the merged order is (key, app in the given order) and a
// cursor names both. A position is `key \n app name`: neither a key nor a name holds a newline.
const SEPARATOR = '\n';

/**
 * One page of the schedules of several apps, by key then app. Each app's own list continues
 * strictly after a key; the apps after the cursor's app may still hold that very key, so it is
 * looked up in them directly.
 */
export async function listSchedulesAcrossApps(
  apps: readonly AppSchedules[],
  page: PageRequest,
): Promise<Page<RecurringScheduleView>> {
  if (apps.length === 1) return apps[0]!.recurring.list(page);
  const first = validatePageSize(page.first);
  const names = apps.map((app) => app.name);
  const cursor = page.after ? decodeMergedCursor(page.after, names) : null;
  const after = cursor ? encodeCursor(SCHEDULE_CURSOR, cursor.key) : null;
  const candidates: { view: RecurringScheduleView; index: number }[] = [];
  let more = false;
  let total = 0;
  await Promise.all(
    apps.map(async (app, index) => {
      const own = await app.recurring.list({ first, after });
      total += own.totalCount;
      more ||= own.hasNextPage;
      for (const view of own.items) candidates.push({ view, index });
      if (cursor && index > cursor.index) {
        const same = await app.recurring.get(cursor.key);
        if (same) candidates.push({ view: same, index });
      }
    }),
  );
  candidates.sort((a, b) =>
    a.view.key === b.view.key ? a.index - b.index : a.view.key < b.view.key ? -1 : 1,
  );
  const taken = candidates.slice(0, first);
  const last = taken[taken.length - 1];
  return {
    items: taken.map((candidate) => candidate.view),
    endCursor: last ? encodeMergedCursor(last.view.key, names[last.index]!) : null,
    hasNextPage: more || candidates.length > taken.length,
    totalCount: total,
  };
}

/** The cursor of an item of a merged list (every edge gets one). */
export function mergedScheduleCursor(key: string, app: string): string {
  return encodeMergedCursor(key, app);
}

function encodeMergedCursor(key: string, app: string): string {
  return encodeCursor(MERGED_CURSOR, `${key}${SEPARATOR}${app}`);
}

function decodeMergedCursor(after: string, names: readonly string[]) {
  const position = decodeCursor(MERGED_CURSOR, after, (p) => {
    const at = p.lastIndexOf(SEPARATOR);
    return at > 0 && names.includes(p.slice(at + 1));
  });
  const at = position.lastIndexOf(SEPARATOR);
  return { key: position.slice(0, at), index: names.indexOf(position.slice(at + 1)) };
}
