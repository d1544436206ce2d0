import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import { GraphQLLimitError, type LimitCode } from './limit-error.js';

/**
 * Reports an armor rejection as our error: armor's own reporter gives every limit the code
 * BAD_USER_INPUT and prefixes "Syntax Error:", where a client needs to know which limit it hit.
 */
function reportAs(code: LimitCode, env: string, limit: number) {
  return {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const message = `${error.message.replace(/^Syntax Error: /, '').replace(/\.$/, '')} (${env})`;
        const found = /found (\d+)/.exec(error.message);
        context?.reportError(
          new GraphQLLimitError(code, message, limit, found ? Number(found[1]) : undefined),
        );
      },
    ],
  };
}

/**
 * graphql-armor's alias, depth and directive limits, reporting with our codes. Its cost limit
 * is not used (see cost-rule.ts), nor its token limit (it parses every document a second time;
 * graphql-js's parser counts tokens itself), nor its suggestion masking here (see
 * anonymous-callers.ts).
 */
export function armorRules(limits: {
  maxAliases: number;
  maxDepth: number;
  maxDirectives: number;
}): ValidationRule[] {
  return new ApolloArmor({
    maxAliases: {
      n: limits.maxAliases,
      ...reportAs('MAX_ALIASES_EXCEEDED', 'GRAPHQL_MAX_ALIASES', limits.maxAliases),
    },
    // Fragments are not a level of the response; graphql's own rule bounds introspection depth.
    maxDepth: {
      n: limits.maxDepth,
      flattenFragments: true,
      ...reportAs('MAX_DEPTH_EXCEEDED', 'GRAPHQL_MAX_DEPTH', limits.maxDepth),
    },
    maxDirectives: {
      n: limits.maxDirectives,
      ...reportAs('MAX_DIRECTIVES_EXCEEDED', 'GRAPHQL_MAX_DIRECTIVES', limits.maxDirectives),
    },
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect().validationRules;
}

/** graphql-armor's plugin that replaces "Did you mean …?" in error messages. */
export function suggestionMaskPlugin(): ApolloServerPlugin {
  const [plugin] = new ApolloArmor({
    blockFieldSuggestion: { enabled: true },
    costLimit: { enabled: false },
    maxAliases: { enabled: false },
    maxDepth: { enabled: false },
    maxDirectives: { enabled: false },
    maxTokens: { enabled: false },
  }).protect().plugins;
  if (!plugin) throw new Error('graphql-armor gave no suggestion-masking plugin');
  // Armor's typings name Apollo's CommonJS build; the plugin object is the same at run time.
  return plugin as unknown as ApolloServerPlugin;
}
