/** Milliseconds since the epoch; injected so tests can move time without waiting. */
export type Clock = () => number;

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;
const CHINA_OFFSET_MS = 8 * 60 * MINUTE_MS;

/** WeChat's daily quotas reset at midnight Beijing time (UTC+8), so days are counted there. */
export function chinaDayOf(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS);
}

export function unixSeconds(ms: number): number {
  return Math.floor(ms / SECOND_MS);
}

/** The next 00:00 Beijing time after `ms`, when daily quotas reset. */
export function nextChinaMidnightMs(ms: number): number {
  return (chinaDayOf(ms) + 1) * DAY_MS - CHINA_OFFSET_MS;
}
