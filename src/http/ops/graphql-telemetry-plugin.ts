import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode } from 'graphql';
import type { GatewayContext } from '../../schema/context.js';
import type { Observer } from '../../shared/observer.js';

const MAX_LOGGED_NAME = 64;

/**
 * Counts GraphQL operations by name and outcome, and notes the operation name and the caller's
 * role on the request, for its access line. `rejected`: never executed (parse, validation and
 * cost limits refuse before execution, leaving no resolved operation).
 */
export function graphqlTelemetryPlugin(observer: Observer): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const active = contextValue.requestLog;
      if (active) active.role = contextValue.role;
      return {
        async willSendResponse({ operation, operationName, request, errors, document }) {
          const name = (
            operationName ??
            request.operationName ??
            soleOperationName(document) ??
            'anonymous'
          ).slice(0, MAX_LOGGED_NAME);
          // A batch runs several operations in one request: the access line lists them all.
          if (active) {
            active.operationName = active.operationName ? `${active.operationName},${name}` : name;
          }
          observer.graphql({
            operation: name,
            outcome: !operation ? 'rejected' : errors?.length ? 'error' : 'ok',
          });
        },
      };
    },
  };
}

/** A document that failed validation has no resolved operation: name it from its only one. */
function soleOperationName(document: DocumentNode | undefined): string | undefined {
  const operations = document?.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return operations?.length === 1 && operations[0]!.kind === Kind.OPERATION_DEFINITION
    ? operations[0]!.name?.value
    : undefined;
}
