import { describe, expect, it } from '@jest/globals';
import { mergePages } from '../../../../src/services/apps/merge-pages.js';
import { pageFromSorted, type Page } from '../../../../src/shared/page.js';

/** One app's list as its store would page it: ids newest first, a cursor is an id. */
function appList(ids: string[]) {
  const sorted = [...ids].sort().reverse();
  return (first: number, after: string | null): Page<string> =>
    pageFromSorted(
      sorted,
      (id) => id,
      first,
      after,
      (id) => id,
      true,
    );
}

const order = { positionOf: (id: string) => id, cursorOf: (id: string) => id, descending: true };

describe('mergePages', () => {
  it('pages through several apps’ lists newest first, every record exactly once', () => {
    const shop = appList(['a01', 'a04', 'a05', 'a09', 'a10']);
    const clinic = appList(['a02', 'a03', 'a06', 'a07', 'a08', 'a11']);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Page<string> = mergePages([shop(3, after), clinic(3, after)], {
        first: 3,
        ...order,
      });
      expect(page.totalCount).toBe(11);
      seen.push(...page.items);
      pages += 1;
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect(seen).toEqual([
      'a11',
      'a10',
      'a09',
      'a08',
      'a07',
      'a06',
      'a05',
      'a04',
      'a03',
      'a02',
      'a01',
    ]);
    expect(pages).toBe(4);
  });

  it('says there is more when an app had more than it was asked for, even with all taken', () => {
    const quiet = appList([]);
    const busy = appList(['c01', 'c02', 'c03']);
    const page = mergePages([quiet(2, null), busy(2, null)], { first: 2, ...order });
    expect(page.items).toEqual(['c03', 'c02']);
    expect(page.hasNextPage).toBe(true);
    expect(page.endCursor).toBe('c02');
  });

  it('hands a single app’s page back as it is', () => {
    const page = appList(['x1', 'x2'])(1, null);
    expect(mergePages([page], { first: 1, ...order })).toBe(page);
  });

  it('orders ascending lists ascending', () => {
    const a = { items: ['p1', 'p4'], endCursor: 'p4', hasNextPage: false, totalCount: 2 };
    const b = { items: ['p2', 'p3'], endCursor: 'p3', hasNextPage: false, totalCount: 2 };
    const page = mergePages([a, b], { first: 3, ...order, descending: false });
    expect(page.items).toEqual(['p1', 'p2', 'p3']);
    expect(page).toMatchObject({ endCursor: 'p3', hasNextPage: true, totalCount: 4 });
  });
});
