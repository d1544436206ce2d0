import { chinaDayOf, MINUTE_MS, SECOND_MS, type Clock } from '../common/clock.js';
import { randomBase64Url } from '../common/random-ids.js';

export type TokenMode = 'classic' | 'stable';

/** What a business API makes of an access_token (docs/wechat.md §1.3). */
export type TokenStatus = 'valid' | 'unknown' | 'superseded' | 'expired';

interface TokenRecord {
  token: string;
  mode: TokenMode;
  issuedAt: number;
  expiresAt: number;
  /** When a newer token (or a force refresh) made this one stop working. */
  revokedAt?: number;
}

export interface IssuedToken {
  access_token: string;
  /** Seconds this token has left. */
  expires_in: number;
}

export type StableTokenResult = { ok: true; token: IssuedToken } | { ok: false; errcode: 45009 };

/** Both the classic grace period and the stable refresh-ahead/overlap window (docs/wechat.md §1.1, §1.2). */
const FIVE_MINUTES_MS = 5 * MINUTE_MS;
const FORCE_REFRESH_SPACING_MS = 30 * SECOND_MS;
export const FORCE_REFRESHES_PER_DAY = 20;
/** Dead tokens are forgotten after this long; they then answer 40014 instead of 40001/42001. */
const FORGET_AFTER_MS = 24 * 60 * MINUTE_MS;

/**
 * Issues and judges access tokens the way WeChat does:
 * - classic (/cgi-bin/token): every call issues a new token; the previous one keeps working for a
 *   5-minute grace period, anything older dies at once;
 * - stable (/cgi-bin/stable_token): the same token until 5 minutes before it expires, then a new one
 *   while the old one lives out its last minutes (the overlap); force_refresh kills the live stable
 *   tokens at once, at most 20 times per Beijing day and never twice within 30 s (a force inside
 *   30 s returns the current token without refreshing and without counting);
 * - the two modes never affect each other.
 * With a lifetime under 10 minutes the 5-minute windows would swallow it, so the stable
 * refresh-ahead window shrinks to half the lifetime (then `expires_in` can be below WeChat's 300).
 */
export class TokenAuthority {
  private readonly records = new Map<string, TokenRecord>();
  private classicCurrent: TokenRecord | undefined;
  private classicPrevious: TokenRecord | undefined;
  private stableCurrent: TokenRecord | undefined;
  private lastForceAt: number | undefined;
  private forceDay = -1;
  private forcesToday = 0;
  private readonly issued: Record<TokenMode, number> = { classic: 0, stable: 0 };

  constructor(
    private readonly now: Clock,
    private readonly lifetimeSeconds: number,
  ) {}

  get issuedCounts(): Readonly<Record<TokenMode, number>> {
    return { ...this.issued };
  }

  get forceRefreshesToday(): number {
    return this.forceDay === chinaDayOf(this.now()) ? this.forcesToday : 0;
  }

  status(token: string): TokenStatus {
    const record = this.records.get(token);
    if (!record) return 'unknown';
    const now = this.now();
    if (
      record.revokedAt !== undefined &&
      record.revokedAt <= record.expiresAt &&
      now >= record.revokedAt
    ) {
      return 'superseded';
    }
    return now >= record.expiresAt ? 'expired' : 'valid';
  }

  issueClassic(): IssuedToken {
    const now = this.now();
    this.revoke(this.classicPrevious, now);
    this.revoke(this.classicCurrent, now + FIVE_MINUTES_MS);
    this.classicPrevious = this.classicCurrent;
    this.classicCurrent = this.mint('classic');
    return this.describe(this.classicCurrent);
  }

  stable(forceRefresh: boolean): StableTokenResult {
    const now = this.now();
    if (forceRefresh && !this.forcedRecently(now)) {
      const day = chinaDayOf(now);
      if (this.forceDay !== day) {
        this.forceDay = day;
        this.forcesToday = 0;
      }
      if (this.forcesToday >= FORCE_REFRESHES_PER_DAY) return { ok: false, errcode: 45009 };
      this.forcesToday += 1;
      this.lastForceAt = now;
      this.revokeAll('stable', now);
      this.stableCurrent = this.mint('stable');
      return { ok: true, token: this.describe(this.stableCurrent) };
    }
    const current = this.stableCurrent;
    const reusable =
      current !== undefined &&
      this.status(current.token) === 'valid' &&
      current.expiresAt - now > this.stableRefreshAheadMs();
    // A replaced stable token is not revoked: it lives out its remaining minutes (the overlap).
    if (!reusable) this.stableCurrent = this.mint('stable');
    return { ok: true, token: this.describe(this.stableCurrent!) };
  }

  /** Control surface: every live token (both modes) expires now. Returns how many did. */
  expireAll(): number {
    const now = this.now();
    let count = 0;
    for (const record of this.records.values()) {
      if (this.status(record.token) !== 'valid') continue;
      record.expiresAt = now;
      count += 1;
    }
    return count;
  }

  /** Control surface: a new token of `mode`; every older token of that mode stops working now. */
  rotate(mode: TokenMode): { token: IssuedToken; invalidated: number } {
    const invalidated = this.revokeAll(mode, this.now());
    const record = this.mint(mode);
    if (mode === 'classic') {
      this.classicCurrent = record;
      this.classicPrevious = undefined;
    } else {
      this.stableCurrent = record;
    }
    return { token: this.describe(record), invalidated };
  }

  reset(): void {
    this.records.clear();
    this.classicCurrent = this.classicPrevious = this.stableCurrent = undefined;
    this.lastForceAt = undefined;
    this.forceDay = -1;
    this.forcesToday = 0;
    this.issued.classic = this.issued.stable = 0;
  }

  private forcedRecently(now: number): boolean {
    return this.lastForceAt !== undefined && now - this.lastForceAt < FORCE_REFRESH_SPACING_MS;
  }

  private stableRefreshAheadMs(): number {
    return Math.min(FIVE_MINUTES_MS, (this.lifetimeSeconds * SECOND_MS) / 2);
  }

  private revoke(record: TokenRecord | undefined, at: number): void {
    if (!record) return;
    record.revokedAt = Math.min(record.revokedAt ?? Infinity, at);
  }

  private revokeAll(mode: TokenMode, at: number): number {
    let count = 0;
    for (const record of this.records.values()) {
      if (record.mode !== mode || this.status(record.token) !== 'valid') continue;
      this.revoke(record, at);
      count += 1;
    }
    return count;
  }

  private mint(mode: TokenMode): TokenRecord {
    const now = this.now();
    this.forgetDeadTokens(now);
    // WeChat tokens look like `86_<130+ url-safe characters>`; callers must reserve 512.
    const token = `86_${randomBase64Url(102)}`;
    const record: TokenRecord = {
      token,
      mode,
      issuedAt: now,
      expiresAt: now + this.lifetimeSeconds * SECOND_MS,
    };
    this.records.set(token, record);
    this.issued[mode] += 1;
    return record;
  }

  private describe(record: TokenRecord): IssuedToken {
    const remainingMs = Math.max(0, record.expiresAt - this.now());
    return { access_token: record.token, expires_in: Math.ceil(remainingMs / SECOND_MS) };
  }

  private forgetDeadTokens(now: number): void {
    for (const [token, record] of this.records) {
      const diedAt = Math.min(record.revokedAt ?? Infinity, record.expiresAt);
      if (now - diedAt > FORGET_AFTER_MS) this.records.delete(token);
    }
  }
}
