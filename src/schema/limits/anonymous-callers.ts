import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, NoSchemaIntrospectionCustomRule, validate } from 'graphql';
import { suggestionMaskPlugin } from './armor-rules.js';

/**
 * Field suggestions and introspection are for authenticated callers only. Today no anonymous
 * caller reaches this far: with GATEWAY_API_KEYS set, the HTTP edge answers 401 before it reads
 * the body, and without keys (sandbox only) every caller is admin. This plugin
 * holds the rule should that ever change: a request whose context has no role gets "Did you
 * mean" masked out of its errors and its introspection refused.
 */
export function anonymousCallersPlugin<
  Context extends { role?: unknown },
>(): ApolloServerPlugin<Context> {
  const masking = suggestionMaskPlugin() as ApolloServerPlugin<Context>;
  return {
    async requestDidStart(requestContext) {
      if (requestContext.contextValue.role !== undefined) return;
      const mask = (await masking.requestDidStart?.(requestContext)) ?? {};
      const listener: GraphQLRequestListener<Context> = {
        ...mask,
        async didResolveOperation({ schema, document }) {
          const [refused] = validate(schema, document, [NoSchemaIntrospectionCustomRule]);
          if (refused) {
            throw new GraphQLError('Introspection needs an API key', {
              extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
            });
          }
        },
      };
      return listener;
    },
  };
}
