/**
 * The most characters of one input value an error message may repeat. Messages reach clients
 * and logs: echoing a 100 KiB value back would make every refusal as large as the attempt.
 */
export const MAX_QUOTED_INPUT = 200;

/** `value` cut to MAX_QUOTED_INPUT characters (code points), "…" marking a cut. */
export function clipInput(value: string, max = MAX_QUOTED_INPUT): string {
  if (value.length <= max) return value;
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max).join('')}…`;
}

/** JSON-quoted for a message, at most MAX_QUOTED_INPUT characters of it. */
export function quoteInput(value: unknown, max = MAX_QUOTED_INPUT): string {
  return JSON.stringify(typeof value === 'string' ? clipInput(value, max) : value) ?? String(value);
}
