import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AuthenticationError, AuthorizationError } from 'type-graphql';
import { ErrorCode, GatewayError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { boundMessage } from './bound-message.js';
import { inputFieldOf } from './input-field.js';
import { limitErrorOf } from './limits/index.js';

/** Codes Apollo itself assigns to requests that never reached a resolver: passed through. */
const APOLLO_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  ErrorCode.UNAUTHENTICATED,
]);

/**
 * The service error a scalar threw for an input value (DateTime, JSONObject), or null. graphql-js
 * keeps it as `originalError` of its error about the literal, or of the inner error about a
 * variable's value; Apollo wraps that (GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT) keeping the
 * same `originalError`. Only errors from before execution (no path): a resolver's are unwrapped.
 */
function scalarErrorOf(error: unknown): GatewayError | null {
  if (!(error instanceof GraphQLError) || error.path) return null;
  let cause: unknown = error.originalError;
  for (let depth = 0; depth < 3 && cause instanceof Error; depth += 1) {
    if (cause instanceof GatewayError) return cause;
    cause = (cause as { originalError?: unknown }).originalError;
  }
  return null;
}

/**
 * The one place where errors become GraphQL errors: typed service errors keep their code and
 * extensions, authorisation failures get theirs, and anything unexpected is masked and logged.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const limit = limitErrorOf(formatted, error);
    if (limit) return limit;
    const original = unwrapResolverError(error);
    const base = {
      message: formatted.message,
      locations: formatted.locations,
      path: formatted.path,
    };
    if (original instanceof GatewayError) {
      return {
        ...base,
        message: boundMessage(original.message),
        extensions: { ...original.extensions, code: original.code },
      };
    }
    const refused = scalarErrorOf(error);
    if (refused) {
      // graphql-js's message says where the value was and, after it, the scalar's reason.
      const field = error instanceof GraphQLError ? inputFieldOf(error) : undefined;
      return {
        message: boundMessage(formatted.message),
        locations: formatted.locations,
        extensions: {
          ...refused.extensions,
          code: refused.code,
          ...(field === undefined ? {} : { field }),
        },
      };
    }
    if (original instanceof AuthorizationError) {
      return {
        ...base,
        message: 'Your API key’s role may not do this',
        extensions: { code: ErrorCode.FORBIDDEN },
      };
    }
    if (original instanceof AuthenticationError) {
      return { ...base, extensions: { code: ErrorCode.UNAUTHENTICATED } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && APOLLO_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, message: boundMessage(formatted.message), extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL request');
    return {
      ...base,
      message: 'Internal server error',
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
