import { readFile } from 'node:fs/promises';
import { TemplateDefinitionError } from './definition-error.js';
import { parseTemplatesDocument } from './parse-document.js';
import type { Template } from './types.js';

/** Reads a `{ "templates": [...] }` JSON file; every error names the file (and the entry index). */
export async function loadTemplatesFile(path: string): Promise<Template[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TemplateDefinitionError(
      [`${path}: cannot read the templates file: ${reason}`],
      `Cannot load templates from ${path}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TemplateDefinitionError(
      [`${path}: not valid JSON: ${reason}`],
      `Cannot load templates from ${path}`,
    );
  }
  return parseTemplatesDocument(json, path);
}

/**
 * loadTemplatesFile for a file the operator named: its problems are headed by the setting that
 * names it (`TEMPLATES_FILE`, or an app's templatesFile in WECHAT_APPS_FILE), not only its path.
 */
export async function loadConfiguredTemplatesFile(
  path: string,
  setting: string,
): Promise<Template[]> {
  try {
    return await loadTemplatesFile(path);
  } catch (error) {
    if (!(error instanceof TemplateDefinitionError)) throw error;
    throw new TemplateDefinitionError(error.problems, `Invalid templates in ${setting} (${path})`);
  }
}
