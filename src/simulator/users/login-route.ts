import { randomBytes } from 'node:crypto';
import { jsonResponse } from '../http/sim-http.js';
import { checkAppCredentials, type AppCredentials } from '../tokens/app-credentials.js';
import type { WeChatReplies } from '../wechat/replies.js';
import type { WeChatRoute } from '../wechat/wechat-route.js';
import type { LoginCodes } from './login-codes.js';

/**
 * GET /sns/jscode2session?appid=&secret=&js_code=&grant_type=authorization_code (docs/wechat.md §7).
 * Success is `{openid, session_key}` with no errcode (this app is not bound to an Open Platform
 * account, so there is no unionid). A missing js_code answers 41008 (WeChat's global "missing
 * code"); an unknown, used or expired one 40029.
 */
export function loginRoute(deps: {
  app: AppCredentials;
  codes: LoginCodes;
  replies: WeChatReplies;
}): WeChatRoute {
  const { app, codes, replies } = deps;
  return {
    path: '/sns/jscode2session',
    method: 'GET',
    wrongMethod: { errcode: 43001 },
    handle({ query }) {
      const check = checkAppCredentials(app, query.get('appid'), query.get('secret'), 40125);
      if (!check.ok) return replies.error(check.errcode);
      if (query.get('grant_type') !== 'authorization_code') return replies.error(40002);
      const code = query.get('js_code');
      if (code === null || code === '') return replies.error(41008);
      const redeemed = codes.redeem(code);
      if (!redeemed.ok) return replies.error(40029);
      return jsonResponse({
        openid: redeemed.openid,
        session_key: randomBytes(16).toString('base64'),
      });
    },
  };
}
