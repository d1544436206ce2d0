import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import {
  connectTestRedis,
  deletePrefix,
  describeRedis,
  testRedisUrl,
  uniquePrefix,
} from '../../../../helpers/redis.js';
import { startWeChatStub, type WeChatStub } from '../../../../helpers/wechat-stub.js';

const CHILD = new URL('../../../../helpers/token-child.ts', import.meta.url).pathname;

function startChild(env: Record<string, string>): {
  child: ChildProcess;
  lines: AsyncIterator<string>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines };
}

describeRedis('cluster-safe token (4 processes sharing Redis)', () => {
  let stub: WeChatStub;
  let prefix: string;

  beforeEach(async () => {
    stub = await startWeChatStub({ tokenDelayMs: 50 });
    prefix = uniquePrefix('cluster');
  });
  afterEach(async () => {
    await stub.close();
    const redis = await connectTestRedis();
    await deletePrefix(redis, prefix);
    await redis.close();
  });

  it.each(['stable', 'classic'])(
    '4 processes x 100 concurrent cold sends cause 1 token request (%s)',
    async (mode) => {
      const children = Array.from({ length: 4 }, () =>
        startChild({
          REDIS_URL: testRedisUrl!,
          STUB_URL: stub.url,
          APP_ID: stub.appId,
          APP_SECRET: stub.appSecret,
          TOKEN_MODE: mode,
          PREFIX: prefix,
          SENDS: '100',
        }),
      );
      for (const { lines } of children) expect((await lines.next()).value).toBe('ready');
      // Start all four at once, so every process meets a cold cache.
      for (const { child } of children) child.stdin!.write('go\n');
      const reports = await Promise.all(
        children.map(async ({ lines }) => JSON.parse((await lines.next()).value as string)),
      );
      expect(reports).toEqual(Array.from({ length: 4 }, () => ({ ok: 100, failed: 0 })));
      expect(mode === 'stable' ? stub.counts.stable : stub.counts.classic).toBe(1);
      expect(stub.counts.sendOk).toBe(400);
    },
    60_000,
  );
});
