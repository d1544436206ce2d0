import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { pushSignature } from '../../../src/services/push/index.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { PUSH_TOKEN, newNonce, nowSeconds } from '../../helpers/push-harness.js';
import { describeEachStore } from '../../helpers/stores.js';

const ECHOSTR = '7413948213051287455';

describeEachStore(
  (store) => `GET /wechat/push URL verification (${store})`,
  (store) => {
    let t: TestGateway;
    beforeAll(async () => {
      t = await startTestGateway({ store, env: { WECHAT_PUSH_TOKEN: PUSH_TOKEN } });
    });
    afterAll(() => t.close());

    async function verify(params: Record<string, string>) {
      const url = `${t.gateway.pushUrl}?${new URLSearchParams(params)}`;
      const response = await fetch(url);
      return { status: response.status, text: await response.text() };
    }

    function signed(timestamp = nowSeconds(), token = PUSH_TOKEN) {
      const nonce = newNonce();
      return { signature: pushSignature(token, timestamp, nonce), timestamp, nonce };
    }

    it('echoes echostr verbatim when the signature matches the token', async () => {
      expect(await verify({ ...signed(), echostr: ECHOSTR })).toEqual({
        status: 200,
        text: ECHOSTR,
      });
    });

    it.each([
      ['a signature made with another token', () => ({ ...signed(undefined, 'NotOurToken1') })],
      ['no signature', () => ({ timestamp: nowSeconds(), nonce: newNonce() })],
      ['a signature over other parameters', () => ({ ...signed(), nonce: '1' })],
      ['a timestamp 10 minutes old', () => signed(String(Number(nowSeconds()) - 600))],
      ['no echostr', () => ({ ...signed(), echostr: '' })],
    ])('answers 401 and echoes nothing for %s', async (_label, params) => {
      const response = await verify({ echostr: ECHOSTR, ...params() });
      expect(response.status).toBe(401);
      expect(response.text).not.toContain(ECHOSTR);
    });
  },
);
