/** Template names become GraphQL identifiers, so they must be GraphQL-safe. */
export const TEMPLATE_NAME_PATTERN = /^[A-Za-z][_0-9A-Za-z]*$/;

export function isSafeTemplateName(name: string): boolean {
  return TEMPLATE_NAME_PATTERN.test(name);
}

/**
 * A GraphQL-safe name derived from the WeChat id alone (titles are Chinese), so it is stable across
 * restarts and never depends on which other templates exist. The escaping is one-to-one, so
 * distinct ids always give distinct names: `_` → `__`, `-` → `_h`, anything else → `_u<hex>_`.
 */
export function deriveTemplateName(id: string): string {
  let escaped = '';
  for (const char of id) {
    if (/^[0-9A-Za-z]$/.test(char)) escaped += char;
    else if (char === '_') escaped += '__';
    else if (char === '-') escaped += '_h';
    else escaped += `_u${char.codePointAt(0)!.toString(16)}_`;
  }
  return `Tmpl_${escaped}`;
}
