import { setTimeout as sleep } from 'node:timers/promises';
import type { ApolloServerPlugin } from '@apollo/server';
import { operationCosts } from './cost-rule.js';
import { ReadBudget } from './read-budget.js';

/**
 * Paces reads to GRAPHQL_READ_COST_PER_SECOND. A query pays its cost (see cost-rule.ts) before
 * it runs. A document parsed for this request (not one from Apollo's cache) that is not a
 * mutation also pays one unit per character, up to five per token of GRAPHQL_MAX_TOKENS, once
 * its response is ready: parsing and validating it cost the process whether or not it was valid,
 * and a fresh document per request defeats the cache. Mutations pay nothing: sends have their
 * own limits and must never queue behind reads.
 */
export function readBudgetPlugin(perSecond: number, maxTokens: number): ApolloServerPlugin {
  // Parsing stops at the token limit, so a longer document costs no more than that much text.
  const maxDocumentCharge = maxTokens * 5;
  const budget = new ReadBudget(perSecond);
  const pause = async (units: number) => {
    const wait = budget.charge(units);
    // Unreferenced: a paced request must not keep a stopping process alive.
    if (wait > 0) await sleep(wait, undefined, { ref: false });
  };
  return {
    async requestDidStart() {
      let parsedHere = false;
      return {
        async parsingDidStart() {
          parsedHere = true;
        },
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'query') return;
          await pause(operationCosts.get(operation) ?? 0);
        },
        async willSendResponse({ operation, source }) {
          if (!parsedHere || operation?.operation === 'mutation') return;
          await pause(Math.min(source?.length ?? 0, maxDocumentCharge));
        },
      };
    },
  };
}
