import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { TokenMode } from '../../../../../src/config.js';
import { ErrorCode } from '../../../../../src/shared/errors.js';
import type { RedisClient } from '../../../../../src/infra/redis/redis-connection.js';
import {
  createWeChatStack,
  type WeChatStack,
} from '../../../../../src/services/wechat/wechat-stack.js';
import { WeChatError } from '../../../../../src/services/wechat/client/wechat-error.js';
import { recordingLogger } from '../../../../helpers/recording-logger.js';
import { connectTestRedis, deletePrefix, uniquePrefix } from '../../../../helpers/redis.js';
import { describeEachStore } from '../../../../helpers/stores.js';
import type { StoreKind } from '../../../../helpers/gateway.js';
import { startWeChatStub, type WeChatStub } from '../../../../helpers/wechat-stub.js';

const message = { touser: 'o-user', templateId: 'tmpl', data: { thing1: 'hello' } };

interface Backend {
  setup(): Promise<{ redis?: RedisClient; prefix: string; cleanup(): Promise<void> }>;
}

const memoryBackend: Backend = {
  setup: async () => ({ prefix: uniquePrefix('tok'), cleanup: async () => undefined }),
};
const redisBackend: Backend = {
  async setup() {
    const redis = await connectTestRedis();
    const prefix = uniquePrefix('tok');
    return {
      redis,
      prefix,
      async cleanup() {
        await deletePrefix(redis, prefix);
        await redis.close();
      },
    };
  },
};

const BACKENDS: Record<StoreKind, Backend> = { memory: memoryBackend, redis: redisBackend };

describeEachStore(
  (store) => `AccessTokenService (${store} store)`,
  (store) => {
    const backend = BACKENDS[store];
    describe.each(['stable', 'classic'] as TokenMode[])('%s mode', (mode) => {
      let stub: WeChatStub;
      let stack: WeChatStack;
      let env: Awaited<ReturnType<Backend['setup']>>;
      const log = recordingLogger();
      const tokenCalls = () => (mode === 'stable' ? stub.counts.stable : stub.counts.classic);

      const build = (token: Parameters<typeof createWeChatStack>[0]['token'] = {}) =>
        createWeChatStack({
          apiBase: stub.url,
          appId: stub.appId,
          appSecret: stub.appSecret,
          tokenMode: mode,
          logger: log,
          redis: env.redis,
          prefix: env.prefix,
          token: { busyBackoffMs: 1, ...token },
          service: { backoffMs: 1 },
        });

      beforeEach(async () => {
        log.lines.length = 0;
        stub = await startWeChatStub({ tokenDelayMs: 20 });
        env = await backend.setup();
        stack = build();
      });
      afterEach(async () => {
        await stack.close();
        await stub.close();
        await env.cleanup();
      });

      it('200 concurrent cold sends cause exactly one token request', async () => {
        const results = await Promise.all(
          Array.from({ length: 200 }, () => stack.wechat.sendSubscribeMessage(message)),
        );
        expect(results.every((r) => r.msgid === '2097683633284153344')).toBe(true);
        expect(tokenCalls()).toBe(1);
        expect(stub.counts.sendOk).toBe(200);
      });

      it('40001 once: one refresh, one retry, success', async () => {
        await stack.wechat.sendSubscribeMessage(message);
        stub.sendErrors.push(40001);
        const result = await stack.wechat.sendSubscribeMessage(message);
        expect(result).toEqual({ msgid: '2097683633284153344', attempts: 2 });
        expect(tokenCalls()).toBe(2);
        expect(stub.counts.forced).toBe(0);
      });

      it('40001 from many concurrent sends refreshes once', async () => {
        await stack.wechat.sendSubscribeMessage(message);
        stub.revoke(await stack.tokens.getToken());
        const results = await Promise.all(
          Array.from({ length: 50 }, () => stack.wechat.sendSubscribeMessage(message)),
        );
        expect(results.every((r) => r.attempts === 2)).toBe(true);
        expect(tokenCalls()).toBe(2);
      });

      it('40001 forever: one clear error and at most 2 token requests', async () => {
        stub.sendErrorAlways = 40001;
        const error = await stack.wechat.sendSubscribeMessage(message).catch((e: unknown) => e);
        expect(error).toMatchObject({
          code: ErrorCode.WECHAT_TOKEN_REJECTED,
          extensions: { errcode: 40001 },
        });
        expect((error as Error).message).toMatch(/freshly fetched access token/);
        expect(tokenCalls()).toBeLessThanOrEqual(2);
        expect(stub.counts.sends).toBe(2);
      });

      it('42001 and 40014 also refresh once', async () => {
        for (const errcode of [42001, 40014]) {
          stub.sendErrors.push(errcode);
          await expect(stack.wechat.sendSubscribeMessage(message)).resolves.toMatchObject({
            attempts: 2,
          });
        }
      });

      it('a refusal that is not about the token is not retried', async () => {
        stub.sendErrors.push(43101);
        const error = await stack.wechat.sendSubscribeMessage(message).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WeChatError);
        expect(error).toMatchObject({ errcode: 43101, attempts: 1 });
        expect(stub.counts.sends).toBe(1);
      });

      it('a bad secret gives an actionable error, remembered so 100 sends make at most 1 more request', async () => {
        stub.tokenErrorAlways = 40125;
        const first = await stack.wechat.sendSubscribeMessage(message).catch((e: unknown) => e);
        expect(first).toMatchObject({
          code: ErrorCode.WECHAT_CREDENTIALS_REJECTED,
          extensions: { errcode: 40125 },
        });
        expect((first as Error).message).toMatch(/WECHAT_APP_SECRET/);
        expect((first as Error).message).not.toContain(stub.appSecret);
        const before = tokenCalls();
        const rest = await Promise.all(
          Array.from({ length: 100 }, () =>
            stack.wechat.sendSubscribeMessage(message).catch((e: unknown) => e),
          ),
        );
        expect(
          rest.every(
            (e) => (e as { code?: string }).code === ErrorCode.WECHAT_CREDENTIALS_REJECTED,
          ),
        ).toBe(true);
        expect(tokenCalls() - before).toBeLessThanOrEqual(1);
        expect(log.text()).not.toContain(stub.appSecret);
      });

      it.each([
        [40013, /WECHAT_APP_ID/],
        [40164, /whitelist/],
        [40243, /frozen/],
        [89503, /confirm/],
      ])('token endpoint errcode %d names its cause', async (errcode, cause) => {
        stub.tokenErrors.push(errcode);
        const error = await stack.tokens.getToken().catch((e: unknown) => e);
        expect((error as Error).message).toMatch(cause);
      });

      it('retries errcode -1 of the token endpoint with bounded backoff', async () => {
        stub.tokenErrors.push(-1, -1);
        await expect(stack.wechat.sendSubscribeMessage(message)).resolves.toMatchObject({
          msgid: '2097683633284153344',
        });
        expect(tokenCalls()).toBe(3);
        stub.tokenErrorAlways = -1;
        await stack.close();
        stack = build();
        await env.cleanup();
        env = await backend.setup();
        stack = build();
        const error = await stack.tokens.getToken().catch((e: unknown) => e);
        expect(error).toMatchObject({ code: ErrorCode.UPSTREAM_UNAVAILABLE });
      });

      it('a remembered refusal expires after its window', async () => {
        let now = Date.now();
        await stack.close();
        stack = build({ now: () => now, failureMemoryMs: 1000 });
        stub.tokenErrors.push(40013);
        await expect(stack.tokens.getToken()).rejects.toMatchObject({
          code: ErrorCode.WECHAT_CREDENTIALS_REJECTED,
        });
        await expect(stack.tokens.getToken()).rejects.toMatchObject({
          code: ErrorCode.WECHAT_CREDENTIALS_REJECTED,
        });
        now += 1001;
        await expect(stack.tokens.getToken()).resolves.toMatch(/^stub-token/);
      });

      it('refreshes ahead of expiry', async () => {
        let now = Date.now();
        await stack.close();
        stack = build({ now: () => now });
        const first = await stack.tokens.getToken();
        now += 6899_000;
        expect(await stack.tokens.getToken()).toBe(first);
        now += 2000;
        if (mode === 'classic') expect(await stack.tokens.getToken()).not.toBe(first);
        else await stack.tokens.getToken();
        expect(tokenCalls()).toBe(2);
      });
    });
  },
);

