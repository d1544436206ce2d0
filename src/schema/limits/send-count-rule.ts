import type { ValidationContext, ValidationRule } from 'graphql';
import { GraphQLLimitError, LimitCode } from './limit-error.js';
import { rootFieldNames } from './root-fields.js';

/** sendSubscribeMessage and every typed send<Name> mutation: each is one WeChat call. */
export const isSendMutation = (name: string): boolean =>
  name === 'sendSubscribeMessage' || /^send[A-Z]/.test(name);

/**
 * At most `maxSends` send mutations and one syncTemplates per operation. Without it one request
 * of aliased sends makes as many WeChat calls (each spending a credit and the daily quota), and
 * aliased syncTemplates rebuild the schema once per alias.
 */
export function sendCountRule(maxSends: number): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      if (operation.operation !== 'mutation') return;
      const names = rootFieldNames(context, operation.selectionSet);
      const sends = names.filter(isSendMutation).length;
      if (sends > maxSends) {
        context.reportError(
          new GraphQLLimitError(
            LimitCode.MAX_SENDS_EXCEEDED,
            `At most ${maxSends} send mutations per operation (MAX_SENDS_PER_REQUEST), found ${sends}`,
            maxSends,
            sends,
          ),
        );
      }
      const syncs = names.filter((name) => name === 'syncTemplates').length;
      if (syncs > 1) {
        context.reportError(
          new GraphQLLimitError(
            LimitCode.MAX_SYNC_TEMPLATES_EXCEEDED,
            `At most one syncTemplates per operation, found ${syncs}`,
            1,
            syncs,
          ),
        );
      }
    },
  });
}
