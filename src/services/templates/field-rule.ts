import type { TemplateField } from './types.js';
import type { ContentField } from './content-fields.js';
import { validatorFor } from './validators/kinds.js';

/** Attaches the kind's value rule (and enum values, when the kind has them) to a parsed keyword. */
export function toTemplateField(
  field: ContentField,
  enumValues: readonly string[] | undefined,
): TemplateField {
  const rule = validatorFor(field.kind).rule(enumValues);
  const built: TemplateField = { key: field.key, kind: field.kind, label: field.label, rule };
  if (enumValues !== undefined) built.enumValues = Object.freeze([...enumValues]);
  return Object.freeze(built);
}
