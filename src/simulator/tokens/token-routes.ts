import { jsonResponse, parseJsonObject } from '../http/sim-http.js';
import { WRONG_SECRET_ERRMSG } from '../wechat/errmsgs.js';
import type { WeChatReplies } from '../wechat/replies.js';
import type { WeChatRoute } from '../wechat/wechat-route.js';
import { checkAppCredentials, type AppCredentials } from './app-credentials.js';
import type { TokenAuthority } from './token-authority.js';

export interface TokenRouteDeps {
  app: AppCredentials;
  tokens: TokenAuthority;
  replies: WeChatReplies;
}

const CLIENT_CREDENTIAL = 'client_credential';

/** GET /cgi-bin/token?grant_type=client_credential&appid=&secret= (docs/wechat.md §1.1). */
export function classicTokenRoute({ app, tokens, replies }: TokenRouteDeps): WeChatRoute {
  return {
    path: '/cgi-bin/token',
    method: 'GET',
    wrongMethod: { errcode: 43001 },
    handle({ query }) {
      if (query.get('grant_type') !== CLIENT_CREDENTIAL) return replies.error(40002);
      const check = checkAppCredentials(app, query.get('appid'), query.get('secret'), 40001);
      if (!check.ok) {
        return replies.error(
          check.errcode,
          check.errcode === 40001 ? WRONG_SECRET_ERRMSG : undefined,
        );
      }
      return jsonResponse(tokens.issueClassic());
    },
  };
}

/**
 * POST /cgi-bin/stable_token {grant_type, appid, secret, force_refresh?} (docs/wechat.md §1.2). A body
 * that is not a JSON object, or a force_refresh that is not a boolean, answers 47001.
 */
export function stableTokenRoute({ app, tokens, replies }: TokenRouteDeps): WeChatRoute {
  return {
    path: '/cgi-bin/stable_token',
    method: 'POST',
    wrongMethod: { errcode: 43002 },
    handle({ body }) {
      const parsed = parseJsonObject(body);
      if (!parsed.ok) return replies.error(47001);
      const { grant_type, appid, secret, force_refresh } = parsed.value;
      if (grant_type !== CLIENT_CREDENTIAL) return replies.error(40002);
      const check = checkAppCredentials(app, appid, secret, 40125);
      if (!check.ok) return replies.error(check.errcode);
      if (force_refresh !== undefined && typeof force_refresh !== 'boolean') {
        return replies.error(47001, 'data format error: force_refresh must be a boolean');
      }
      const result = tokens.stable(force_refresh === true);
      return result.ok ? jsonResponse(result.token) : replies.error(result.errcode);
    },
  };
}
