import type { Reader } from './reader.js';

/** Bounds on one GraphQL operation, checked before it runs (see README, Limits). */
export interface GraphQLLimits {
  readonly maxAliases: number;
  readonly maxDepth: number;
  readonly maxTokens: number;
  readonly maxDirectives: number;
  readonly maxCost: number;
  readonly maxSendsPerRequest: number;
  /** Read work (query cost, characters of fresh documents) per second, shared by all callers. */
  readonly readCostPerSecond: number;
  /** For authenticated callers; anonymous callers never get it. */
  readonly introspection: boolean;
}

export function parseGraphQLLimits(reader: Reader): GraphQLLimits {
  return {
    maxAliases: reader.integer('GRAPHQL_MAX_ALIASES', 15, 1, 10_000),
    maxDepth: reader.integer('GRAPHQL_MAX_DEPTH', 10, 1, 1_000),
    maxTokens: reader.integer('GRAPHQL_MAX_TOKENS', 1_000, 100, 1_000_000),
    maxDirectives: reader.integer('GRAPHQL_MAX_DIRECTIVES', 20, 0, 10_000),
    maxCost: reader.integer('GRAPHQL_MAX_COST', 5_000, 1, 100_000_000),
    maxSendsPerRequest: reader.integer('MAX_SENDS_PER_REQUEST', 10, 1, 10_000),
    readCostPerSecond: reader.integer('GRAPHQL_READ_COST_PER_SECOND', 20_000, 100, 100_000_000),
    introspection: reader.boolean('GRAPHQL_INTROSPECTION', true),
  };
}
