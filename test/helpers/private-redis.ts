import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own, on its own port, that the test may stop and restart. */
export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Freezes the server (SIGSTOP): its sockets stay open but nothing is answered until resume(). */
  pause(): void;
  resume(): void;
}

/**
 * `persistDir`: keep an append-only file there, synced on every write, so the data survives
 * stop() and start() as it would on a production Redis with AOF.
 */
export async function startPrivateRedis(
  options: { persistDir?: string } = {},
): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const persistence = options.persistDir
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.persistDir]
    : ['--appendonly', 'no'];
  const start = async () => {
    proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      proc!.once('error', reject);
      proc!.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) resolve();
      });
    });
  };
  const stop = async () => {
    const current = proc;
    proc = null;
    if (!current || current.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      current.once('exit', () => resolve());
      current.kill('SIGKILL');
    });
  };
  const signal = (name: NodeJS.Signals) => {
    if (!proc || proc.exitCode !== null) throw new Error('the private Redis is not running');
    proc.kill(name);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
  };
}
