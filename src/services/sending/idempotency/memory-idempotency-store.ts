import { systemClock, type Clock } from '../../../shared/clock.js';
import { ExpiringMap } from '../../../infra/memory/expiring-map.js';
import {
  assertClaim,
  assertIdempotencyKey,
  assertTtlSeconds,
  type ClaimResult,
  type IdempotencyStore,
} from './idempotency-store.js';

/** Single-process idempotency keys; expiry follows the injected clock (milliseconds). */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries: ExpiringMap<{ fingerprint: string; messageId: string }>;

  constructor(deps: { now?: Clock } = {}) {
    this.entries = new ExpiringMap(deps.now ?? systemClock);
  }

  async claim(
    appId: string,
    key: string,
    r: { fingerprint: string; messageId: string; ttlSeconds: number },
  ): Promise<ClaimResult> {
    assertIdempotencyKey(appId, key);
    assertClaim(r);
    const id = entryId(appId, key);
    const winner = this.entries.get(id);
    if (winner !== undefined) return { claimed: false, ...winner };
    this.entries.set(
      id,
      { fingerprint: r.fingerprint, messageId: r.messageId },
      r.ttlSeconds * 1000,
    );
    return { claimed: true };
  }

  async extend(
    appId: string,
    key: string,
    messageId: string,
    ttlSeconds: number,
  ): Promise<boolean> {
    assertIdempotencyKey(appId, key);
    assertTtlSeconds(ttlSeconds);
    const id = entryId(appId, key);
    const entry = this.entries.get(id);
    if (entry?.messageId !== messageId) return false;
    this.entries.set(id, entry, ttlSeconds * 1000);
    return true;
  }

  async forget(appId: string, key: string, messageId: string): Promise<void> {
    assertIdempotencyKey(appId, key);
    const id = entryId(appId, key);
    if (this.entries.get(id)?.messageId === messageId) this.entries.delete(id);
  }
}

function entryId(appId: string, key: string): string {
  return `${appId}\u0000${key}`;
}
