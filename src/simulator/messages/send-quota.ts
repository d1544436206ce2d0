import { chinaDayOf, MINUTE_MS, nextChinaMidnightMs, type Clock } from '../common/clock.js';

/** How many subscribe/send calls the app may make; null means no limit. */
export interface SendQuotaLimits {
  perMinute: number | null;
  perDay: number | null;
}

/** WeChat's daily volume for a mini program without WeChat Pay (docs/wechat.md §8: 1kw/日). */
export const DEFAULT_SEND_QUOTA: SendQuotaLimits = { perMinute: null, perDay: 10_000_000 };

/**
 * The app's subscribe/send quotas: a count per calendar minute (45011, "retry next minute") and
 * per day, the day ending at 00:00 Asia/Shanghai (45009). Every call with a valid token counts,
 * whatever its outcome; a call refused for quota does not.
 */
export class SendQuota {
  private limits: SendQuotaLimits;
  private minute = -1;
  private usedInMinute = 0;
  private day = -1;
  private usedInDay = 0;

  constructor(
    private readonly now: Clock,
    private readonly initial: SendQuotaLimits,
  ) {
    this.limits = { ...initial };
  }

  /** Counts one call, or answers the errcode that refuses it. */
  take(): 45009 | 45011 | null {
    this.roll();
    if (this.limits.perDay !== null && this.usedInDay >= this.limits.perDay) return 45009;
    if (this.limits.perMinute !== null && this.usedInMinute >= this.limits.perMinute) return 45011;
    this.usedInDay += 1;
    this.usedInMinute += 1;
    return null;
  }

  /** Changes the limits (an absent one stays) and, when given, today's usage. */
  configure(change: Partial<SendQuotaLimits> & { usedToday?: number }): void {
    this.roll();
    if (change.perMinute !== undefined) this.limits.perMinute = change.perMinute;
    if (change.perDay !== undefined) this.limits.perDay = change.perDay;
    if (change.usedToday !== undefined) this.usedInDay = change.usedToday;
  }

  snapshot() {
    this.roll();
    const nowMs = this.now();
    const nextMinute = (Math.floor(nowMs / MINUTE_MS) + 1) * MINUTE_MS;
    return {
      perMinute: this.limits.perMinute,
      perDay: this.limits.perDay,
      usedThisMinute: this.usedInMinute,
      usedToday: this.usedInDay,
      minuteResetsAt: new Date(nextMinute).toISOString(),
      dayResetsAt: new Date(nextChinaMidnightMs(nowMs)).toISOString(),
    };
  }

  /** Back to the configured limits with nothing used. */
  reset(): void {
    this.limits = { ...this.initial };
    this.usedInMinute = 0;
    this.usedInDay = 0;
  }

  private roll(): void {
    const nowMs = this.now();
    const minute = Math.floor(nowMs / MINUTE_MS);
    if (minute !== this.minute) {
      this.minute = minute;
      this.usedInMinute = 0;
    }
    const day = chinaDayOf(nowMs);
    if (day !== this.day) {
      this.day = day;
      this.usedInDay = 0;
    }
  }
}
