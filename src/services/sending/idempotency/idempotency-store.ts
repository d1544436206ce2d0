import { BadUserInputError } from '../../../shared/errors.js';
import { assertAppId } from '../../../shared/identifiers.js';

export type ClaimResult =
  { claimed: true } | { claimed: false; fingerprint: string; messageId: string };

/**
 * Idempotency keys of send requests, per app. The first claim of a key wins atomically; later
 * claims learn the winner's request fingerprint (to tell a retry from a different request reusing
 * the key) and message id (to answer the retry with the original message).
 *
 * A claim is a short lease (`ttlSeconds`) that its owner keeps extending while the send runs, so
 * the key of a process that died mid-send frees itself within one lease. Once the send has an
 * outcome, the owner extends the key once more to the whole idempotency window.
 */
export interface IdempotencyStore {
  claim(
    appId: string,
    key: string,
    r: { fingerprint: string; messageId: string; ttlSeconds: number },
  ): Promise<ClaimResult>;
  /**
   * Sets the key's remaining life to `ttlSeconds` if `messageId` still owns it. False when the key
   * expired or another message owns it now (the lease was lost).
   */
  extend(appId: string, key: string, messageId: string, ttlSeconds: number): Promise<boolean>;
  /** Releases the key only if `messageId` still owns it: used when nothing was attempted. */
  forget(appId: string, key: string, messageId: string): Promise<void>;
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export function assertIdempotencyKey(appId: string, key: string): void {
  assertAppId(appId);
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BadUserInputError(
      `idempotencyKey must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      'idempotencyKey',
    );
  }
}

export function assertTtlSeconds(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new Error(`claim ttlSeconds must be a positive integer, got ${String(ttlSeconds)}`);
  }
}

export function assertClaim(r: {
  fingerprint: string;
  messageId: string;
  ttlSeconds: number;
}): void {
  if (
    typeof r.fingerprint !== 'string' ||
    typeof r.messageId !== 'string' ||
    r.messageId.length === 0
  ) {
    throw new Error('claim needs a fingerprint string and a non-empty messageId');
  }
  assertTtlSeconds(r.ttlSeconds);
}
