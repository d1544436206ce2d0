import type { SimRequest, SimResponse } from '../http/sim-http.js';
import { accessTokenErrcode } from './access-guard.js';
import type { TokenAuthority } from './token-authority.js';
import type { WeChatReplies } from '../wechat/replies.js';

type Handler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

/** Guards a business API: the access_token check comes before anything the API itself checks. */
export function withAccessToken(
  tokens: TokenAuthority,
  replies: WeChatReplies,
  handler: Handler,
): Handler {
  return (request) => {
    const errcode = accessTokenErrcode(tokens, request.query);
    return errcode === null ? handler(request) : replies.error(errcode);
  };
}
