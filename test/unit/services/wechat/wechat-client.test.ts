import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createGotTransport } from '../../../../src/services/wechat/client/got-transport.js';
import { parseWeChatJson } from '../../../../src/services/wechat/client/parse-json.js';
import { createUndiciTransport } from '../../../../src/services/wechat/client/undici-transport.js';
import { WeChatClient } from '../../../../src/services/wechat/client/wechat-client.js';
import { WeChatError } from '../../../../src/services/wechat/client/wechat-error.js';
import { TransportError } from '../../../../src/services/wechat/client/http-transport.js';
import { silentLogger } from '../../../../src/shared/logger.js';
import { startWeChatStub, type WeChatStub } from '../../../helpers/wechat-stub.js';

describe('parseWeChatJson', () => {
  it('keeps a 64-bit msgid exact where JSON.parse rounds it', () => {
    const text = '{"errcode":0,"errmsg":"ok","msgid":2097683633284153344}';
    expect(String((JSON.parse(text) as { msgid: number }).msgid)).not.toBe('2097683633284153344');
    expect(parseWeChatJson(text)).toEqual({
      errcode: 0,
      errmsg: 'ok',
      msgid: '2097683633284153344',
    });
  });
});

describe.each(['got', 'undici'] as const)('WeChatClient over %s', (kind) => {
  let stub: WeChatStub;
  let client: WeChatClient;
  let close: () => Promise<void>;

  beforeAll(async () => {
    stub = await startWeChatStub();
    const transport =
      kind === 'got'
        ? createGotTransport({ baseUrl: stub.url })
        : createUndiciTransport({ baseUrl: stub.url });
    close = () => transport.close();
    client = new WeChatClient({
      transport,
      credentials: { appId: stub.appId, appSecret: stub.appSecret },
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await close();
    await stub.close();
  });

  it('sends WeChat’s body with defaults and returns the msgid as an exact string', async () => {
    const { accessToken } = await client.fetchClassicToken();
    const result = await client.sendSubscribeMessage(accessToken, {
      touser: 'o-user',
      templateId: 'tmpl-1',
      data: { phrase2: '通过', thing3: '资料齐全' },
    });
    expect(result).toEqual({ msgid: '2097683633284153344' });
    expect(stub.lastSendBody).toEqual({
      touser: 'o-user',
      template_id: 'tmpl-1',
      miniprogram_state: 'formal',
      lang: 'zh_CN',
      data: { phrase2: { value: '通过' }, thing3: { value: '资料齐全' } },
    });
  });

  it('passes page, state and lang through', async () => {
    const { accessToken } = await client.fetchStableToken(false);
    await client.sendSubscribeMessage(accessToken, {
      touser: 'o-user',
      templateId: 'tmpl-1',
      page: 'pages/index/index?id=1',
      miniprogramState: 'trial',
      lang: 'en_US',
      data: { thing1: 'x' },
    });
    expect(stub.lastSendBody).toMatchObject({
      page: 'pages/index/index?id=1',
      miniprogram_state: 'trial',
      lang: 'en_US',
    });
  });

  it('throws a typed WeChatError with errcode, errmsg and rid', async () => {
    const { accessToken } = await client.fetchClassicToken();
    stub.sendErrors.push(43101);
    const error = await client
      .sendSubscribeMessage(accessToken, { touser: 'o', templateId: 't', data: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WeChatError);
    expect(error).toMatchObject({ errcode: 43101, rid: '6543abcd-1234abcd-5678abcd' });
    expect((error as WeChatError).errmsg).toContain('user refuse to accept the msg');
  });

  it('reports an unreachable server without leaking the URL or token', async () => {
    const transport =
      kind === 'got'
        ? createGotTransport({ baseUrl: 'http://127.0.0.1:9' })
        : createUndiciTransport({ baseUrl: 'http://127.0.0.1:9' });
    const dead = new WeChatClient({
      transport,
      credentials: { appId: 'a', appSecret: 'super-secret-value' },
      logger: silentLogger,
    });
    const error = await dead
      .sendSubscribeMessage('secret-token-value', { touser: 'o', templateId: 't', data: {} })
      .catch((e: unknown) => e);
    await transport.close();
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).sent).toBe(false);
    expect((error as Error).message).not.toContain('secret-token-value');
    const classic = await dead.fetchClassicToken().catch((e: unknown) => e);
    expect((classic as Error).message).not.toContain('super-secret-value');
  });
});
