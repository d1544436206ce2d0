import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * `extensions.code` of each refused operation, naming the limit it broke. Stable: clients may
 * branch on them.
 */
export const LimitCode = {
  MAX_ALIASES_EXCEEDED: 'MAX_ALIASES_EXCEEDED',
  MAX_DEPTH_EXCEEDED: 'MAX_DEPTH_EXCEEDED',
  MAX_TOKENS_EXCEEDED: 'MAX_TOKENS_EXCEEDED',
  MAX_DIRECTIVES_EXCEEDED: 'MAX_DIRECTIVES_EXCEEDED',
  COST_LIMIT_EXCEEDED: 'COST_LIMIT_EXCEEDED',
  MAX_SENDS_EXCEEDED: 'MAX_SENDS_EXCEEDED',
  MAX_SYNC_TEMPLATES_EXCEEDED: 'MAX_SYNC_TEMPLATES_EXCEEDED',
} as const;
export type LimitCode = (typeof LimitCode)[keyof typeof LimitCode];

/** A validation error raised by one of the limits: carries the code and the limit's value. */
export class GraphQLLimitError extends GraphQLError {
  constructor(
    readonly code: LimitCode,
    message: string,
    readonly limit: number,
    readonly found?: number,
  ) {
    super(message, { extensions: { code, limit, ...(found === undefined ? {} : { found }) } });
    this.name = 'GraphQLLimitError';
  }
}

// graphql-js's own message when parse({ maxTokens }) gives up.
const TOKENS_MESSAGE =
  /^Syntax Error: Document contains more (?:than|that) (\d+) tokens\. Parsing aborted\.$/;

/**
 * The limit behind an error Apollo reports, or null. Apollo wraps validation errors in its own
 * class (code GRAPHQL_VALIDATION_FAILED) and keeps ours as `originalError`; the token limit is
 * graphql-js's parser option, recognised by its message.
 */
export function limitErrorOf(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError | null {
  const original = (error as { originalError?: unknown } | null)?.originalError;
  if (original instanceof GraphQLLimitError) {
    return {
      message: original.message,
      locations: formatted.locations,
      extensions: { ...original.extensions },
    };
  }
  const tokens = TOKENS_MESSAGE.exec(formatted.message);
  if (tokens && formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED') {
    const limit = Number(tokens[1]);
    return {
      message: `Token limit of ${limit} exceeded (GRAPHQL_MAX_TOKENS)`,
      extensions: { code: LimitCode.MAX_TOKENS_EXCEEDED, limit },
    };
  }
  return null;
}
