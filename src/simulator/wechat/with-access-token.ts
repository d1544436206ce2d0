import type { SimRequest, SimResponse } from '../http/sim-http.js';
import { accessTokenErrcode } from '../tokens/access-guard.js';
import type { TokenAuthority } from '../tokens/token-authority.js';
import type { WeChatReplies } from './replies.js';

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
