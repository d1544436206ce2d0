import { isDateValue, isTimeValue } from './dates.js';

/**
 * How the simulator judges a keyword value, written from WeChat's value table
 * (订阅消息参数值内容限制说明, docs/wechat.md §3.2) and kept apart from the gateway's validator on
 * purpose: the two are compared by a test, so a mistake in either shows up as a disagreement
 * instead of passing twice.
 *
 * Characters are counted as Unicode code points (WeChat does not say how it counts). The table's
 * classes, read literally: Chinese (Han script), English letters, digits 0-9, and symbols, which
 * are every other character except control characters; no kind accepts a control character such
 * as a newline.
 */
type CharClass = 'han' | 'letter' | 'digit' | 'symbol' | 'control';

function classify(char: string): CharClass {
  if (/[\p{Cc}\p{Cs}\u2028\u2029]/u.test(char)) return 'control';
  if (/\p{Script=Han}/u.test(char)) return 'han';
  if (/[A-Za-z]/.test(char)) return 'letter';
  if (/[0-9]/.test(char)) return 'digit';
  return 'symbol';
}

type Judge = (chars: readonly string[], classes: readonly CharClass[], value: string) => boolean;

/** At most `max` characters, each of an allowed class. */
function only(max: number, ...allowed: CharClass[]): Judge {
  return (chars, classes) => chars.length <= max && classes.every((c) => allowed.includes(c));
}

const ANY: CharClass[] = ['han', 'letter', 'digit', 'symbol'];

const RULES: Record<string, Judge> = {
  thing: only(20, ...ANY),
  number: (_, __, value) => {
    const match = /^(\d+)(?:\.(\d+))?$/.exec(value);
    return match !== null && (match[1]! + (match[2] ?? '')).length <= 32;
  },
  letter: only(32, 'letter'),
  symbol: only(5, 'symbol'),
  character_string: only(32, 'letter', 'digit', 'symbol'),
  time: (_, __, value) => isTimeValue(value),
  date: (_, __, value) => isDateValue(value),
  amount: (_, __, value) => {
    // One currency symbol, then digits (a decimal point allowed, at most 10 digits), maybe 元.
    const match = /^\p{Sc}(\d+)(?:\.(\d+))?元?$/u.exec(value);
    return match !== null && (match[1]! + (match[2] ?? '')).length <= 10;
  },
  phone_number: only(17, 'digit', 'symbol'),
  car_number: (chars, classes) =>
    chars.length <= 8 &&
    classes.every(
      (c, i) =>
        c === 'letter' || c === 'digit' || (c === 'han' && (i === 0 || i === chars.length - 1)),
    ),
  name: (chars, classes) => {
    if (classes.includes('digit')) return false;
    // Mixed Chinese and letters counts as Chinese: at most 10; otherwise 20 letters or symbols.
    return classes.includes('han') ? chars.length <= 10 : chars.length <= 20;
  },
  phrase: only(5, 'han'),
  // Not in the official table; two public codebases cap it at 5.
  short_thing: only(5, ...ANY),
};

/** Kinds with no published rule (e.g. `site01` of old templates): only a loose length cap. */
const UNPUBLISHED_KIND = only(20, ...ANY);

export type Verdict = 'ok' | 'empty' | 'invalid';

/** WeChat's verdict on one keyword value (47003 `is empty` or `invalid` when not ok). */
export function judgeKeyword(
  kind: string,
  value: unknown,
  enumValues?: readonly string[],
): Verdict {
  if (value === undefined) return 'empty';
  if (typeof value !== 'string') return 'invalid';
  if (value.trim() === '') return 'empty';
  const chars = [...value];
  const classes = chars.map(classify);
  if (classes.includes('control')) return 'invalid';
  if (kind === 'enum' || kind === 'enum_string') {
    return enumValues?.includes(value) ? 'ok' : 'invalid';
  }
  const judge = RULES[kind] ?? UNPUBLISHED_KIND;
  return judge(chars, classes, value) ? 'ok' : 'invalid';
}
