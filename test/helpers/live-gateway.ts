import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { projectFile } from '../../src/shared/project-file.js';
import type { WeChatStub } from './wechat-stub.js';
import { childEnv } from './child-env.js';

export const LIVE_ADMIN_KEY = 'admin-key-for-live-gateway-tests';

/** Environment of a live-mode gateway whose WeChat is the loopback stub, with the demo templates. */
export function liveEnv(
  stub: WeChatStub,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PORT: '0',
    LOG_LEVEL: 'silent',
    WECHAT_APP_ID: stub.appId,
    WECHAT_APP_SECRET: stub.appSecret,
    WECHAT_API_BASE: stub.url,
    GATEWAY_API_KEYS: `admin:${LIVE_ADMIN_KEY}`,
    TEMPLATES_FILE: projectFile('templates', 'demo.json'),
    ...extra,
  };
}

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Every stdout line so far. */
  output: string[];
}

/**
 * The real entry point (`src/main.ts`) in a process of its own, as an operator runs it; resolves
 * once it prints the address it listens on.
 */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', projectFile('src', 'main.ts')], {
    env: childEnv({ NODE_OPTIONS: '', ...env }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      output.push(line);
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`gateway exited (${code}) before listening`)));
  });
  return { child, url, exited, output };
}

export interface LiveResponse {
  status: number;
  headers: Headers;
  // Loosely typed on purpose: each test reads the few fields it checks.
  body: {
    data?: Record<string, Record<string, unknown>> | null;
    errors?: { message: string; extensions: Record<string, unknown> }[];
  };
}

/** POSTs a GraphQL operation as the admin. */
export async function adminGql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<LiveResponse> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${LIVE_ADMIN_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as never,
  };
}
