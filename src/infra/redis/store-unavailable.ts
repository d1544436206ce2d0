import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from '@redis/client';
import { StoreUnavailableError } from '../../shared/errors.js';

const UNAVAILABLE: readonly (abstract new (...args: never[]) => Error)[] = [
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
];
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/** True for errors that mean Redis did not answer (as opposed to answering with an error). */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNAVAILABLE.some((type) => error instanceof type)) return true;
  return NETWORK_CODES.has((error as NodeJS.ErrnoException).code ?? '');
}

/** The error callers should see: a typed outage for connection problems, anything else as is. */
export function translateRedisError(error: unknown): unknown {
  return isRedisUnavailable(error) ? new StoreUnavailableError({ cause: error }) : error;
}

/**
 * The same store, with every rejected call whose cause is an unreachable Redis turned into
 * StoreUnavailableError, so clients get a retryable 503 instead of a masked internal error.
 */
export function withOutageErrors<T extends object>(store: T): T {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result instanceof Promise
          ? result.catch((error: unknown) => {
              throw translateRedisError(error);
            })
          : result;
      };
    },
  });
}
