import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newOpenid } from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { adminGql, liveEnv, startGatewayProcess } from '../../helpers/live-gateway.js';
import { SEND } from '../../helpers/operations.js';
import { startWeChatStub, type WeChatStub } from '../../helpers/wechat-stub.js';

const IN_FLIGHT = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves true once a fresh TCP connection to `url` is refused. */
async function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  for (let attempt = 0; attempt < 50; attempt++) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), hostname);
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (error: NodeJS.ErrnoException) =>
        resolve(error.code === 'ECONNREFUSED'),
      );
    });
    if (refused) return true;
    await sleep(20);
  }
  return false;
}

describe('SIGTERM with sends in flight', () => {
  let stub: WeChatStub;
  beforeAll(async () => {
    // Slow enough that sends are still waiting on WeChat when the signal arrives. They go out in
    // two waves (the gateway keeps 64 connections to WeChat): the signal comes once the last
    // request reached the stub, while the second wave waits for its answers.
    stub = await startWeChatStub({ sendDelayMs: 1500 });
  });
  afterAll(() => stub.close());

  it(`lets all ${IN_FLIGHT} finish with SENT and Connection: close, refuses new connections and exits 0`, async () => {
    const gateway = await startGatewayProcess(liveEnv(stub));
    // One token fetch first, so the sends below go straight to WeChat.
    await adminGql(gateway.url, SEND, {
      input: { openid: newOpenid(), templateId: 'AuditResult', data: VALID_DATA.AuditResult },
    });
    const sendsBefore = stub.counts.sends;
    const responses = Array.from({ length: IN_FLIGHT }, () =>
      adminGql(gateway.url, SEND, {
        input: { openid: newOpenid(), templateId: 'AuditResult', data: VALID_DATA.AuditResult },
      }).then((r) => ({ ...r, at: Date.now() })),
    );
    while (stub.counts.sends < sendsBefore + IN_FLIGHT) await sleep(10);

    gateway.child.kill('SIGTERM');
    const signalled = Date.now();
    expect(await refusesConnections(gateway.url)).toBe(true);
    const results = await Promise.all(responses);
    expect(results.map((r) => r.status)).toEqual(Array(IN_FLIGHT).fill(200));
    expect(results.map((r) => r.body.data?.sendSubscribeMessage?.status)).toEqual(
      Array(IN_FLIGHT).fill('SENT'),
    );
    // Each answer given after the signal ends its keep-alive connection: the client does not
    // reuse a closing server.
    const afterSignal = results.filter((r) => r.at > signalled + 50);
    expect(afterSignal.length).toBeGreaterThan(0);
    expect(afterSignal.map((r) => r.headers.get('connection'))).toEqual(
      Array(afterSignal.length).fill('close'),
    );
    expect(await gateway.exited).toBe(0);
    expect(gateway.output.some((line) => line.startsWith('SIGTERM: shutting down'))).toBe(true);
  }, 60_000);
});
