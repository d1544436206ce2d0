// WeChat's quotas reset on its own clock: the minute quota (45011) at the next minute, the daily
// quota (45009) at midnight in China (Asia/Shanghai, UTC+8 all year: no daylight saving).

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** The start of the next minute, plus a second so the retry lands safely inside it. */
export function nextMinute(now: Date): Date {
  return new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS + 1000);
}

/** The next 00:00 Asia/Shanghai. */
export function nextShanghaiMidnight(now: Date): Date {
  const local = now.getTime() + SHANGHAI_OFFSET_MS;
  return new Date(Math.floor(local / DAY_MS) * DAY_MS + DAY_MS - SHANGHAI_OFFSET_MS);
}

/** Bounded exponential backoff with full jitter: 1 s, 2 s, 4 s … capped at `capMs`. */
export function retryDelay(attempt: number, random = Math.random, capMs = 60_000): number {
  const ceiling = Math.min(capMs, 1000 * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
