import { TemplateDefinitionError } from './definition-error.js';
import { parseTemplate } from './parse-template.js';
import type { Template } from './types.js';
import { uniquenessProblems } from './uniqueness.js';

function entriesOf(json: unknown, where: string): { list: unknown[]; listName: string } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new TemplateDefinitionError([
      `${where}: expected an object { "templates": [...] } or a gettemplate reply { "errcode": 0, "data": [...] }`,
    ]);
  }
  const doc = json as Record<string, unknown>;
  if (doc.errcode !== undefined && doc.errcode !== 0) {
    throw new TemplateDefinitionError([
      `${where}: gettemplate failed with errcode ${JSON.stringify(doc.errcode)} (${String(doc.errmsg ?? 'no errmsg')})`,
    ]);
  }
  if (Array.isArray(doc.templates)) return { list: doc.templates, listName: 'templates' };
  if (Array.isArray(doc.data)) return { list: doc.data, listName: 'data' };
  throw new TemplateDefinitionError([
    `${where}: expected a "templates" array (or a gettemplate reply with a "data" array)`,
  ]);
}

/**
 * Parses `{ "templates": [...] }` or a raw gettemplate reply `{ errcode, data: [...] }`. Problems
 * of every entry, and ids or names used twice, are reported together.
 */
export function parseTemplatesDocument(json: unknown, where: string): Template[] {
  const { list, listName } = entriesOf(json, where);
  const templates: Template[] = [];
  const labels: string[] = [];
  const problems: string[] = [];
  list.forEach((entry, index) => {
    const label = `${where} ${listName}[${index}]`;
    try {
      templates.push(parseTemplate(entry, label));
      labels.push(label);
    } catch (error) {
      if (!(error instanceof TemplateDefinitionError)) throw error;
      problems.push(...error.problems);
    }
  });
  problems.push(...uniquenessProblems(templates, (i) => labels[i]!));
  if (problems.length > 0)
    throw new TemplateDefinitionError(problems, `Invalid templates in ${where}`);
  return templates;
}
