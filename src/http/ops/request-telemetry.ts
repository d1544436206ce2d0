import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActiveRequest, RequestLogScope } from '../../infra/request-scoped-logger.js';
import type { Logger } from '../../shared/logger.js';
import type { Observer } from '../../shared/observer.js';
import { requestIdFrom } from './request-id.js';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => unknown;

export interface RequestTelemetryOptions {
  /** The process logger, not request-scoped: each request gets a child of it. */
  logger: Logger;
  scope: RequestLogScope;
  observer: Observer;
  routeOf(target: string | undefined): string;
  /** Probe and scrape routes: their successful requests are logged at debug, not info. */
  quietRoutes: ReadonlySet<string>;
}

/** Status of a request whose client went away before any response (nginx's convention). */
export const CLIENT_CLOSED = 499;

/**
 * Gives every request an id (the caller's valid `x-request-id`, or a new one) echoed in the
 * response and bound to every log line written while serving it, then writes its access line
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
    const active: ActiveRequest = { id, logger: options.logger.child({ requestId: id }) };
    response.setHeader('x-request-id', id);
    response.once('close', () => {
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      const status = response.headersSent ? response.statusCode : CLIENT_CLOSED;
      options.observer.http({ route, status, durationMs });
      const line = {
        method: (request.method ?? '').slice(0, 16),
        route,
        status,
        durationMs,
        ...(active.operationName === undefined ? {} : { operationName: active.operationName }),
        ...(active.role === undefined ? {} : { role: active.role }),
        ...(response.writableFinished ? {} : { aborted: true }),
      };
      if (options.quietRoutes.has(route) && status < 400) active.logger.debug(line, 'request');
      else active.logger.info(line, 'request');
    });
    return options.scope.run(active, () => handler(request, response));
  };
}
