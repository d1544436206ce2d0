import { CronExpressionParser } from 'cron-parser';
import { BadUserInputError } from './errors.js';
import { quoteInput } from './quote-input.js';

/**
 * A cron expression read in an IANA time zone, with the daylight-saving rules made explicit:
 * - a local time that occurs twice (clocks go back) runs once, at its first occurrence;
 * - a local time that does not exist (clocks go forward) runs at the first instant after the
 *   gap (for 02:30 in New York on a spring-forward night: 03:00 EDT).
 * cron-parser (the library BullMQ uses) evaluated in the zone itself gets the second rule wrong
 * (it moves 02:30 to 03:30) and runs an hourly schedule twice in the repeated hour, so matching
 * happens here on wall-clock time (cron-parser in UTC over "local time as if it were UTC"),
 * and each matching wall time is mapped to a real instant by the rules above.
 */
export interface CronSchedule {
  readonly cron: string;
  readonly timezone: string;
  /** The first occurrence strictly after `after`, or null if the expression never matches again. */
  next(after: Date): Date | null;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Wall times tried per call before giving up (the repeated hour of an every-second cron: 3600). */
const MAX_STEPS = 10_000;

export function parseCronSchedule(cron: string, timezone: string): CronSchedule {
  assertTimezone(timezone);
  assertCron(cron);
  const zone = zoneOf(timezone);
  return {
    cron,
    timezone,
    next(after: Date): Date | null {
      const afterMs = after.getTime();
      // Wall times before `after`'s own cannot come later; in the second pass of a repeated hour
      // the first ones map to the first pass (already past) and are stepped over.
      const iterator = CronExpressionParser.parse(cron, {
        tz: 'UTC',
        currentDate: new Date(zone.wallOf(afterMs)),
      });
      for (let step = 0; step < MAX_STEPS; step++) {
        if (!iterator.hasNext()) return null;
        const wall = iterator.next().getTime();
        const instant = zone.firstInstantOf(wall);
        if (instant > afterMs) return new Date(instant);
      }
      return null;
    },
  };
}

/**
 * Any name Intl reads, so a schedule stored before abbreviations were refused keeps running;
 * input goes through canonicalTimezone, which is stricter.
 */
export function assertTimezone(timezone: string, field = 'timezone'): void {
  if (typeof timezone !== 'string' || resolveTimezone(timezone) === null) {
    throw timezoneError(timezone, field);
  }
}

/**
 * An IANA location name (`Asia/Shanghai`, `America/New_York`, `Etc/GMT-8`, or `UTC`), in the
 * spelling Intl resolves it to (`asia/shanghai` is `Asia/Shanghai`; `Asia/Kolkata` stays).
 * Abbreviations are refused although Intl accepts some of them: `CST` would be read as US
 * Central, while a user in China means China Standard Time, 14 hours off.
 */
export function canonicalTimezone(timezone: string, field = 'timezone'): string {
  const isLocation =
    typeof timezone === 'string' && (timezone.includes('/') || timezone.toUpperCase() === 'UTC');
  const resolved = isLocation ? resolveTimezone(timezone) : null;
  if (resolved === null) throw timezoneError(timezone, field);
  // Intl answers some current names with an older alias (Asia/Kolkata as Asia/Calcutta): only
  // its spelling of the same name is taken, never the alias.
  return resolved.toLowerCase() === timezone.toLowerCase() ? resolved : timezone;
}

function timezoneError(timezone: unknown, field: string): BadUserInputError {
  return new BadUserInputError(
    `${field} ${quoteInput(timezone)} is not an IANA location name: use one such as Asia/Shanghai or America/New_York (or UTC); abbreviations and offsets like CST, EST or GMT+8 are ambiguous`,
    field,
  );
}

export function assertCron(cron: string, field = 'cron'): void {
  const fields = typeof cron === 'string' ? cron.trim().split(/\s+/) : [];
  if (fields.length !== 5 && fields.length !== 6) {
    throw new BadUserInputError(
      'cron must have 5 fields (minute hour day month weekday) or 6 (with seconds first)',
      field,
    );
  }
  try {
    const iterator = CronExpressionParser.parse(cron, { tz: 'UTC' });
    iterator.next();
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'invalid';
    throw new BadUserInputError(`cron is not a valid expression: ${reason}`, field);
  }
}

/** Seeds that give a hashed (`H`) field different values: one of them differs from the first. */
const HASH_SEEDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/**
 * assertCron, and no `H` (Jenkins' hashed value) in any field: cron-parser, here and in BullMQ,
 * picks its value at random on every parse, so the schedule would run at other times than it
 * shows and move on each read. Checked on input only: a schedule stored before keeps running.
 * Found by parsing with several seeds rather than by spelling (`THU` holds an H too).
 */
export function assertStableCron(cron: string, field = 'cron'): void {
  assertCron(cron, field);
  const [first, ...rest] = HASH_SEEDS.map((hashSeed) =>
    CronExpressionParser.parse(cron, { tz: 'UTC', hashSeed }).stringify(true),
  );
  if (rest.some((parsed) => parsed !== first)) {
    throw new BadUserInputError(
      'cron must not use H (a hashed value): its value would be picked at random on every read, so the schedule would not stay put; give the value itself',
      field,
    );
  }
}

/** The zone's name as Intl spells it, or null if Intl does not know it. */
function resolveTimezone(timezone: string): string | null {
  // Intl also accepts offsets like "+08:00"; a zone must be named, so DST rules come with it.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(timezone)) return null;
  try {
    return new Intl.DateTimeFormat(undefined, { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

interface Zone {
  /** The local wall-clock time at `instant`, written as if it were a UTC instant. */
  wallOf(instant: number): number;
  /** The earliest instant whose wall time is `wall`; for a wall time in a gap, the gap's end. */
  firstInstantOf(wall: number): number;
}

const zones = new Map<string, Zone>();

function zoneOf(timezone: string): Zone {
  let zone = zones.get(timezone);
  if (!zone) {
    zone = makeZone(timezone);
    zones.set(timezone, zone);
  }
  return zone;
}

function makeZone(timezone: string): Zone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const wallOf = (instant: number): number => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(instant)))
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    const wholeSeconds = Date.UTC(
      parts.year!,
      parts.month! - 1,
      parts.day!,
      parts.hour!,
      parts.minute!,
      parts.second!,
    );
    return wholeSeconds + (((instant % 1000) + 1000) % 1000);
  };
  const offsetAt = (instant: number) => wallOf(instant) - instant;
  return {
    wallOf,
    firstInstantOf(wall: number): number {
      // Offsets either side of any transition near this wall time (transitions are months apart).
      const offsets = [...new Set([offsetAt(wall - DAY), offsetAt(wall + DAY)])].sort(
        (a, b) => b - a,
      );
      // The larger offset gives the earlier instant: the first pass of a repeated hour.
      for (const offset of offsets) {
        const instant = wall - offset;
        if (offsetAt(instant) === offset) return instant;
      }
      // In a gap: find the transition between the two candidate instants.
      let low = wall - offsets[0]!;
      let high = wall - offsets[offsets.length - 1]!;
      if (low > high) [low, high] = [high, low];
      const before = offsetAt(low);
      while (high - low > 1000) {
        const mid = low + Math.floor((high - low) / 2000) * 1000;
        if (offsetAt(mid) === before) low = mid;
        else high = mid;
      }
      return high;
    },
  };
}

/** When and how often a recurring schedule runs. */
export interface RecurringSpec {
  cron: string;
  timezone: string;
  startAt: Date | null;
  endAt: Date | null;
}

/** The first occurrence strictly after `after` within [startAt, endAt], or null. */
export function nextRun(spec: RecurringSpec, after: Date): Date | null {
  const beforeStart = spec.startAt ? spec.startAt.getTime() - 1 : -Infinity;
  const from = new Date(Math.max(after.getTime(), beforeStart));
  const next = parseCronSchedule(spec.cron, spec.timezone).next(from);
  if (next === null || (spec.endAt !== null && next > spec.endAt)) return null;
  return next;
}
