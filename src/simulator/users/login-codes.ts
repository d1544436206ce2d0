import { MINUTE_MS, type Clock } from '../common/clock.js';
import { randomBase64Url } from '../common/random-ids.js';
import { openIdForUser } from './openids.js';

const CODE_LIFETIME_MS = 5 * MINUTE_MS;

/** A user label: what `POST /__sim/login` and demo codes name a simulated WeChat user by. */
export const USER_LABEL_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

/** `demo-<label>` codes need no minting: each names its own user (`demo-user-1`). */
const DEMO_CODE_PATTERN = /^demo-[A-Za-z0-9_-]{1,40}$/;

export interface MintedCode {
  code: string;
  openid: string;
  expiresIn: number;
}

export type Redeemed = { ok: true; openid: string } | { ok: false };

interface CodeRecord {
  openid: string;
  expiresAt: number;
  used: boolean;
}

/**
 * wx.login codes for jscode2session (docs/wechat.md §7): valid 5 minutes, single use.
 * - Minted codes (`POST /__sim/login {user}`) are random, like real ones.
 * - A demo code `demo-<label>` is accepted without minting and maps to the same openid as the user
 *   `demo-<label>`. It is single-use too: a second use within 5 minutes answers 40029, after which
 *   it counts as freshly issued again (as if wx.login had run again), so demos stay repeatable.
 */
export class LoginCodes {
  private readonly codes = new Map<string, CodeRecord>();
  private readonly demoCodeLastUse = new Map<string, number>();

  constructor(
    private readonly now: Clock,
    private readonly appId: string,
  ) {}

  mint(user: string): MintedCode {
    const now = this.now();
    for (const [code, record] of this.codes) if (now >= record.expiresAt) this.codes.delete(code);
    const code = randomBase64Url(24);
    const openid = openIdForUser(this.appId, user);
    this.codes.set(code, { openid, expiresAt: now + CODE_LIFETIME_MS, used: false });
    return { code, openid, expiresIn: CODE_LIFETIME_MS / 1000 };
  }

  redeem(code: string): Redeemed {
    const now = this.now();
    if (DEMO_CODE_PATTERN.test(code)) {
      const lastUse = this.demoCodeLastUse.get(code);
      if (lastUse !== undefined && now - lastUse < CODE_LIFETIME_MS) return { ok: false };
      this.demoCodeLastUse.set(code, now);
      return { ok: true, openid: openIdForUser(this.appId, code) };
    }
    const record = this.codes.get(code);
    if (!record || record.used || now >= record.expiresAt) return { ok: false };
    record.used = true;
    return { ok: true, openid: record.openid };
  }

  reset(): void {
    this.codes.clear();
    this.demoCodeLastUse.clear();
  }
}
