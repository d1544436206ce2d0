import { spawn, type ChildProcess } from 'node:child_process';
import { childEnv } from './child-env.js';

/** The crash tests' worker (see worker-child.ts for its env and what it prints). */
export const WORKER_CHILD = new URL('./worker-child.ts', import.meta.url).pathname;

export interface RunningProcess {
  child: ChildProcess;
  /** Resolves with the exit code once the process has exited (null: killed by a signal). */
  exited: Promise<number | null>;
  /** The first match of `ready` in what the process printed. */
  ready: RegExpExecArray;
}

/**
 * A TypeScript file in a process of its own, resolved once its stdout or stderr matches `ready`;
 * rejected with what it printed if it exits first.
 */
export function spawnTsProcess(
  file: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<RunningProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return new Promise<RunningProcess>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve({ child, exited, ready: match });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`process exited (${code}) before ready:\n${output}`)),
    );
  });
}

/** Polls `condition` every 25 ms until it holds; throws naming `what` after `ms`. */
export async function until(
  condition: () => Promise<boolean> | boolean,
  what: string,
  ms: number,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
