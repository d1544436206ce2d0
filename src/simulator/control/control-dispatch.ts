import { jsonResponse, type SimRequest, type SimResponse } from '../http/sim-http.js';
import type { ControlRoute } from './control-route.js';

export const CONTROL_PREFIX = '/__sim';

export interface ControlIndexInfo {
  appId: string;
  pages: readonly string[];
  openidRule: string;
  foreignOpenIds: readonly string[];
  wechatApi: readonly { method: string; path: string }[];
}

/**
 * Routes /__sim/ requests. `GET /__sim/` answers a JSON index built from the routes' own summaries,
 * so the documentation cannot drift from what is served.
 */
export class ControlDispatcher {
  constructor(
    private readonly routes: readonly ControlRoute[],
    private readonly info: () => ControlIndexInfo,
  ) {}

  get catalogue(): { method: string; path: string; summary: string; input?: string }[] {
    return this.routes.map(({ method, path, summary, input }) => ({
      method,
      path,
      summary,
      ...(input === undefined ? {} : { input }),
    }));
  }

  handles(path: string): boolean {
    return path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
  }

  handle(request: SimRequest): SimResponse | Promise<SimResponse> {
    const path = request.path.length > 1 ? request.path.replace(/\/+$/, '') : request.path;
    if (path === CONTROL_PREFIX) {
      if (request.method !== 'GET') return this.wrongMethod(path, ['GET']);
      return jsonResponse({
        simulator: 'WeChat Mini Program subscribe-message API simulator',
        ...this.info(),
        control: this.catalogue,
      });
    }
    const candidates = this.routes.filter((route) => route.path === path);
    if (candidates.length === 0) {
      return jsonResponse(
        { message: `no control endpoint ${path}; GET ${CONTROL_PREFIX}/ lists them` },
        404,
      );
    }
    const route = candidates.find((candidate) => candidate.method === request.method);
    if (!route)
      return this.wrongMethod(
        path,
        candidates.map((candidate) => candidate.method),
      );
    return route.handle(request);
  }

  private wrongMethod(path: string, allowed: string[]): SimResponse {
    return jsonResponse({ message: `${path} takes ${allowed.join(' or ')}` }, 405);
  }
}
