/**
 * The message key of a recurring schedule's occurrence: `<schedule key>@<occurrence ISO time>`.
 * Callers may not key their own messages this way: such a key could take an occurrence's place.
 */
export function occurrenceKey(scheduleKey: string, at: Date): string {
  return `${scheduleKey}@${at.toISOString()}`;
}

/** What occurrenceKey adds to the schedule key: the `@` and 24 characters of time. */
export const OCCURRENCE_SUFFIX_LENGTH = 1 + 24;

/** The suffix exactly as Date#toISOString writes it (years 0000-9999, milliseconds, `Z`). */
const OCCURRENCE_SUFFIX = /@\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** True for a key of the shape occurrenceKey makes, whoever made it. */
export function hasOccurrenceKeyShape(key: string): boolean {
  return OCCURRENCE_SUFFIX.test(key);
}
