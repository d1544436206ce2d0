import { writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildGatewaySchema } from '../src/build-schema.js';
import { loadTemplatesFile } from '../src/services/templates/index.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_TEMPLATES_FILE = join(PROJECT_ROOT, 'templates', 'demo.json');
export const SCHEMA_FILE = join(PROJECT_ROOT, 'schema.graphql');

/**
 * The text of `schema.graphql` for a templates file. Sorted so that the order in which
 * type-graphql happens to register types never shows up as a diff; the header names the source
 * with a project-relative path so the file is the same on every machine.
 */
export async function renderSchemaFile(
  templatesFile: string = DEFAULT_TEMPLATES_FILE,
): Promise<string> {
  const schema = await buildGatewaySchema(await loadTemplatesFile(templatesFile));
  const source = relative(PROJECT_ROOT, resolve(templatesFile)).split('\\').join('/');
  const header = `# Generated from ${source} by \`npm run schema:print\`; do not edit, regenerate instead.`;
  return `${header}\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}

async function main(): Promise<void> {
  const templatesFile = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_TEMPLATES_FILE;
  await writeFile(SCHEMA_FILE, await renderSchemaFile(templatesFile), 'utf8');
  process.stdout.write(`Wrote ${relative(process.cwd(), SCHEMA_FILE)} from ${templatesFile}\n`);
}

// Run only when executed (`tsx scripts/print-schema.ts`), not when the snapshot test imports it.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
