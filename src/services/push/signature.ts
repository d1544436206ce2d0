import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * WeChat's push signature: lowercase hex SHA-1 of the strings sorted lexicographically and
 * concatenated without a separator. `signature` uses (token, timestamp, nonce);
 * `msg_signature` adds the `Encrypt` value.
 */
export function pushSignature(
  token: string,
  timestamp: string,
  nonce: string,
  ...extra: string[]
): string {
  const parts = [token, timestamp, nonce, ...extra].sort();
  return createHash('sha1').update(parts.join(''), 'utf8').digest('hex');
}

/** Compares two signatures without leaking, through timing, how many leading characters match. */
export function signaturesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    // Still do the work of a comparison so a length mismatch is not the fast path.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
