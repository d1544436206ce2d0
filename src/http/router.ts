import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../shared/logger.js';
import { loggerFor } from './request-registry.js';
import { RequestAbortedError } from './read-body.js';

export type Route = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<void> | void;

/** The request target as a URL, or null when it is not one (`//%`, a bare `*`, …). */
function parseTarget(request: IncomingMessage): URL | null {
  const target = request.url ?? '';
  try {
    // Origin form (`/path`), or the absolute form HTTP/1.1 servers must accept too. A
    // protocol-relative `//host` is neither.
    if (target.startsWith('/') && !target.startsWith('//')) {
      return new URL(target, 'http://gateway');
    }
    if (/^https?:\/\//i.test(target)) return new URL(target);
  } catch {
    // not a URL: refused below
  }
  return null;
}

/** A request that cannot be routed: refused, and the connection closed behind it. */
export function badRequest(response: ServerResponse, message: string): void {
  response.writeHead(400, { 'content-type': 'application/json', connection: 'close' });
  response.end(JSON.stringify({ error: message }));
}

/**
 * Exact-path routing for the few endpoints the gateway serves. Never rejects: a target that is
 * not a URL is a 400, a client that leaves mid-upload is a debug line, and a handler that throws
 * gets a 500 with no detail (the detail goes to the log).
 */
export function createRouter(routes: Map<string, Route>, fallback: Route | null, logger: Logger) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // A write after the peer left is not worth a crash.
    const log = loggerFor(request, logger);
    response.on('error', (error) => log.debug({ err: error }, 'response write failed'));
    const url = parseTarget(request);
    if (!url) return badRequest(response, 'request target is not a path');
    if (request.httpVersion === '1.1' && !request.headers.host) {
      return badRequest(response, 'Host header is required');
    }
    const route = routes.get(url.pathname) ?? fallback;
    try {
      if (route) await route(request, response, url);
      else notFound(response);
    } catch (error) {
      if (error instanceof RequestAbortedError) {
        log.debug(
          { path: url.pathname, received: error.received },
          'request aborted by the client',
        );
        response.destroy();
        return;
      }
      log.error({ err: error, path: url.pathname }, 'request failed');
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
