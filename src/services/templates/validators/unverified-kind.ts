import { checkMaxLength, type KindValidator } from './kind-validator.js';

const MAX_LENGTH = 20;

/**
 * Kinds outside WeChat's table (e.g. `site01` from old templates) have no known rule; apply the
 * loosest plausible one so typos and over-long text are still caught before WeChat sees them.
 */
export function unverifiedKind(kind: string): KindValidator {
  return {
    rule: () =>
      `${kind}: unverified keyword kind (not in WeChat's table); only checked to be non-empty, free of control characters and at most 20 characters`,
    check: (value) => checkMaxLength(value, MAX_LENGTH),
  };
}
