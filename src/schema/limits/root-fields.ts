import { Kind, type SelectionSetNode, type ValidationContext } from 'graphql';

/**
 * Every root field an operation selects, by field name (not alias), through fragment spreads and
 * inline fragments at the root. `@skip`/`@include` are ignored: a field that might run counts.
 * A fragment spread twice counts twice, as its fields would run twice if aliased differently.
 */
export function rootFieldNames(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
): string[] {
  const names: string[] = [];
  const visit = (set: SelectionSetNode, path: ReadonlySet<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) names.push(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, path);
      else {
        const name = selection.name.value;
        // A fragment cycle is its own validation error; here it only must not loop.
        const fragment = path.has(name) ? undefined : context.getFragment(name);
        if (fragment) visit(fragment.selectionSet, new Set([...path, name]));
      }
    }
  };
  visit(selectionSet, new Set());
  return names;
}
