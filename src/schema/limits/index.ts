import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import type { GraphQLLimits } from '../../config.js';
import { anonymousCallersPlugin } from './anonymous-callers.js';
import { armorRules } from './armor-rules.js';
import { operationCostRule } from './cost-rule.js';
import { readBudgetPlugin } from './read-budget-plugin.js';
import { sendCountRule } from './send-count-rule.js';

export { GraphQLLimitError, LimitCode, limitErrorOf } from './limit-error.js';

/**
 * ApolloServer options with the limits that bound what one operation may cost, all checked
 * before it runs: tokens while parsing (graphql-js), aliases, depth and directives
 * (graphql-armor), the cost with `first` weighed and the send and syncTemplates counts (our
 * rules) while validating. Apollo caches validated documents, so a repeated operation pays for
 * none of this again. Reads then share a budget per second (read-budget-plugin.ts), so a client
 * repeating the costliest permitted query is paced. `null` (benchmarks only) leaves the options
 * as they were before any limit.
 */
export function withGraphQLLimits<Context extends BaseContext & { role?: unknown }>(
  limits: GraphQLLimits | null,
  options: ApolloServerOptionsWithGateway<Context>,
): ApolloServerOptionsWithGateway<Context> {
  // Batching stays off: every limit here is per operation, and a batch would multiply them all.
  const base = { ...options, allowBatchedHttpRequests: false };
  if (limits === null) return { ...base, introspection: true };
  return {
    ...base,
    introspection: limits.introspection,
    parseOptions: { ...options.parseOptions, maxTokens: limits.maxTokens },
    validationRules: [
      ...(options.validationRules ?? []),
      ...armorRules(limits),
      operationCostRule(limits.maxCost),
      sendCountRule(limits.maxSendsPerRequest),
    ],
    plugins: [
      ...(options.plugins ?? []),
      anonymousCallersPlugin<Context>(),
      readBudgetPlugin(limits.readCostPerSecond, limits.maxTokens),
    ],
  };
}
