import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../shared/logger.js';

/**
 * Carries one HTTP request's logger (a child bound to its request id) through everything that
 * request runs, so a line a service writes while serving it names the request without the
 * logger being passed down through resolvers and services.
 */
export interface ActiveRequest {
  readonly id: string;
  /** A child of the base logger bound to the request id. */
  readonly logger: Logger;
  /** Filled in while the request is served, for its access line. */
  operationName?: string;
  role?: string;
}

export class RequestLogScope {
  private readonly storage = new AsyncLocalStorage<ActiveRequest>();

  run<T>(request: ActiveRequest, work: () => T): T {
    return this.storage.run(request, work);
  }

  /** The request being served, if any. */
  current(): ActiveRequest | undefined {
    return this.storage.getStore();
  }

  /**
   * A Logger that writes through the current request's logger when there is one and through
   * `base` otherwise. Its children do the same, with their own bindings added.
   */
  wrap(base: Logger): Logger {
    return this.scoped(base, null);
  }

  private scoped(base: Logger, bindings: Record<string, unknown> | null): Logger {
    // A child per request logger, made on first use: pino children are cheap but not free.
    const children = new WeakMap<Logger, Logger>();
    const target = (): Logger => {
      const request = this.storage.getStore()?.logger;
      if (!request) return base;
      if (bindings === null) return request;
      let child = children.get(request);
      if (!child) {
        child = request.child(bindings);
        children.set(request, child);
      }
      return child;
    };
    return {
      debug: (obj: object | string, msg?: string) => call(target(), 'debug', obj, msg),
      info: (obj: object | string, msg?: string) => call(target(), 'info', obj, msg),
      warn: (obj: object | string, msg?: string) => call(target(), 'warn', obj, msg),
      error: (obj: object | string, msg?: string) => call(target(), 'error', obj, msg),
      child: (more) =>
        this.scoped(base.child(more), bindings === null ? more : { ...bindings, ...more }),
    };
  }
}

function call(
  logger: Logger,
  level: 'debug' | 'info' | 'warn' | 'error',
  obj: object | string,
  msg: string | undefined,
): void {
  if (typeof obj === 'string') logger[level](obj);
  else if (msg === undefined) logger[level](obj);
  else logger[level](obj, msg);
}
