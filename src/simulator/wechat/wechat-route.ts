import type { SimRequest, SimResponse } from '../http/sim-http.js';

export interface WeChatRoute {
  /** WeChat's exact path, e.g. `/cgi-bin/message/subscribe/send`. */
  path: string;
  method: 'GET' | 'POST';
  /**
   * The reply to any other method: `{errcode: 43001|43002}` on /cgi-bin (require GET/POST method),
   * `{errcode: 404, status: 404}` on /wxaapi/newtmpl (the doc lists 404 for a wrong method).
   */
  wrongMethod: { errcode: number; status?: number };
  handle(request: SimRequest): SimResponse | Promise<SimResponse>;
}
