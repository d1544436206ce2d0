import { BadUserInputError } from './errors.js';

/** One page of a cursor-paginated list (Relay-shaped, so the GraphQL edge maps it 1:1). */
export interface Page<T> {
  items: T[];
  /** Cursor of the last item on this page; null when the page is empty. */
  endCursor: string | null;
  hasNextPage: boolean;
  /** Number of items matching the filter, across all pages. */
  totalCount: number;
}

export interface PageRequest {
  /** Page size, 1..MAX_PAGE_SIZE. */
  first: number;
  /** An `endCursor` from an earlier page of the same list; absent or null for the first page. */
  after?: string | null;
}

export const MAX_PAGE_SIZE = 100;

/** Throws BadUserInputError naming `first` unless it is an integer in 1..MAX_PAGE_SIZE. */
export function validatePageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(
      `first must be an integer between 1 and ${MAX_PAGE_SIZE}, got ${String(first)}`,
      'first',
    );
  }
  return first;
}

/**
 * Cursors are opaque to clients: base64url of `<kind>:<position>`. The kind stops a cursor of one
 * list from being replayed against another, where its position would mean something else.
 */
export function encodeCursor(kind: string, position: string): string {
  return Buffer.from(`${kind}:${position}`, 'utf8').toString('base64url');
}

/**
 * Returns the position inside `cursor`, or throws BadUserInputError naming `after` when the cursor
 * was not made by `encodeCursor(kind, …)` or its position fails `isValidPosition`.
 */
export function decodeCursor(
  kind: string,
  cursor: string,
  isValidPosition: (position: string) => boolean,
): string {
  const invalid = () =>
    new BadUserInputError(
      'after is not a cursor returned by this list (use a previous endCursor)',
      'after',
    );
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const prefix = `${kind}:`;
  if (!decoded.startsWith(prefix)) throw invalid();
  const position = decoded.slice(prefix.length);
  if (!isValidPosition(position)) throw invalid();
  return position;
}

/**
 * Builds a page from items already filtered and sorted in list order, each with a position that
 * grows (or shrinks, for `descending`) strictly along that order. Used by the memory adapters and
 * wherever a tiny candidate set is paged in process.
 */
export function pageFromSorted<T>(
  sorted: readonly T[],
  positionOf: (item: T) => string,
  first: number,
  afterPosition: string | null,
  toCursor: (position: string) => string,
  descending = false,
): Page<T> {
  const isAfter = (p: string) =>
    afterPosition === null || (descending ? p < afterPosition : p > afterPosition);
  const start = sorted.findIndex((item) => isAfter(positionOf(item)));
  const rest = start === -1 ? [] : sorted.slice(start);
  const items = rest.slice(0, first);
  const last = items[items.length - 1];
  return {
    items,
    endCursor: last === undefined ? null : toCursor(positionOf(last)),
    hasNextPage: rest.length > first,
    totalCount: sorted.length,
  };
}
