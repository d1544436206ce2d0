import { randomBytes } from 'node:crypto';

/** URL-safe random text of `bytes` random bytes (4 characters per 3 bytes). */
export function randomBase64Url(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
