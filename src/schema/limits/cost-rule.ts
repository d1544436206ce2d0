import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
} from 'graphql';
import { MAX_PAGE_SIZE } from '../../shared/page.js';
import { GraphQLLimitError, LimitCode } from './limit-error.js';

/**
 * How many items a connection field may return, judged before execution: a literal `first`
 * (clamped to the page size the resolvers allow), the largest page for a variable (its value is
 * not known while validating, and validated documents are cached across requests), the
 * argument's schema default when omitted.
 */
function itemsRequested(field: GraphQLField<unknown, unknown>, value: ValueNode | undefined) {
  if (value === undefined) {
    const fallback = field.args.find((arg) => arg.name === 'first')?.defaultValue;
    return typeof fallback === 'number' ? fallback : MAX_PAGE_SIZE;
  }
  if (value.kind === Kind.INT) {
    return Math.min(Math.max(Number.parseInt(value.value, 10), 1), MAX_PAGE_SIZE);
  }
  return MAX_PAGE_SIZE;
}

/**
 * The cost of an operation: every field costs 1, and what a field with a `first` argument
 * selects counts once per item it may return. So `messages(first: 100) { edges { node { id } } }`
 * costs 1 + 100 × 3, and every alias of it as much again.
 *
 * graphql-armor's costLimit weighs only literal `first` values: a `first: $n` variable or an
 * omitted `first` (default 20) counts as 1 there, which would let the same query through at a
 * hundredth of its cost.
 */
/** Each validated operation's cost, for the read budget (documents are cached, so are these). */
export const operationCosts = new WeakMap<OperationDefinitionNode, number>();

export function operationCostRule(maxCost: number): ValidationRule {
  return (context: ValidationContext) => {
    const schema = context.getSchema();
    const fragmentCosts = new Map<string, number>();

    const fragmentCost = (fragment: FragmentDefinitionNode, path: ReadonlySet<string>): number => {
      const name = fragment.name.value;
      const known = fragmentCosts.get(name);
      if (known !== undefined) return known;
      const type = schema.getType(fragment.typeCondition.name.value);
      const cost = selectionCost(fragment.selectionSet, type, new Set([...path, name]));
      fragmentCosts.set(name, cost);
      return cost;
    };

    const selectionCost = (
      set: SelectionSetNode,
      parent: GraphQLNamedType | undefined | null,
      path: ReadonlySet<string>,
    ): number => {
      let cost = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          const field =
            isObjectType(parent) || isInterfaceType(parent)
              ? parent.getFields()[selection.name.value]
              : undefined;
          cost += 1;
          if (!selection.selectionSet) continue;
          const first = field?.args.some((arg) => arg.name === 'first')
            ? itemsRequested(
                field,
                selection.arguments?.find((arg) => arg.name.value === 'first')?.value,
              )
            : 1;
          cost +=
            first * selectionCost(selection.selectionSet, field && getNamedType(field.type), path);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const type = selection.typeCondition
            ? schema.getType(selection.typeCondition.name.value)
            : parent;
          cost += selectionCost(selection.selectionSet, type, path);
        } else {
          const name = selection.name.value;
          // A fragment cycle is reported by graphql's own rule; here it must only not loop.
          const fragment = path.has(name) ? undefined : context.getFragment(name);
          if (fragment) cost += fragmentCost(fragment, path);
        }
      }
      return cost;
    };

    return {
      OperationDefinition(operation) {
        const root = schema.getRootType(operation.operation);
        const cost = selectionCost(operation.selectionSet, root, new Set());
        operationCosts.set(operation, cost);
        if (cost > maxCost) {
          context.reportError(
            new GraphQLLimitError(
              LimitCode.COST_LIMIT_EXCEEDED,
              `Operation cost ${cost} exceeds the limit of ${maxCost} (GRAPHQL_MAX_COST)`,
              maxCost,
              cost,
            ),
          );
        }
      },
    };
  };
}
