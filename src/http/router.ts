import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../shared/logger.js';

export type Route = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<void> | void;

/**
 * Exact-path routing for the few endpoints the gateway serves. A handler that throws gets a 500
 * with no detail; the detail goes to the log.
 */
export function createRouter(routes: Map<string, Route>, fallback: Route | null, logger: Logger) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://gateway');
    const route = routes.get(url.pathname) ?? fallback;
    try {
      if (route) await route(request, response, url);
      else notFound(response);
    } catch (error) {
      logger.error({ err: error, path: url.pathname }, 'request failed');
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'internal error' }));
      } else {
        response.destroy();
      }
    }
  };
}

export function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: 'not found' }));
}
