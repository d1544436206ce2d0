import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startGateway, type Gateway } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { newOpenid } from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { adminGql, liveEnv, startGatewayProcess } from '../../helpers/live-gateway.js';
import { MESSAGE, SEND } from '../../helpers/operations.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import {
  deleteTestPrefix,
  describeRedis,
  testRedisUrl,
  uniquePrefix,
} from '../../helpers/redis.js';
import { startWeChatStub, type WeChatStub } from '../../helpers/wechat-stub.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeRedis('a gateway killed (-9) in the middle of a send with an idempotencyKey', () => {
  const prefix = uniquePrefix('crash');
  let stub: WeChatStub;
  let survivor: Gateway | undefined;
  beforeAll(async () => {
    // WeChat holds the first send long enough for its gateway to die waiting.
    stub = await startWeChatStub({ sendDelayMs: 5000 });
  });
  afterAll(async () => {
    await survivor?.close();
    await stub.close();
    await deleteTestPrefix(prefix);
  });

  it('frees the key within one lease: another gateway takes it over instead of IDEMPOTENCY_IN_PROGRESS', async () => {
    const env = liveEnv(stub, {
      REDIS_URL: testRedisUrl!,
      REDIS_PREFIX: prefix,
      IDEMPOTENCY_LEASE_SECONDS: '2',
    });
    const input = {
      openid: newOpenid(),
      templateId: 'AuditResult',
      data: VALID_DATA.AuditResult,
      idempotencyKey: 'order-42-shipped',
    };
    const doomed = await startGatewayProcess(env);
    const lost = adminGql(doomed.url, SEND, { input }).catch((error: unknown) => error);
    while (stub.counts.sends < 1) await sleep(10);
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    expect(String(await lost)).toMatch(/fetch failed/);

    stub.sendDelayMs = 0;
    survivor = await startGateway(loadConfig(env), { logger: recordingLogger() });
    const retry = await adminGql(survivor.url, SEND, { input });
    expect(retry.body.errors).toBeUndefined();
    const message = retry.body.data?.sendSubscribeMessage;
    expect(message?.status).toBe('SENT');
    // The key now answers with the survivor's message, like any finished request.
    const again = await adminGql(survivor.url, SEND, { input });
    expect(again.body.data?.sendSubscribeMessage?.id).toBe(message?.id);
    const stored = await adminGql(survivor.url, MESSAGE, { id: message?.id });
    expect(stored.body.data?.message?.status).toBe('SENT');
  }, 60_000);
});
