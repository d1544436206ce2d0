import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startGateway, type Gateway } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { newOpenid } from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { adminGql, liveEnv } from '../../helpers/live-gateway.js';
import { MESSAGES, SEND } from '../../helpers/operations.js';
import { startPrivateRedis, type PrivateRedis } from '../../helpers/private-redis.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import { describeRedis } from '../../helpers/redis.js';
import { startWeChatStub, type WeChatStub } from '../../helpers/wechat-stub.js';

const sendInput = (extra: Record<string, unknown> = {}) => ({
  input: { openid: newOpenid(), templateId: 'AuditResult', data: VALID_DATA.AuditResult, ...extra },
});

describeRedis('a Redis outage', () => {
  let redis: PrivateRedis;
  let stub: WeChatStub;
  let gateway: Gateway;
  const logger = recordingLogger();

  beforeAll(async () => {
    redis = await startPrivateRedis();
    stub = await startWeChatStub();
    gateway = await startGateway(loadConfig(liveEnv(stub, { REDIS_URL: redis.url })), { logger });
  });
  afterAll(async () => {
    await gateway?.close();
    await stub?.close();
    await redis?.stop();
  });

  it('answers 503 STORE_UNAVAILABLE with Retry-After, sends nothing, and recovers with Redis', async () => {
    const before = await adminGql(gateway.url, SEND, sendInput({ idempotencyKey: 'k-before' }));
    expect(before.body.data?.sendSubscribeMessage?.status).toBe('SENT');
    const sendsBefore = stub.counts.sends;

    await redis.stop();
    for (const variables of [sendInput({ idempotencyKey: 'k-during' }), sendInput()]) {
      const during = await adminGql(gateway.url, SEND, variables);
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBe('5');
      expect(during.body.errors).toHaveLength(1);
      expect(during.body.errors?.[0]?.extensions).toMatchObject({
        code: 'STORE_UNAVAILABLE',
        retryAfterSeconds: 5,
      });
    }
    const read = await adminGql(gateway.url, MESSAGES, { first: 1 });
    expect(read.status).toBe(503);
    expect(read.body.errors?.[0]?.extensions.code).toBe('STORE_UNAVAILABLE');
    // Nothing reached WeChat without its record.
    expect(stub.counts.sends).toBe(sendsBefore);
    expect(logger.at('error')).toEqual([]);

    await redis.start();
    let after;
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await adminGql(gateway.url, SEND, sendInput({ idempotencyKey: 'k-during' }));
    } while (after.status === 503);
    expect(after.body.data?.sendSubscribeMessage?.status).toBe('SENT');
  });

  it('answers STORE_UNAVAILABLE, never stalls, while Redis hangs with its connection open', async () => {
    const sendsBefore = stub.counts.sends;
    redis.pause();
    try {
      const during = await adminGql(gateway.url, SEND, sendInput());
      expect(during.status).toBe(503);
      expect(during.body.errors?.[0]?.extensions.code).toBe('STORE_UNAVAILABLE');
      expect(stub.counts.sends).toBe(sendsBefore);
    } finally {
      redis.resume();
    }
    let after;
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await adminGql(gateway.url, SEND, sendInput());
    } while (after.status === 503);
    expect(after.body.data?.sendSubscribeMessage?.status).toBe('SENT');
  });
});
