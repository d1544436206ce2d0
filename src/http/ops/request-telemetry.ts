import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../shared/logger.js';
import type { Observer } from '../../shared/observer.js';
import type { RequestLog } from '../../shared/request-log.js';
import { requestIdFrom } from './request-id.js';
import { trackRequest } from '../request-registry.js';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface RequestTelemetryOptions {
  /** The process logger, not request-scoped: each request gets a child of it. */
  logger: Logger;
  observer: Observer;
  routeOf(target: string | undefined): string;
  /** Probe and scrape routes: their successful requests are logged at debug, not info. */
  quietRoutes: ReadonlySet<string>;
}

/** Status of a request whose client went away before any response (nginx's convention). */
export const CLIENT_CLOSED = 499;

/**
 * Gives every request an id (the caller's valid `x-request-id`, or a new one) echoed in the
 * response and bound to the logger its handlers write through, then writes its access line
 * and counts it once the response is done or the connection is gone. The line names the route,
 * never the full URL, and the caller's role, never the key.
 */
export function withRequestTelemetry(
  handler: RequestHandler,
  options: RequestTelemetryOptions,
): RequestHandler {
  return (request, response) => {
    const started = performance.now();
    const id = requestIdFrom(request.headers['x-request-id']);
    const route = options.routeOf(request.url);
    const active: RequestLog = { id, logger: options.logger.child({ requestId: id }) };
    trackRequest(request, active);
    response.setHeader('x-request-id', id);
    response.once('close', () => {
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const status = response.headersSent ? response.statusCode : CLIENT_CLOSED;
      options.observer.http({ route, status, durationMs });
      // The id is the line's first field, as a child bound to it would write it: the access line
      // goes through the process logger, so that most requests, which write no other line, never
      // make their child.
      const line = {
        requestId: id,
        method: (request.method ?? '').slice(0, 16),
        route,
        status,
        durationMs,
        ...(active.operationName === undefined ? {} : { operationName: active.operationName }),
        ...(active.role === undefined ? {} : { role: active.role }),
        ...(response.writableFinished ? {} : { aborted: true }),
      };
      // Probes that pass and requests their client abandoned are routine: debug, not info.
      const quiet =
        status === CLIENT_CLOSED ||
        !response.writableFinished ||
        (options.quietRoutes.has(route) && status < 400);
      if (quiet) options.logger.debug(line, 'request');
      else options.logger.info(line, 'request');
    });
    return handler(request, response);
  };
}
