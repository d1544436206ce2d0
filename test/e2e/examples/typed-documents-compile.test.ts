import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

/** Sources that exist only in memory, placed next to this test so relative imports resolve. */
const virtual = new Map<string, string>([
  [
    join(here, 'virtual-missing-thing3.ts'),
    `import { request } from '../../../examples/backend/gateway-request.js';
import { SendAuditResultDocument } from '../../../examples/generated/graphql.js';
export const sent = request(SendAuditResultDocument, {
  input: { openid: 'oTestUser0000000000000000001', data: { phrase2: '审核通过' } },
});
`,
  ],
  [
    join(here, 'virtual-misspelt-key.ts'),
    `import { sendReviewResult } from '../../../examples/backend/send-review-result.js';
export const sent = sendReviewResult('oTestUser0000000000000000001', { phrase2: '审核通过', thing3: '资料齐全', thing4: 'x' });
`,
  ],
  [
    join(here, 'virtual-correct.ts'),
    `import { request } from '../../../examples/backend/gateway-request.js';
import { SendAuditResultDocument } from '../../../examples/generated/graphql.js';
export const sent = request(SendAuditResultDocument, {
  input: { openid: 'oTestUser0000000000000000001', data: { phrase2: '审核通过', thing3: '资料齐全' } },
}).then((result) => result.sendAuditResult.msgid);
`,
  ],
]);

function exampleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return exampleFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

let program: ts.Program;

function errorsIn(path: string): string[] {
  const source = program.getSourceFile(path);
  if (!source) throw new Error(`${path} is not part of the program`);
  return [
    ...program.getSyntacticDiagnostics(source),
    ...program.getSemanticDiagnostics(source),
  ].map((d) => `${relative(root, path)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('codegen-typed documents catch template data mistakes at compile time', () => {
  beforeAll(() => {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    if (!parsed) throw new Error('cannot read tsconfig.json');
    const options = { ...parsed.options, noEmit: true };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      const text = virtual.get(resolve(fileName));
      return text === undefined
        ? getSourceFile(fileName, languageVersion, ...rest)
        : ts.createSourceFile(fileName, text, languageVersion, true);
    };
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (fileName) => virtual.has(resolve(fileName)) || fileExists(fileName);
    program = ts.createProgram({
      rootNames: [...virtual.keys(), ...exampleFiles(join(root, 'examples'))],
      options,
      host,
    });
  });

  it('a sendAuditResult call missing thing3 does not compile, and the error names thing3', () => {
    const errors = errorsIn(join(here, 'virtual-missing-thing3.ts'));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain('thing3');
  });

  it('a keyword the template does not have does not compile either', () => {
    const errors = errorsIn(join(here, 'virtual-misspelt-key.ts'));
    expect(errors.join('\n')).toContain('thing4');
  });

  it('the correct call compiles cleanly', () => {
    expect(errorsIn(join(here, 'virtual-correct.ts'))).toEqual([]);
  });

  it('every file under examples/ (backend and mini-program snippets, generated code) compiles', () => {
    const files = exampleFiles(join(root, 'examples'));
    expect(files.map((file) => relative(root, file))).toEqual(
      expect.arrayContaining([
        'examples/backend/send-review-result.ts',
        'examples/miniprogram/subscribe.ts',
        'examples/miniprogram/subscribe.taro.ts',
        'examples/generated/graphql.ts',
      ]),
    );
    expect(files.flatMap(errorsIn)).toEqual([]);
  });
});
