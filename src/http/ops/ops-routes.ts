import type { ServerResponse } from 'node:http';
import type { AuthResult } from '../authenticate.js';
import type { Route } from '../router.js';
import type { Readiness } from './readiness.js';

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}

/** Liveness: the process serves HTTP. Deliberately checks nothing else, so it never restarts a pod for Redis. */
export function healthRoute(mode: string): Route {
  return (_request, response) => json(response, 200, { status: 'ok', mode });
}

/** Readiness: 200 when every check passes, 503 naming the failed ones otherwise. */
export function readinessRoute(readiness: Readiness): Route {
  return async (_request, response) => {
    const report = await readiness.report();
    json(response, report.ready ? 200 : 503, {
      status: report.ready ? 'ready' : 'not ready',
      failed: report.failed,
      checks: report.checks,
    });
  };
}

/** Prometheus scrape endpoint; with a token configured, only `Authorization: Bearer <token>` reads it. */
export function metricsRoute(options: {
  render(): Promise<{ contentType: string; body: string }>;
  authenticate: ((authorization: string | undefined) => AuthResult) | null;
}): Route {
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return json(response, 405, { error: 'method not allowed' });
    }
    if (options.authenticate) {
      const auth = options.authenticate(request.headers.authorization);
      if (!auth.ok) {
        response.setHeader('www-authenticate', 'Bearer realm="metrics"');
        return json(response, 401, { error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' });
      }
    }
    const { contentType, body } = await options.render();
    response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
}
