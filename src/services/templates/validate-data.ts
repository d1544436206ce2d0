import { clipInput } from '../../shared/quote-input.js';
import { kindOf } from './content-fields.js';
import { classOf, codePoints, describeChar } from './validators/characters.js';
import { validatorFor } from './validators/kinds.js';
import type { Template, TemplateField } from './types.js';

export interface FieldViolation {
  key: string;
  kind: string;
  rule: string;
  reason: 'missing' | 'unknown_key' | 'empty' | 'invalid';
  /** Names the key, its kind and the rule: `data.thing3: "…" is 23 characters; thing: at most 20 characters …`. */
  message: string;
}

const SHOWN_VALUE_LENGTH = 40;

function quote(value: string): string {
  const chars = codePoints(value);
  const shown =
    chars.length > SHOWN_VALUE_LENGTH ? `${chars.slice(0, SHOWN_VALUE_LENGTH).join('')}…` : value;
  return JSON.stringify(shown);
}

function violation(
  field: TemplateField,
  reason: FieldViolation['reason'],
  problem: string,
): FieldViolation {
  return {
    key: field.key,
    kind: field.kind,
    rule: field.rule,
    reason,
    message: `data.${field.key}: ${problem}; ${field.rule}`,
  };
}

/** Checks one value against its keyword's rule; null when WeChat should accept it. */
export function validateFieldValue(field: TemplateField, value: unknown): FieldViolation | null {
  if (value === undefined) return violation(field, 'missing', 'is missing');
  if (typeof value !== 'string') {
    return violation(field, 'invalid', `must be a string, got ${typeof value}`);
  }
  if (value.trim() === '') {
    return violation(
      field,
      'empty',
      `${quote(value)} is empty (WeChat rejects empty values; send a placeholder such as "—")`,
    );
  }
  const control = codePoints(value).find((char) => classOf(char) === 'control');
  if (control !== undefined) {
    return violation(
      field,
      'invalid',
      `${quote(value)} contains the control character ${describeChar(control)}`,
    );
  }
  const problem = validatorFor(field.kind).check(value, field.enumValues);
  return problem === null ? null : violation(field, 'invalid', `${quote(value)} ${problem}`);
}

/**
 * Every reason WeChat would reject `data` for this template (errcode 47003), in the template's
 * field order followed by keys the template does not have. An empty array means valid.
 */
export function validateTemplateData(
  template: Template,
  data: Readonly<Record<string, string>>,
): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const field of template.fields) {
    const value = Object.hasOwn(data, field.key) ? data[field.key] : undefined;
    const found = validateFieldValue(field, value);
    if (found) violations.push(found);
  }
  const keys = new Set(template.fields.map((field) => field.key));
  const expected = template.fields.map((field) => field.key).join(', ');
  for (const key of Object.keys(data)) {
    if (keys.has(key)) continue;
    const rule = `template ${template.name} (${template.title}) has only the keys ${expected}`;
    const shown = clipInput(key);
    const kind = clipInput(kindOf(key));
    violations.push({
      key: shown,
      kind,
      rule,
      reason: 'unknown_key',
      message: `data.${shown}: not a keyword of this template (kind ${kind}); ${rule}`,
    });
  }
  return violations;
}
