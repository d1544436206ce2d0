import { afterEach, beforeEach, expect, it } from '@jest/globals';
import {
  deleteTestPrefix,
  describeRedis,
  testRedisUrl,
  uniquePrefix,
} from '../../../../helpers/redis.js';
import { sendFromColdProcesses } from '../../../../helpers/token-children.js';
import { startWeChatStub, type WeChatStub } from '../../../../helpers/wechat-stub.js';

describeRedis('cluster-safe token (4 processes sharing Redis)', () => {
  let stub: WeChatStub;
  let prefix: string;

  beforeEach(async () => {
    stub = await startWeChatStub({ tokenDelayMs: 50 });
    prefix = uniquePrefix('cluster');
  });
  afterEach(async () => {
    await stub.close();
    await deleteTestPrefix(prefix);
  });

  it.each(['stable', 'classic'])(
    '4 processes x 100 concurrent cold sends cause 1 token request (%s)',
    async (mode) => {
      const reports = await sendFromColdProcesses(4, {
        REDIS_URL: testRedisUrl!,
        STUB_URL: stub.url,
        APP_ID: stub.appId,
        APP_SECRET: stub.appSecret,
        TOKEN_MODE: mode,
        PREFIX: prefix,
        SENDS: '100',
      });
      expect(reports).toEqual(Array.from({ length: 4 }, () => ({ ok: 100, failed: 0 })));
      expect(mode === 'stable' ? stub.counts.stable : stub.counts.classic).toBe(1);
      expect(stub.counts.sendOk).toBe(400);
    },
    60_000,
  );
});
