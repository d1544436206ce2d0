/**
 * Character classes behind WeChat's keyword rules. WeChat does not say how it counts, so a
 * character is one Unicode code point (docs/wechat.md §3.2). Its letters and digits are the
 * English ones: symbols are "common characters other than Chinese, English letters and digits",
 * so é, かな or a full-width Ａ count as symbols, as the simulator judges them too.
 */
export type CharClass = 'chinese' | 'letter' | 'digit' | 'symbol' | 'control';

const CHINESE = /^\p{Script=Han}$/u;
const LETTER = /^[A-Za-z]$/;
const DIGIT = /^[0-9]$/;
// Newlines and other C0/C1 controls, line/paragraph separators and lone surrogates: WeChat
// rejects control characters in every keyword kind.
const CONTROL = /^[\p{Cc}\p{Zl}\p{Zp}\p{Cs}]$/u;

export function codePoints(value: string): string[] {
  return [...value];
}

/** Symbols are whatever is not Chinese, a letter, a digit or a control character (§3.2). */
export function classOf(char: string): CharClass {
  if (CONTROL.test(char)) return 'control';
  if (CHINESE.test(char)) return 'chinese';
  if (LETTER.test(char)) return 'letter';
  if (DIGIT.test(char)) return 'digit';
  return 'symbol';
}

export function firstOfClass(value: string, wanted: CharClass): string | undefined {
  return codePoints(value).find((char) => classOf(char) === wanted);
}

/** The first character whose class is not allowed, or undefined when all are. */
export function firstOutside(value: string, allowed: readonly CharClass[]): string | undefined {
  return codePoints(value).find((char) => !allowed.includes(classOf(char)));
}

/** `"é" (U+00E9)`: shows the character and its code point, since many are invisible or look alike. */
export function describeChar(char: string): string {
  const hex = char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `${JSON.stringify(char)} (U+${hex})`;
}
