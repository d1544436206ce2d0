import { classOf, codePoints } from './characters.js';
import { checkAllowedClasses, describeClassOf, type KindValidator } from './kind-validator.js';

const MAX_WITH_CHINESE = 10;
const MAX_WITHOUT_CHINESE = 20;

/**
 * WeChat: up to 10 pure Chinese characters or up to 20 pure letters/symbols; a mix of Chinese and
 * letters counts as Chinese. Symbols (e.g. the `·` in transliterated names) are allowed alongside
 * Chinese; digits never are.
 */
export const name: KindValidator = {
  rule: () =>
    'name: at most 10 characters when it contains Chinese (Chinese, optionally mixed with letters), otherwise at most 20 letters or symbols; no digits',
  check(value) {
    const chars = codePoints(value);
    const digit = chars.find((char) => classOf(char) === 'digit');
    if (digit !== undefined) return `contains ${describeClassOf(digit)}`;
    const hasChinese = chars.some((char) => classOf(char) === 'chinese');
    if (hasChinese) {
      return chars.length > MAX_WITH_CHINESE
        ? `is ${chars.length} characters and contains Chinese`
        : null;
    }
    const badClass = checkAllowedClasses(value, ['letter', 'symbol']);
    if (badClass) return badClass;
    return chars.length > MAX_WITHOUT_CHINESE ? `is ${chars.length} characters` : null;
  },
};
