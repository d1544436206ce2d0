import { readFile } from 'node:fs/promises';
import type { SimKeyword, SimTemplate, SimTemplateType } from './sim-template.js';

/** Why a template library could not be read; `problems` lists every one found. */
export class SimTemplateError extends Error {
  constructor(
    readonly problems: readonly string[],
    heading = 'Invalid simulator templates',
  ) {
    super(`${heading}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SimTemplateError';
  }
}

const PLACEHOLDER = /\{\{([A-Za-z_][A-Za-z0-9_]*)\.DATA\}\}/g;
const TYPE_CODES: Record<string, SimTemplateType> = {
  '2': 'ONE_TIME',
  '3': 'LONG_TERM',
  ONE_TIME: 'ONE_TIME',
  LONG_TERM: 'LONG_TERM',
};

type Entry = Record<string, unknown>;

function isEntry(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keywords of a content string, in order, each with the text before it on its line. */
export function keywordsOf(content: string): SimKeyword[] {
  const keywords: SimKeyword[] = [];
  let lineStart = 0;
  for (const match of content.matchAll(PLACEHOLDER)) {
    const newline = content.lastIndexOf('\n', match.index - 1);
    if (newline + 1 > lineStart) lineStart = newline + 1;
    const label = content
      .slice(lineStart, match.index)
      .replace(/[\s:：]+$/u, '')
      .trim();
    const key = match[1]!;
    keywords.push({ key, kind: key.replace(/\d+$/, ''), label: label === '' ? null : label });
    lineStart = match.index + match[0].length;
  }
  return keywords;
}

function enumValuesByKey(entry: Entry, problems: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const list = entry.keywordEnumValueList ?? [];
  if (!Array.isArray(list)) {
    problems.push('keywordEnumValueList must be an array');
    return found;
  }
  for (const item of list) {
    const code = isEntry(item) ? item.keywordCode : undefined;
    const values = isEntry(item) ? item.enumValueList : undefined;
    if (
      typeof code !== 'string' ||
      !Array.isArray(values) ||
      !values.every((value) => typeof value === 'string')
    ) {
      problems.push('keywordEnumValueList items must be { keywordCode, enumValueList: string[] }');
      continue;
    }
    found.set(code.replace(/\.DATA$/, ''), values as string[]);
  }
  return found;
}

function text(entry: Entry, field: string, problems: string[]): string {
  const value = entry[field];
  if (typeof value === 'string' && value.trim() !== '') return value;
  problems.push(`${field} must be a non-empty string`);
  return '';
}

/** One item shaped like gettemplate's (`priTmplId` or `id`, optional `name`). */
export function readTemplate(raw: unknown, where: string): SimTemplate {
  if (!isEntry(raw)) throw new SimTemplateError([`${where}: must be an object`]);
  const problems: string[] = [];
  const id = raw.priTmplId ?? raw.id;
  if (typeof id !== 'string' || id === '') problems.push('priTmplId (or id) must be a string');
  const name = raw.name ?? id;
  if (typeof name !== 'string' || name === '') problems.push('name must be a non-empty string');
  const title = text(raw, 'title', problems);
  const content = text(raw, 'content', problems);
  const type = TYPE_CODES[String(raw.type)];
  if (type === undefined) problems.push('type must be 2 (one-time) or 3 (long-term)');
  const example = typeof raw.example === 'string' ? raw.example : null;
  const enums = enumValuesByKey(raw, problems);
  const fields = keywordsOf(content).map((keyword) => {
    const values = enums.get(keyword.key);
    return values === undefined ? keyword : { ...keyword, enumValues: Object.freeze([...values]) };
  });
  if (content !== '' && fields.length === 0) problems.push('content has no {{key.DATA}}');
  if (problems.length > 0) {
    throw new SimTemplateError(problems.map((problem) => `${where}: ${problem}`));
  }
  return Object.freeze({
    id: id as string,
    name: name as string,
    title,
    type: type!,
    content,
    example,
    fields: Object.freeze(fields),
  });
}

/** `{ "templates": [...] }` or a raw gettemplate reply `{ errcode: 0, data: [...] }`. */
export function readTemplatesDocument(json: unknown, where: string): SimTemplate[] {
  const list = isEntry(json) ? (json.templates ?? json.data) : undefined;
  if (!Array.isArray(list)) {
    throw new SimTemplateError([`${where}: expected { "templates": [...] } or { "data": [...] }`]);
  }
  const templates: SimTemplate[] = [];
  const problems: string[] = [];
  list.forEach((entry, index) => {
    try {
      const template = readTemplate(entry, `${where} [${index}]`);
      const clash = templates.find((t) => t.id === template.id || t.name === template.name);
      if (clash) problems.push(`${where} [${index}]: id or name already used by ${clash.id}`);
      else templates.push(template);
    } catch (error) {
      if (!(error instanceof SimTemplateError)) throw error;
      problems.push(...error.problems);
    }
  });
  if (problems.length > 0) throw new SimTemplateError(problems);
  return templates;
}

export async function loadSimTemplatesFile(path: string): Promise<SimTemplate[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SimTemplateError([`${path}: ${reason}`], `Cannot load templates from ${path}`);
  }
  return readTemplatesDocument(json, path);
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The keyword values in a template's `example`, lined up against its content; {} if they do not line up. */
export function exampleValues(template: SimTemplate): Record<string, string> {
  if (template.example === null) return {};
  const keys: string[] = [];
  const pattern = template.content
    .trimEnd()
    .split(PLACEHOLDER)
    .map((part, index) => {
      if (index % 2 === 0) return escapeRegExp(part);
      keys.push(part);
      return '([^\\n]*?)';
    })
    .join('');
  const match = new RegExp(`^${pattern}$`, 'u').exec(template.example.trimEnd());
  return match ? Object.fromEntries(keys.map((key, i) => [key, match[i + 1]!])) : {};
}
