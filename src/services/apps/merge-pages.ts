import type { Page } from '../../shared/page.js';

/**
 * One page of a list that spans several apps. Every app's list is ordered by the same global
 * position (message ids, ledger positions), and a cursor is a position rather than a row, so each
 * app is asked for `first` items after the same cursor and the results are merged by position.
 */
export function mergePages<T>(
  pages: readonly Page<T>[],
  options: {
    first: number;
    positionOf: (item: T) => string;
    cursorOf: (item: T) => string;
    descending: boolean;
  },
): Page<T> {
  if (pages.length === 1) return pages[0]!;
  const all = pages.flatMap((page) => page.items);
  const sign = options.descending ? -1 : 1;
  all.sort((a, b) => {
    const pa = options.positionOf(a);
    const pb = options.positionOf(b);
    return pa < pb ? -sign : pa > pb ? sign : 0;
  });
  const items = all.slice(0, options.first);
  const last = items[items.length - 1];
  return {
    items,
    endCursor: last === undefined ? null : options.cursorOf(last),
    hasNextPage: all.length > items.length || pages.some((page) => page.hasNextPage),
    totalCount: pages.reduce((sum, page) => sum + page.totalCount, 0),
  };
}
