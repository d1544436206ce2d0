import { writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildGatewaySchema } from '../src/build-schema.js';
import { loadTemplatesFile } from '../src/services/templates/index.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The sandbox's demo apps and their templates: what the committed schema.graphql shows. */
export const DEMO_APPS = [
  { app: 'shop', file: join(PROJECT_ROOT, 'templates', 'demo.json') },
  { app: 'clinic', file: join(PROJECT_ROOT, 'templates', 'demo-clinic.json') },
];
export const SCHEMA_FILE = join(PROJECT_ROOT, 'schema.graphql');

/**
 * The text of `schema.graphql` for one app's templates file, or for the sandbox's demo apps.
 * Sorted so that the order in which type-graphql happens to register types never shows up as a
 * diff; the header names the sources with project-relative paths so the file is the same on every
 * machine.
 */
export async function renderSchemaFile(templatesFile?: string): Promise<string> {
  const apps = templatesFile ? [{ app: 'default', file: templatesFile }] : DEMO_APPS;
  const schema = await buildGatewaySchema(
    await Promise.all(
      apps.map(async ({ app, file }) => ({ app, templates: await loadTemplatesFile(file) })),
    ),
  );
  const source = apps
    .map(({ file }) => relative(PROJECT_ROOT, resolve(file)).split('\\').join('/'))
    .join(' and ');
  const header = `# Generated from ${source} by \`npm run schema:print\`; do not edit, regenerate instead.`;
  return `${header}\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}

async function main(): Promise<void> {
  // An explicit file (argument or TEMPLATES_FILE) prints one app's schema; else the demo apps'.
  const file = process.argv[2] ?? process.env.TEMPLATES_FILE;
  await writeFile(SCHEMA_FILE, await renderSchemaFile(file ? resolve(file) : undefined), 'utf8');
  process.stdout.write(
    `Wrote ${relative(process.cwd(), SCHEMA_FILE)} from ${file ?? 'the demo apps’ templates'}\n`,
  );
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
