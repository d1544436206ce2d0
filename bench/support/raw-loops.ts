import { Agent } from 'node:http';
import got from 'got';
import { Pool } from 'undici';
import { OPENIDS, wechatSendBody } from './payload.js';

/**
 * The baselines: a bare keep-alive POST loop with no gateway logic, so the ratios show what the
 * service adds on top of the HTTP library. Each sends WeChat's body shape to the stub with a
 * token in the query, reads the reply as text and checks its errcode, as any caller must.
 */
export interface RawLoop {
  send(index: number): Promise<void>;
  close(): Promise<void>;
}

const SEND_PATH = 'cgi-bin/message/subscribe/send';

function checkReply(text: string): void {
  const reply = JSON.parse(text) as { errcode?: number };
  if (reply.errcode !== 0) throw new Error(`stub answered errcode ${reply.errcode}`);
}

/**
 * got configured and called exactly as the gateway's got transport does, so the difference to
 * the service is the service's own work, not got options.
 */
export function createRawGotLoop(baseUrl: string, token: string, templateId: string): RawLoop {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const client = got.extend({
    prefixUrl: baseUrl,
    agent: { http: agent },
    timeout: { request: 10_000 },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    decompress: true,
  });
  const url = `${SEND_PATH}?access_token=${encodeURIComponent(token)}`;
  return {
    async send(index) {
      const response = await client(url, {
        method: 'POST',
        json: wechatSendBody(templateId, OPENIDS[index % OPENIDS.length]!),
        responseType: 'text',
      });
      checkReply(response.body);
    },
    async close() {
      agent.destroy();
    },
  };
}

/** undici's Pool, the floor of what an HTTP client costs here. */
export function createRawUndiciLoop(baseUrl: string, token: string, templateId: string): RawLoop {
  const pool = new Pool(baseUrl, { connections: 64 });
  const path = `/${SEND_PATH}?access_token=${encodeURIComponent(token)}`;
  return {
    async send(index) {
      const response = await pool.request({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(wechatSendBody(templateId, OPENIDS[index % OPENIDS.length]!)),
      });
      checkReply(await response.body.text());
    },
    close: () => pool.close(),
  };
}

/** Runs `total` calls with at most `concurrency` in flight; the first failure stops the run. */
export async function runConcurrent(
  total: number,
  concurrency: number,
  call: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) await call(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}
