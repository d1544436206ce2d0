import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pushSignature } from '../../../src/services/push/index.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

const TOKEN = 'pushtoken123';
const AES_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const popup = (openid: string, createTime: number) =>
  `<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName>` +
  `<CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
  `<Event><![CDATA[subscribe_msg_popup_event]]></Event><SubscribeMsgPopupEvent><List>` +
  `<TemplateId><![CDATA[AuditResult]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString>` +
  `<PopupScene>0</PopupScene></List></SubscribeMsgPopupEvent></xml>`;

async function plaintextPopup(t: TestGateway, openid: string): Promise<number> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const query = new URLSearchParams({
    signature: pushSignature(TOKEN, timestamp, nonce),
    timestamp,
    nonce,
  });
  const response = await fetch(`${t.gateway.pushUrl}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: popup(openid, Number(timestamp)),
  });
  return response.status;
}

async function credits(t: TestGateway, openid: string): Promise<unknown> {
  const ledger = await t.gql(`{ subscriptions(filter: { openid: "${openid}" }) { totalCount } }`);
  return ledger.body.data;
}

describe.each([
  ['by default once WECHAT_PUSH_AES_KEY is set', {}],
  ['with WECHAT_PUSH_REQUIRE_ENCRYPTION=true', { WECHAT_PUSH_REQUIRE_ENCRYPTION: 'true' }],
])('plaintext pushes are refused %s', (_label, extra) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      env: { WECHAT_PUSH_TOKEN: TOKEN, WECHAT_PUSH_AES_KEY: AES_KEY, ...extra },
    });
  });
  afterAll(() => t.close());

  it('refuses a correctly signed plaintext push and applies nothing', async () => {
    const openid = 'oPlainPush000000000000000001';
    expect(await plaintextPopup(t, openid)).toBe(403);
    expect(await credits(t, openid)).toEqual({ subscriptions: { totalCount: 0 } });
  });
});

describe('WECHAT_PUSH_REQUIRE_ENCRYPTION=false with an AES key', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      env: {
        WECHAT_PUSH_TOKEN: TOKEN,
        WECHAT_PUSH_AES_KEY: AES_KEY,
        WECHAT_PUSH_REQUIRE_ENCRYPTION: 'false',
      },
    });
  });
  afterAll(() => t.close());

  it('accepts a plaintext push, as the operator asked explicitly', async () => {
    const openid = 'oPlainPush000000000000000002';
    expect(await plaintextPopup(t, openid)).toBe(200);
    expect(await credits(t, openid)).toEqual({ subscriptions: { totalCount: 1 } });
  });
});
