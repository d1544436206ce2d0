import { classOf, codePoints } from './characters.js';
import { describeClassOf, type KindValidator } from './kind-validator.js';

const MAX_LENGTH = 8;

export const carNumber: KindValidator = {
  rule: () =>
    'car_number: at most 8 characters, letters and digits, except that the first and last may be Chinese, e.g. 粤A8Z888挂',
  check(value) {
    const chars = codePoints(value);
    if (chars.length > MAX_LENGTH) return `is ${chars.length} characters`;
    const lastIndex = chars.length - 1;
    for (const [index, char] of chars.entries()) {
      const cls = classOf(char);
      const chineseAllowed = index === 0 || index === lastIndex;
      if (cls === 'letter' || cls === 'digit' || (cls === 'chinese' && chineseAllowed)) continue;
      return `contains ${describeClassOf(char)} at position ${index + 1}`;
    }
    return null;
  },
};
