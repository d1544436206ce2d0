import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadTemplatesFile,
  TemplateDefinitionError,
} from '../../../../src/services/templates/index.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'templates-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text, 'utf8');
  return path;
}

async function problemsLoading(path: string): Promise<string[]> {
  const error = await loadTemplatesFile(path).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TemplateDefinitionError);
  return (error as TemplateDefinitionError).problems;
}

describe('loadTemplatesFile', () => {
  it('loads a valid file', async () => {
    const path = await fileWith(
      'ok.json',
      JSON.stringify({
        templates: [
          { id: 'abc', name: 'Hello', title: '你好', content: '内容:{{thing1.DATA}}', type: 2 },
        ],
      }),
    );
    const [template] = await loadTemplatesFile(path);
    expect(template).toMatchObject({ id: 'abc', name: 'Hello', fields: [{ key: 'thing1' }] });
  });

  it('reports every problem of every entry, naming the file and the index', async () => {
    const path = await fileWith(
      'bad.json',
      JSON.stringify({
        templates: [
          { id: 'ok1', title: '好', content: '内容:{{thing1.DATA}}', type: 2 },
          { title: '缺少id', content: '内容:{{thing1.DATA}}', type: 4 },
          { id: 'x2', name: 'bad name', title: '坏', content: '无占位符', type: 2 },
        ],
      }),
    );
    const problems = await problemsLoading(path);
    expect(problems).toEqual([
      `${path} templates[1]: id is missing (give "id" or "priTmplId")`,
      `${path} templates[1]: type 4 is unknown (2 = one-time, 3 = long-term)`,
      expect.stringMatching(/templates\[2\] \(id x2\): name "bad name" is not GraphQL-safe/),
      `${path} templates[2] (id x2): content has no {{key.DATA}} placeholders`,
    ]);
  });

  it('names the file when it is not JSON or cannot be read', async () => {
    const broken = await fileWith('broken.json', '{ "templates": [');
    expect((await problemsLoading(broken))[0]).toMatch(new RegExp(`^${broken}: not valid JSON: `));
    const missing = join(dir, 'missing.json');
    expect((await problemsLoading(missing))[0]).toMatch(
      new RegExp(`^${missing}: cannot read the templates file: .*ENOENT`),
    );
  });
});
