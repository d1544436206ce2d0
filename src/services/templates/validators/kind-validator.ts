import { classOf, codePoints, describeChar, type CharClass } from './characters.js';

/**
 * Validates values of one keyword kind. `check` only sees values that are non-empty and free of
 * control characters (validateTemplateData checks those for every kind) and returns null when the
 * value is acceptable, otherwise what is wrong, phrased to follow the quoted value
 * (`"…" is 23 characters`).
 */
export interface KindValidator {
  rule(enumValues?: readonly string[]): string;
  check(value: string, enumValues?: readonly string[]): string | null;
}

const CLASS_NOUN: Record<CharClass, string> = {
  chinese: 'a Chinese character',
  letter: 'a letter',
  digit: 'a digit',
  symbol: 'a symbol',
  control: 'a control character',
};

export function describeClassOf(char: string): string {
  return `${describeChar(char)}, ${CLASS_NOUN[classOf(char)]}`;
}

export function checkMaxLength(value: string, max: number): string | null {
  const length = codePoints(value).length;
  return length > max ? `is ${length} characters` : null;
}

export function checkAllowedClasses(value: string, allowed: readonly CharClass[]): string | null {
  const bad = codePoints(value).find((char) => !allowed.includes(classOf(char)));
  return bad === undefined ? null : `contains ${describeClassOf(bad)}`;
}

/** A kind that is only a length limit over a set of character classes. */
export function lengthAndClasses(
  rule: string,
  max: number,
  allowed: readonly CharClass[],
): KindValidator {
  return {
    rule: () => rule,
    check: (value) => checkAllowedClasses(value, allowed) ?? checkMaxLength(value, max),
  };
}
