import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  createWeChatStack,
  type WeChatStack,
} from '../../../../src/services/wechat/wechat-stack.js';
import { capturedPino, type CapturedPino } from '../../../helpers/captured-pino.js';
import { uniquePrefix } from '../../../helpers/redis.js';
import { startWeChatStub, type WeChatStub } from '../../../helpers/wechat-stub.js';

const message = { touser: 'o-user', templateId: 'tmpl', data: { thing1: 'hello' } };

/**
 * JSON.parse keeps the last of two equal keys, so the raw line is read: a collector that rejects
 * or double-counts repeated keys sees exactly these bytes.
 */
function appIdKeysIn(log: CapturedPino, msg: string): number[] {
  const lines = log
    .text()
    .split('\n')
    .filter((line) => line !== '' && (JSON.parse(line) as { msg?: string }).msg === msg);
  return lines.map((line) => line.split('"appId":').length - 1);
}

describe('WeChat log lines carry appId once', () => {
  let stub: WeChatStub;
  let log: CapturedPino;
  let stack: WeChatStack;

  beforeEach(async () => {
    stub = await startWeChatStub();
    log = capturedPino('debug');
    stack = createWeChatStack({
      apiBase: stub.url,
      appId: stub.appId,
      appSecret: stub.appSecret,
      tokenMode: 'classic',
      logger: log.logger,
      prefix: uniquePrefix('logid'),
      service: { backoffMs: 1 },
    });
  });
  afterEach(async () => {
    await stack.close();
    await stub.close();
  });

  it.each([
    ["the service's own logger", () => undefined],
    ["a send's logger, which knows the app by name only", () => log.logger.child({ app: 'shop' })],
  ])('"access token rejected; refreshing once" through %s', async (_name, sendLogger) => {
    stub.revoke(await stack.tokens.getToken());
    await stack.wechat.sendSubscribeMessage(message, { logger: sendLogger() });
    expect(appIdKeysIn(log, 'access token rejected; refreshing once')).toEqual([1]);
  });

  it('"WeChat answered with a non-JSON body" (the stub has no template endpoint)', async () => {
    await expect(stack.wechat.getTemplates()).rejects.toThrow(/non-JSON/);
    const counts = appIdKeysIn(log, 'WeChat answered with a non-JSON body');
    expect(counts.length).toBeGreaterThan(0);
    expect(new Set(counts)).toEqual(new Set([1]));
  });

  it('"WeChat transport failure"', async () => {
    await stack.tokens.getToken();
    await stub.close();
    await expect(stack.wechat.sendSubscribeMessage(message)).rejects.toThrow();
    const counts = appIdKeysIn(log, 'WeChat transport failure');
    expect(counts.length).toBeGreaterThan(0);
    expect(new Set(counts)).toEqual(new Set([1]));
  });
});
