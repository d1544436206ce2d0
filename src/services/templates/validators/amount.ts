import type { KindValidator } from './kind-validator.js';

const CURRENCY_SYMBOL = /\p{Sc}/gu;
const AMOUNT = /^\p{Sc}([0-9]+)(?:\.([0-9]+))?元?$/u;
// The official table says "10 digits"; whether decimals count is not stated, so they do.
const MAX_DIGITS = 10;

export const amount: KindValidator = {
  rule: () =>
    'amount: one currency symbol (¥ ￥ $ € £ …) followed by at most 10 digits in total, decimals allowed, optionally ending in 元, e.g. ￥99.50',
  check(value) {
    const symbols = value.match(CURRENCY_SYMBOL)?.length ?? 0;
    if (symbols === 0) return 'has no currency symbol';
    if (symbols > 1) return `has ${symbols} currency symbols`;
    const match = AMOUNT.exec(value);
    if (!match) return 'is not a currency symbol followed by digits (and an optional 元)';
    const digits = match[1]!.length + (match[2]?.length ?? 0);
    return digits > MAX_DIGITS ? `has ${digits} digits` : null;
  },
};
