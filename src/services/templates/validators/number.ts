import type { KindValidator } from './kind-validator.js';

const NUMBER = /^([0-9]+)(?:\.([0-9]+))?$/;
const MAX_DIGITS = 32;

export const number: KindValidator = {
  rule: () => 'number: at most 32 digits (0-9), optionally with one decimal point, e.g. 3.14',
  check(value) {
    const match = NUMBER.exec(value);
    if (!match) return 'is not digits with an optional decimal point';
    const digits = match[1]!.length + (match[2]?.length ?? 0);
    return digits > MAX_DIGITS ? `has ${digits} digits` : null;
  },
};
