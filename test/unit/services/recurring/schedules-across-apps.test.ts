import { describe, expect, it } from '@jest/globals';
import type { RecurringScheduleView } from '../../../../src/services/recurring/recurring-service.js';
import { SCHEDULE_CURSOR } from '../../../../src/services/recurring/recurring-store.js';
import {
  listSchedulesAcrossApps,
  type AppSchedules,
} from '../../../../src/services/recurring/schedules-across-apps.js';
import {
  decodeCursor,
  encodeCursor,
  pageFromSorted,
  type Page,
} from '../../../../src/shared/page.js';

/** One app's schedules as its store pages them: by key, a cursor continuing strictly after one. */
function appWith(name: string, keys: string[]): AppSchedules {
  const views = [...keys]
    .sort()
    .map((key) => ({ key, appId: `wx${name}` }) as RecurringScheduleView);
  return {
    name,
    recurring: {
      async list(page) {
        const after = page.after ? decodeCursor(SCHEDULE_CURSOR, page.after, () => true) : null;
        return pageFromSorted(
          views,
          (v) => v.key,
          page.first,
          after,
          (k) => encodeCursor(SCHEDULE_CURSOR, k),
        );
      },
      async get(key) {
        return views.find((v) => v.key === key) ?? null;
      },
    },
  };
}

describe('listSchedulesAcrossApps', () => {
  const shop = appWith('shop', ['daily', 'monthly', 'weekly']);
  const clinic = appWith('clinic', ['daily', 'hourly', 'weekly']);

  it('pages through several apps by key then app, every schedule exactly once, whatever the page size', async () => {
    for (const first of [1, 2, 3, 4, 7]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 10; pages += 1) {
        const page: Page<RecurringScheduleView> = await listSchedulesAcrossApps([shop, clinic], {
          first,
          after,
        });
        expect(page.totalCount).toBe(6);
        seen.push(...page.items.map((v) => `${v.key}@${v.appId}`));
        if (!page.hasNextPage) break;
        after = page.endCursor;
      }
      expect({ first, seen }).toEqual({
        first,
        seen: [
          'daily@wxshop',
          'daily@wxclinic',
          'hourly@wxclinic',
          'monthly@wxshop',
          'weekly@wxshop',
          'weekly@wxclinic',
        ],
      });
    }
  });

  it('refuses a cursor naming an app the caller does not see', async () => {
    const first = await listSchedulesAcrossApps([shop, clinic], { first: 2 });
    expect(first.items.map((v) => v.appId)).toEqual(['wxshop', 'wxclinic']);
    await expect(
      listSchedulesAcrossApps([shop, appWith('pharmacy', [])], {
        first: 1,
        after: first.endCursor,
      }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('leaves a single app’s list as its store pages it', async () => {
    const page = await listSchedulesAcrossApps([shop], { first: 2 });
    expect(page.items.map((v) => v.key)).toEqual(['daily', 'monthly']);
    expect(page.endCursor).toBe(encodeCursor(SCHEDULE_CURSOR, 'monthly'));
  });
});
