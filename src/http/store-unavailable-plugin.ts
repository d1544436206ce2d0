import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, STORE_RETRY_AFTER_SECONDS } from '../shared/errors.js';

/**
 * A store outage is the gateway's temporary problem, not the request's: answer 503 with
 * Retry-After so clients and load balancers back off and retry, instead of a 200 carrying errors.
 */
export function storeUnavailablePlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors ?? [];
          if (!errors.some((e) => e.extensions?.code === ErrorCode.STORE_UNAVAILABLE)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(STORE_RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}
