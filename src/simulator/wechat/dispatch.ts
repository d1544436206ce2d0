import type { Counters } from './counters.js';
import type { ErrorInjections } from './error-injections.js';
import type { HangUps } from './hang-ups.js';
import type { SimRequest, SimResponse } from '../http/sim-http.js';
import type { WeChatReplies } from './replies.js';
import type { WeChatRoute } from './wechat-route.js';

/**
 * Runs a WeChat API call: counts it, answers a queued injected error before anything else, then
 * the method check, then the route; a queued hang-up then drops the answer. Unknown paths get
 * HTTP 404 `{errcode: 404}` (WeChat's reply to an unknown path is undocumented; the newtmpl pages
 * list 404 for a wrong method).
 */
export class WeChatDispatcher {
  private readonly routes: ReadonlyMap<string, WeChatRoute>;

  constructor(
    routes: readonly WeChatRoute[],
    private readonly injections: ErrorInjections,
    private readonly counters: Counters,
    private readonly replies: WeChatReplies,
    private readonly hangUps: HangUps,
  ) {
    this.routes = new Map(routes.map((route) => [route.path, route]));
  }

  get paths(): string[] {
    return [...this.routes.keys()];
  }

  get routeList(): WeChatRoute[] {
    return [...this.routes.values()];
  }

  has(path: string): boolean {
    return this.routes.has(path);
  }

  async handle(request: SimRequest): Promise<SimResponse> {
    const route = this.routes.get(request.path);
    if (!route) return this.replies.error(404, `Not Found: no WeChat API at ${request.path}`, 404);
    this.counters.countCall(route.path);
    const response = await this.answer(route, request);
    this.counters.countOutcome(route.path, response.errcode ?? 0);
    // Carried out all the same: only the answer is lost.
    if (this.hangUps.take(route.path)) return { ...response, hangUp: true };
    return response;
  }

  private answer(route: WeChatRoute, request: SimRequest): SimResponse | Promise<SimResponse> {
    const injected = this.injections.take(route.path);
    if (injected) return this.replies.error(injected.errcode, injected.errmsg);
    if (request.method !== route.method) {
      const { errcode, status } = route.wrongMethod;
      return this.replies.error(errcode, undefined, status);
    }
    return route.handle(request);
  }
}
