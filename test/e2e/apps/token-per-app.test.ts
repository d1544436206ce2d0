import { afterEach, beforeEach, expect, it } from '@jest/globals';
import {
  deleteTestPrefix,
  describeRedis,
  testRedisUrl,
  uniquePrefix,
} from '../../helpers/redis.js';
import { sendFromColdProcesses } from '../../helpers/token-children.js';
import { startWeChatStub, type WeChatStub } from '../../helpers/wechat-stub.js';

const APPS = [
  { appId: 'wxshop00000000001', appSecret: 'shop-secret-0123456789abcdef' },
  { appId: 'wxclinic000000002', appSecret: 'clinic-secret-0123456789abcd' },
];
const PROCESSES = 4;
const SENDS = 50;

describeRedis('one access token per app across processes (2 apps, shared Redis)', () => {
  let stub: WeChatStub;
  let prefix: string;

  beforeEach(async () => {
    stub = await startWeChatStub({ tokenDelayMs: 50, apps: APPS });
    prefix = uniquePrefix('apps-token');
  });
  afterEach(async () => {
    await stub.close();
    await deleteTestPrefix(prefix);
  });

  it.each(['stable', 'classic'])(
    `${PROCESSES} processes x 2 apps x ${SENDS} cold sends cause exactly 1 token request per app (%s)`,
    async (mode) => {
      const reports = await sendFromColdProcesses(PROCESSES, {
        REDIS_URL: testRedisUrl!,
        STUB_URL: stub.url,
        APPS: JSON.stringify(APPS),
        TOKEN_MODE: mode,
        PREFIX: prefix,
        SENDS: String(SENDS),
      });
      const perApp = Object.fromEntries(APPS.map((app) => [app.appId, { ok: SENDS, failed: 0 }]));
      expect(reports).toEqual(Array.from({ length: PROCESSES }, () => perApp));
      for (const { appId } of APPS) {
        const counts = stub.countsByApp[appId]!;
        expect(mode === 'stable' ? counts.stable : counts.classic).toBe(1);
        // Every send used a token of its own app (the stub knows which app each token is for).
        expect(counts.sendOk).toBe(PROCESSES * SENDS);
      }
    },
    90_000,
  );
});
