import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { PROJECT_ROOT } from '../../../scripts/print-schema.js';

/**
 * Runs GraphQL Code Generator with codegen.yml in a child Node process, without writing files:
 * its presets are loaded through require(), which Jest's ESM loader cannot serve.
 */
const GENERATE_WITHOUT_WRITING = `
import { executeCodegen, loadCodegenConfig } from '@graphql-codegen/cli';
const { config } = await loadCodegenConfig({ configFilePath: 'codegen.yml' });
const { result, error } = await executeCodegen({ ...config, cwd: process.cwd(), silent: true });
if (error) throw error;
process.stdout.write(JSON.stringify(result.map(({ filename, content }) => ({ filename, content }))));
`;

async function generate(): Promise<{ filename: string; content: string }[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '--eval', GENERATE_WITHOUT_WRITING],
    { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  return JSON.parse(stdout) as { filename: string; content: string }[];
}

describe('examples/generated', () => {
  it('is what `npm run codegen` makes of schema.graphql and examples/operations.graphql', async () => {
    const outputs = await generate();
    expect(outputs.map((output) => output.filename).sort()).toEqual([
      'examples/generated/gql.ts',
      'examples/generated/graphql.ts',
      'examples/generated/index.ts',
    ]);
    const stale: string[] = [];
    for (const output of outputs) {
      const committed = await readFile(join(PROJECT_ROOT, output.filename), 'utf8').catch(
        () => null,
      );
      if (committed !== output.content) stale.push(output.filename);
    }
    if (stale.length > 0) {
      throw new Error(`${stale.join(', ')} stale: run \`npm run codegen\` and commit the result.`);
    }
  });

  it('imports with .js suffixes, as NodeNext resolution requires', async () => {
    const gql = await readFile(join(PROJECT_ROOT, 'examples/generated/gql.ts'), 'utf8');
    expect(gql).toContain(`import * as types from './graphql.js';`);
  });
});
