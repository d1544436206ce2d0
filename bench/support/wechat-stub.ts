import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startChild } from './child-process.js';

/**
 * The benchmarks' loopback WeChat: just enough of the API for a warm send path, doing as little
 * work per request as possible so that it is never the bottleneck. It runs in a process of its
 * own (see wechat-stub-process.ts) so its CPU never lands in the measured process's cpuUsage().
 */
export interface StubStats {
  sends: number;
  tokens: number;
  other: number;
}

// A token of a realistic length (WeChat's are ~136 characters): it travels in every send's URL.
const TOKEN_BODY = JSON.stringify({
  access_token: `BENCH_${'0123456789abcdefghij'.repeat(7)}`,
  expires_in: 7200,
});
// 19 digits, above 2^53: exercises the gateway's exact 64-bit msgid decoding on every reply.
const MSGID_BASE = '2097683633';

export function createStubServer(): { server: Server; stats: StubStats } {
  const stats: StubStats = { sends: 0, tokens: 0, other: 0 };
  const server = createServer((request, response) => {
    request.resume();
    request.once('end', () => {
      const url = request.url ?? '';
      let body: string;
      let status = 200;
      if (url.startsWith('/cgi-bin/message/subscribe/send')) {
        stats.sends++;
        body = `{"errcode":0,"errmsg":"ok","msgid":${MSGID_BASE}${String(stats.sends).padStart(9, '0')}}`;
      } else if (url.startsWith('/cgi-bin/stable_token') || url.startsWith('/cgi-bin/token')) {
        stats.tokens++;
        body = TOKEN_BODY;
      } else {
        stats.other++;
        status = 404;
        body = '{"errcode":404,"errmsg":"not in the bench stub"}';
      }
      response.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  return { server, stats };
}

export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface StubHandle {
  url: string;
  pid: number;
  stats(): Promise<StubStats>;
  stop(): Promise<void>;
}

/** Starts the stub in a child process and returns its URL and a way to read its counters. */
export async function spawnWeChatStub(): Promise<StubHandle> {
  const child = await startChild<{ url: string }>(
    new URL('./wechat-stub-process.js', import.meta.url),
  );
  return {
    url: child.ready.url,
    pid: child.pid,
    stats: () => child.call<StubStats>('stats'),
    stop: () => child.stop(),
  };
}
