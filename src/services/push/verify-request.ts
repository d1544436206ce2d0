import { PushError } from './push-error.js';
import { pushSignature, signaturesEqual } from './signature.js';

export interface SignedQuery {
  timestamp: string;
  nonce: string;
}

/** Checks the URL `signature` (token, timestamp, nonce) that every GET and POST carries. */
export function verifyUrlSignature(query: URLSearchParams, token: string): SignedQuery {
  const signature = query.get('signature');
  const timestamp = query.get('timestamp');
  const nonce = query.get('nonce');
  const missing = [
    signature === null && 'signature',
    timestamp === null && 'timestamp',
    nonce === null && 'nonce',
  ].filter(Boolean);
  if (signature === null || timestamp === null || nonce === null) {
    throw new PushError('bad_signature', `query is missing ${missing.join(', ')}`);
  }
  if (!signaturesEqual(pushSignature(token, timestamp, nonce), signature)) {
    throw new PushError('bad_signature', 'signature does not match token, timestamp and nonce');
  }
  return { timestamp, nonce };
}

/**
 * Refuses a signed request whose timestamp is too far from our clock: a captured request can
 * only be replayed inside that window (dedup covers repeats within it).
 */
export function checkFreshness(timestamp: string, nowMs: number, windowSeconds: number): void {
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new PushError('replay', 'timestamp is not unix seconds');
  }
  const skew = Math.round(nowMs / 1000) - Number(timestamp);
  if (Math.abs(skew) > windowSeconds) {
    throw new PushError(
      'replay',
      `timestamp is ${Math.abs(skew)}s ${skew > 0 ? 'old' : 'in the future'}, outside the ±${windowSeconds}s window`,
    );
  }
}
