import { fork, type ChildProcess } from 'node:child_process';

/**
 * A tiny request/reply protocol over the IPC channel of a forked bench process. The parent drives
 * the run; the child measures itself (process.cpuUsage is per process, so each measured thing
 * lives in a process of its own).
 */
interface Request {
  id: number;
  type: string;
  payload?: unknown;
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

interface ReadyMessage {
  type: 'ready';
  payload: unknown;
}

export interface ChildHandle<Ready> {
  pid: number;
  ready: Ready;
  call<T>(type: string, payload?: unknown): Promise<T>;
  /** Asks the child to shut down, then kills it if it has not exited within a few seconds. */
  stop(): Promise<void>;
}

export interface StartChildOptions {
  env?: Record<string, string>;
  execArgv?: string[];
  /** How long the child may take to report ready. */
  readyTimeoutMs?: number;
}

export async function startChild<Ready>(
  module: URL,
  options: StartChildOptions = {},
): Promise<ChildHandle<Ready>> {
  const child: ChildProcess = fork(module, [], {
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => {
    for (const { reject } of pending.values()) reject(new Error(`${module.pathname} exited`));
    pending.clear();
  });

  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${module.pathname} did not become ready`));
    }, options.readyTimeoutMs ?? 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${module.pathname} exited with code ${code} before it was ready`));
    });
    child.on('message', (message: ReadyMessage | Reply) => {
      if ('type' in message && message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.payload as Ready);
        return;
      }
      const reply = message as Reply;
      const waiter = pending.get(reply.id);
      if (!waiter) return;
      pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(reply.error ?? 'child call failed'));
    });
  });

  const call = <T>(type: string, payload?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, type, payload } satisfies Request);
    });

  return {
    pid: child.pid!,
    ready,
    call,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await call('stop').catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export type Handlers = Record<string, (payload: unknown) => unknown>;

/**
 * The child's side: announces `ready`, answers calls with the matching handler, and exits after
 * `stop` (running `handlers.stop` first). It also exits when the parent goes away, so a crashed
 * bench never leaves load running.
 */
export function serveParent(ready: unknown, handlers: Handlers): void {
  if (!process.send) throw new Error('this module must be started by the bench (no IPC channel)');
  const send = process.send.bind(process);
  process.on('disconnect', () => process.exit(1));
  process.on('message', (request: Request) => {
    void (async () => {
      let reply: Reply;
      try {
        const handler = handlers[request.type];
        if (!handler && request.type !== 'stop') throw new Error(`unknown call ${request.type}`);
        const result = handler ? await handler(request.payload) : undefined;
        reply = { id: request.id, ok: true, result };
      } catch (error) {
        reply = { id: request.id, ok: false, error: (error as Error).message };
      }
      send(reply, () => {
        // exit() rather than waiting for the loop to drain: --cpu-prof still writes its profile.
        if (request.type === 'stop') process.exit(0);
      });
    })();
  });
  send({ type: 'ready', payload: ready } satisfies ReadyMessage);
}
