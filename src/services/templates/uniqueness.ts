import type { Template } from './types.js';

/**
 * Problems that make templates ambiguous to look up: a repeated id or name, or a name equal to
 * another template's id (find() accepts either). `labelOf(i)` says where template i came from.
 */
export function uniquenessProblems(
  templates: readonly Template[],
  labelOf: (index: number) => string,
): string[] {
  const problems: string[] = [];
  const byId = new Map<string, number>();
  const byName = new Map<string, number>();
  templates.forEach((template, index) => {
    const sameId = byId.get(template.id);
    if (sameId !== undefined) {
      problems.push(`${labelOf(index)}: id ${template.id} is already used by ${labelOf(sameId)}`);
    } else byId.set(template.id, index);
    const sameName = byName.get(template.name);
    if (sameName !== undefined) {
      problems.push(
        `${labelOf(index)}: name ${template.name} is already used by ${labelOf(sameName)}`,
      );
    } else byName.set(template.name, index);
  });
  templates.forEach((template, index) => {
    const other = byId.get(template.name);
    if (other !== undefined && other !== index) {
      problems.push(`${labelOf(index)}: name ${template.name} equals the id of ${labelOf(other)}`);
    }
  });
  return problems;
}
