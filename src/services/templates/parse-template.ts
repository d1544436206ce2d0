import { parseContentFields } from './content-fields.js';
import { TemplateDefinitionError } from './definition-error.js';
import { toTemplateField } from './field-rule.js';
import { deriveTemplateName, isSafeTemplateName } from './template-name.js';
import type { Template, TemplateType } from './types.js';
import { isEnumKind } from './validators/kinds.js';

const TYPES: ReadonlyMap<unknown, TemplateType> = new Map<unknown, TemplateType>([
  [2, 'ONE_TIME'],
  [3, 'LONG_TERM'],
  ['ONE_TIME', 'ONE_TIME'],
  ['LONG_TERM', 'LONG_TERM'],
]);
const ID_PATTERN = /^[A-Za-z0-9_-]+$/;
const DATA_SUFFIX = '.DATA';

type Entry = Record<string, unknown>;

function isRecord(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readId(entry: Entry, problems: string[]): string | undefined {
  const { id, priTmplId } = entry;
  if (id !== undefined && priTmplId !== undefined && id !== priTmplId) {
    problems.push(
      `"id" (${JSON.stringify(id)}) and "priTmplId" (${JSON.stringify(priTmplId)}) differ`,
    );
    return undefined;
  }
  const value = id ?? priTmplId;
  if (value === undefined) {
    problems.push('id is missing (give "id" or "priTmplId")');
    return undefined;
  }
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    problems.push(
      `id ${JSON.stringify(value)} must be a non-empty string of letters, digits, "-" and "_"`,
    );
    return undefined;
  }
  return value;
}

function readName(entry: Entry, id: string | undefined, problems: string[]): string | undefined {
  const { name } = entry;
  if (name === undefined || name === null)
    return id === undefined ? undefined : deriveTemplateName(id);
  if (typeof name !== 'string' || !isSafeTemplateName(name)) {
    problems.push(
      `name ${JSON.stringify(name)} is not GraphQL-safe: it must start with a letter and contain only letters, digits and "_" (e.g. AuditResult)`,
    );
    return undefined;
  }
  return name;
}

function readRequiredText(entry: Entry, key: string, problems: string[]): string | undefined {
  const value = entry[key];
  if (value === undefined) problems.push(`${key} is missing`);
  else if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`${key} must be a non-empty string, got ${JSON.stringify(value)}`);
  } else return value;
  return undefined;
}

function readExample(entry: Entry, problems: string[]): string | null {
  const { example } = entry;
  if (example === undefined || example === null) return null;
  if (typeof example !== 'string') {
    problems.push(`example must be a string, got ${JSON.stringify(example)}`);
    return null;
  }
  return example;
}

function readType(entry: Entry, problems: string[]): TemplateType | undefined {
  const type = TYPES.get(entry.type);
  if (type === undefined) {
    problems.push(
      entry.type === undefined
        ? 'type is missing (2 = one-time, 3 = long-term)'
        : `type ${JSON.stringify(entry.type)} is unknown (2 = one-time, 3 = long-term)`,
    );
  }
  return type;
}

/** keywordEnumValueList, keyed by keyword without `.DATA`. */
function readEnumLists(entry: Entry, problems: string[]): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  const raw = entry.keywordEnumValueList;
  if (raw === undefined || raw === null) return lists;
  if (!Array.isArray(raw)) {
    problems.push('keywordEnumValueList must be an array of { keywordCode, enumValueList }');
    return lists;
  }
  raw.forEach((item: unknown, index) => {
    const where = `keywordEnumValueList[${index}]`;
    if (!isRecord(item)) {
      problems.push(`${where} must be an object { keywordCode, enumValueList }`);
      return;
    }
    const { keywordCode, enumValueList } = item;
    if (typeof keywordCode !== 'string' || keywordCode === '') {
      problems.push(`${where}.keywordCode must be a keyword such as "enum_string2.DATA"`);
      return;
    }
    const key = keywordCode.endsWith(DATA_SUFFIX)
      ? keywordCode.slice(0, -DATA_SUFFIX.length)
      : keywordCode;
    if (lists.has(key)) problems.push(`${where} repeats the enum list for ${key}`);
    const valid =
      Array.isArray(enumValueList) &&
      enumValueList.length > 0 &&
      enumValueList.every((value) => typeof value === 'string' && value.trim() !== '');
    if (!valid) {
      problems.push(`${where}.enumValueList must be a non-empty array of non-empty strings`);
      return;
    }
    const duplicates = enumValueList.filter((value, i) => enumValueList.indexOf(value) !== i);
    if (duplicates.length > 0) {
      problems.push(
        `${where}.enumValueList repeats ${duplicates.map((v) => JSON.stringify(v)).join(', ')}`,
      );
    }
    lists.set(key, enumValueList as string[]);
  });
  return lists;
}

/**
 * Parses one template entry shaped like an item of WeChat's gettemplate reply (plus an optional
 * `name`). Every problem is collected and thrown together, each prefixed with `where`.
 */
export function parseTemplate(raw: unknown, where: string): Template {
  if (!isRecord(raw)) {
    throw new TemplateDefinitionError([`${where}: must be an object, got ${JSON.stringify(raw)}`]);
  }
  const problems: string[] = [];
  const id = readId(raw, problems);
  const name = readName(raw, id, problems);
  const title = readRequiredText(raw, 'title', problems);
  const content = readRequiredText(raw, 'content', problems);
  const example = readExample(raw, problems);
  const type = readType(raw, problems);
  const enumLists = readEnumLists(raw, problems);

  const parsed = content === undefined ? undefined : parseContentFields(content);
  if (parsed) {
    problems.push(...parsed.problems);
    const keys = new Set(parsed.fields.map((field) => field.key));
    for (const key of enumLists.keys()) {
      if (!keys.has(key))
        problems.push(`keywordEnumValueList names ${key}, which is not in content`);
    }
    for (const field of parsed.fields) {
      const isEnum = isEnumKind(field.kind);
      if (isEnum && !enumLists.has(field.key)) {
        problems.push(
          `${field.key} is an enum keyword but keywordEnumValueList gives no values for it`,
        );
      } else if (!isEnum && enumLists.has(field.key)) {
        problems.push(
          `keywordEnumValueList gives values for ${field.key}, which is not an enum keyword`,
        );
      }
    }
  }

  const label = id === undefined ? where : `${where} (id ${id})`;
  if (problems.length > 0 || !parsed) {
    throw new TemplateDefinitionError(problems.map((problem) => `${label}: ${problem}`));
  }
  return Object.freeze({
    id: id!,
    name: name!,
    title: title!,
    type: type!,
    content: content!,
    example,
    fields: Object.freeze(
      parsed.fields.map((field) => toTemplateField(field, enumLists.get(field.key))),
    ),
  });
}
