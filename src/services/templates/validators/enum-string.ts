import type { KindValidator } from './kind-validator.js';

const MAX_LISTED = 10;

function listValues(values: readonly string[]): string {
  const shown = values.slice(0, MAX_LISTED).map((value) => JSON.stringify(value));
  const more = values.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/** `enum_string` (what templates use) and `enum` (the official table's name) share this rule. */
export function enumKind(kind: string): KindValidator {
  return {
    rule: (enumValues) =>
      enumValues && enumValues.length > 0
        ? `${kind}: one of ${listValues(enumValues)}`
        : `${kind}: one of the template's enum values (none are known for this template)`,
    check(value, enumValues) {
      if (!enumValues || enumValues.length === 0) {
        return 'cannot be checked: the template lists no enum values for this keyword';
      }
      return enumValues.includes(value) ? null : 'is not one of the allowed values';
    },
  };
}
