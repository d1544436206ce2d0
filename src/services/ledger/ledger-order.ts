import { decodeCursor, encodeCursor } from '../../shared/page.js';
import type { SubscriptionRecord } from './ledger-store.js';

// List order of the ledger: createdAt, then id. A record's position is a string whose plain
// (byte-wise) order is that order, so it serves both as the Redis sorted-set member (all scores
// 0, ranged BYLEX) and as the cursor payload. createdAt never changes, so neither does a position:
// pages stay stable while records are updated between them.

const CURSOR_KIND = 'sub';
const POSITION = /^\d{16}\|[A-Za-z0-9_-]+$/;

export function ledgerPosition(r: Pick<SubscriptionRecord, 'createdAt' | 'id'>): string {
  return `${String(r.createdAt.getTime()).padStart(16, '0')}|${r.id}`;
}

/** The record id a position ends with. */
export function positionId(position: string): string {
  return position.slice(position.indexOf('|') + 1);
}

export function encodeLedgerCursor(position: string): string {
  return encodeCursor(CURSOR_KIND, position);
}

export function decodeLedgerCursor(after: string): string {
  return decodeCursor(CURSOR_KIND, after, (p) => POSITION.test(p));
}
