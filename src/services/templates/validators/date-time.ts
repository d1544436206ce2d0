import type { KindValidator } from './kind-validator.js';

/**
 * The `time` and `date` kinds share one grammar (docs/wechat.md §3.2):
 *   point := date [' '+ time]   (date kind: time optional)
 *          | [date ' '+] time   (time kind: date optional)
 *   value := point | point ' '* '~' ' '* point      (ASCII tilde only)
 *   date  := y年m月d日 | y年m月 | m月d日 | y-m-d | y-m | m-d   (`-`, `/` or `.`, one per date)
 *   time  := HH:MM | HH:MM:SS (24-hour)
 */

const CJK_DATE = /^(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})日)?$/;
const FULL_SEPARATED_DATE = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const YEAR_MONTH_DATE = /^(\d{4})[-/.](\d{1,2})$/;
const MONTH_DAY_DATE = /^(\d{1,2})[-/.](\d{1,2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const FULL_WIDTH_TILDES = /[～〜]/u;

interface DateParts {
  month: string;
  day?: string;
}

/** Returns the parts of a supported date form, or null. `m月` alone is not a form. */
function matchDate(text: string): DateParts | null {
  const cjk = CJK_DATE.exec(text);
  if (cjk) {
    const [, year, month, day] = cjk;
    return year === undefined && day === undefined ? null : { month: month!, day };
  }
  const full = FULL_SEPARATED_DATE.exec(text);
  if (full) return { month: full[3]!, day: full[4]! };
  const yearMonth = YEAR_MONTH_DATE.exec(text);
  if (yearMonth) return { month: yearMonth[2]! };
  const monthDay = MONTH_DAY_DATE.exec(text);
  if (monthDay) return { month: monthDay[1]!, day: monthDay[2]! };
  return null;
}

function outOfRange(what: string, text: string, min: number, max: number): string | null {
  const n = Number(text);
  return n < min || n > max ? `has ${what} ${text}, outside ${min}-${max}` : null;
}

function checkDate(text: string): string | null {
  const parts = matchDate(text);
  if (!parts) return `has ${JSON.stringify(text)}, which is not a supported date form`;
  return (
    outOfRange('month', parts.month, 1, 12) ??
    (parts.day === undefined ? null : outOfRange('day', parts.day, 1, 31))
  );
}

function checkTime(text: string): string | null {
  const match = TIME.exec(text);
  if (!match) return `has ${JSON.stringify(text)}, which is not a 24-hour HH:MM or HH:MM:SS time`;
  const [, hour, minute, second] = match;
  return (
    outOfRange('hour', hour!, 0, 23) ??
    outOfRange('minute', minute!, 0, 59) ??
    (second === undefined ? null : outOfRange('second', second, 0, 59))
  );
}

function checkPoint(point: string, timeRequired: boolean): string | null {
  const parts = point.split(/ +/);
  if (parts.length > 2)
    return `has ${JSON.stringify(point)}, which has too many space-separated parts`;
  if (parts.length === 2) return checkDate(parts[0]!) ?? checkTime(parts[1]!);
  return timeRequired ? checkTime(parts[0]!) : checkDate(parts[0]!);
}

function checkDateTimeValue(value: string, timeRequired: boolean): string | null {
  if (FULL_WIDTH_TILDES.test(value)) {
    return 'uses a full-width tilde; ranges must be joined with the ASCII "~"';
  }
  const points = value.trim().split(/ *~ */);
  if (points.length > 2) return 'has more than one "~"; a range joins exactly two points';
  for (const point of points) {
    const problem = checkPoint(point, timeRequired);
    if (problem) return problem;
  }
  return null;
}

const DATE_FORMS =
  'y年m月d日, y年m月, m月d日, or the same joined by - / . (2018-01-01, 2018/01/01, 2018.01.01, 2018-01, 01-01)';
const RANGE = 'a range joins two of these with the ASCII "~" (not the full-width "～")';

export const time: KindValidator = {
  rule: () =>
    `time: a 24-hour time HH:MM or HH:MM:SS, optionally preceded by a date (${DATE_FORMS}) and a space, e.g. 15:01 or 2019年10月1日 15:01; ${RANGE}`,
  check: (value) => checkDateTimeValue(value, true),
};

export const date: KindValidator = {
  rule: () =>
    `date: a date (${DATE_FORMS}), optionally followed by a space and a 24-hour HH:MM or HH:MM:SS time, e.g. 2019年10月1日 15:01; ${RANGE}`,
  check: (value) => checkDateTimeValue(value, false),
};
