import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect } from '@jest/globals';
import { childEnv } from './child-env.js';

const CHILD = new URL('./token-child.ts', import.meta.url).pathname;

function startChild(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: childEnv({ NODE_OPTIONS: '', ...env }),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines };
}

/**
 * `count` gateway processes (token-child.ts, one env) that start sending together once all are
 * ready, so every process meets a cold token cache; resolves with each process's report.
 */
export async function sendFromColdProcesses(
  count: number,
  env: Record<string, string>,
): Promise<unknown[]> {
  const children = Array.from({ length: count }, () => startChild(env));
  for (const { lines } of children) expect((await lines.next()).value).toBe('ready');
  for (const { child } of children) child.stdin!.write('go\n');
  return Promise.all(
    children.map(async ({ lines }) => JSON.parse((await lines.next()).value as string) as unknown),
  );
}