describe('stable mode force_refresh', () => {
  let stub: WeChatStub;
  beforeAll(async () => {
    stub = await startWeChatStub();
  });
  afterAll(() => stub.close());

  /** A stable-mode stack on the stub, its token service reading `now`. */
  const stableStack = (now: () => number) =>
    createWeChatStack({
      apiBase: stub.url,
      appId: stub.appId,
      appSecret: stub.appSecret,
      tokenMode: 'stable',
      logger: recordingLogger(),
      prefix: uniquePrefix('force'),
      token: { now },
    });

  it('forces a refresh only when a normal call returns the very token that failed, and respects the 30 s spacing', async () => {
    let now = Date.now();
    const stack = stableStack(() => now);
    const first = await stack.tokens.getToken();
    stub.stableSticky = true;
    stub.revoke(first);
    await expect(stack.wechat.sendSubscribeMessage(message)).resolves.toMatchObject({
      attempts: 2,
    });
    expect(stub.counts.forced).toBe(1);
    const second = await stack.tokens.getToken();
    stub.revoke(second);
    now += 10_000;
    const error = await stack.wechat.sendSubscribeMessage(message).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.WECHAT_TOKEN_REJECTED });
    expect((error as Error).message).toMatch(/30 s apart/);
    expect(stub.counts.forced).toBe(1);
    now += 30_000;
    await expect(stack.wechat.sendSubscribeMessage(message)).resolves.toMatchObject({
      attempts: 2,
    });
    expect(stub.counts.forced).toBe(2);
    await stack.close();
  });

  it('stops forcing after 20 a day', async () => {
    let now = Date.parse('2026-11-24T00:00:00Z');
    const stack = stableStack(() => now);
    stub.stableSticky = true;
    const forcedBefore = stub.counts.forced;
    for (let i = 0; i < 21; i++) {
      stub.revoke(await stack.tokens.getToken());
      now += 31_000;
      await stack.wechat.sendSubscribeMessage(message).catch((e: unknown) => e);
    }
    expect(stub.counts.forced - forcedBefore).toBe(20);
    await stack.close();
  });
});
