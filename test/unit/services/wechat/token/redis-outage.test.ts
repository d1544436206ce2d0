import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { connectRedis, type RedisClient } from '../../../../../src/infra/redis/redis-connection.js';
import {
  createWeChatStack,
  type WeChatStack,
} from '../../../../../src/services/wechat/wechat-stack.js';
import { startPrivateRedis, type PrivateRedis } from '../../../../helpers/private-redis.js';
import { recordingLogger } from '../../../../helpers/recording-logger.js';
import { describeRedis } from '../../../../helpers/redis.js';
import { startWeChatStub, type WeChatStub } from '../../../../helpers/wechat-stub.js';

const message = { touser: 'o-user', templateId: 'tmpl', data: { thing1: 'x' } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeRedis('token service while Redis goes away', () => {
  let redisServer: PrivateRedis;
  let redis: RedisClient;
  let stub: WeChatStub;
  let stack: WeChatStack;
  let now = Date.now();
  const log = recordingLogger();

  beforeAll(async () => {
    redisServer = await startPrivateRedis();
    redis = await connectRedis({ url: redisServer.url, commandTimeoutMs: 300 });
    stub = await startWeChatStub();
    stack = createWeChatStack({
      apiBase: stub.url,
      appId: stub.appId,
      appSecret: stub.appSecret,
      tokenMode: 'classic',
      logger: log,
      redis,
      prefix: 'outage',
      token: { now: () => now, lockWaitMs: 500 },
    });
  });
  afterAll(async () => {
    await stack.close();
    await stub.close();
    await redis.close().catch(() => undefined);
    await redisServer.stop();
  });

  it('keeps sending on the in-process token, fetches at most once per refresh, logs the outage once and recovers', async () => {
    await stack.wechat.sendSubscribeMessage(message);
    expect(stub.counts.classic).toBe(1);

    await redisServer.stop();
    const during = await Promise.all(
      Array.from({ length: 100 }, () => stack.wechat.sendSubscribeMessage(message)),
    );
    expect(during).toHaveLength(100);
    expect(stub.counts.classic).toBe(1);

    // The in-process token expires while Redis is still down: one fetch, not one per request.
    now += 7000_000;
    await Promise.all(
      Array.from({ length: 100 }, () => stack.wechat.sendSubscribeMessage(message)),
    );
    await Promise.all(Array.from({ length: 20 }, () => stack.wechat.sendSubscribeMessage(message)));
    expect(stub.counts.classic).toBe(2);
    const outageLines = log.lines.filter((l) => l.msg.startsWith('token store unreachable'));
    expect(outageLines).toHaveLength(1);

    await redisServer.start();
    for (let i = 0; i < 50 && !redis.isReady; i++) await sleep(100);
    expect(redis.isReady).toBe(true);
    now += 7000_000;
    await stack.wechat.sendSubscribeMessage(message);
    expect(stub.counts.classic).toBe(3);
    expect(log.lines.filter((l) => l.msg.startsWith('token store reachable again'))).toHaveLength(
      1,
    );
    // Back in Redis: the token is shared again.
    const keys = await redis.keys('outage*token*');
    expect(keys.length).toBeGreaterThan(0);
  }, 30_000);
});
