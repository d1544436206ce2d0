import type { Template } from './types.js';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The keyword values shown in a template's `example`, found by lining the example up with the
 * content (`审核结果:{{phrase2.DATA}}` against `审核结果:已通过`). Useful as sample input for a
 * demo send. Null when there is no example or it does not follow the content's layout.
 */
export function exampleData(template: Template): Record<string, string> | null {
  if (template.example === null) return null;
  const keys: string[] = [];
  const pattern = template.content
    .trimEnd()
    .split(/(\{\{[A-Za-z_][A-Za-z0-9_]*\.DATA\}\})/)
    .map((part, index) => {
      if (index % 2 === 0) return escapeRegExp(part);
      keys.push(part.slice(2, -'.DATA}}'.length));
      return '([^\\n]*?)';
    })
    .join('');
  const match = new RegExp(`^${pattern}$`, 'u').exec(template.example.trimEnd());
  if (!match) return null;
  return Object.fromEntries(keys.map((key, index) => [key, match[index + 1]!]));
}
