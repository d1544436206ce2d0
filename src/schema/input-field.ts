import {
  GraphQLError,
  Kind,
  parse,
  visit,
  type ASTNode,
  type DocumentNode,
  type ValueNode,
} from 'graphql';

/**
 * Which input field an input error is about, named as the services name fields: the path below
 * the argument (`when.sendAt` for `input: { when: { sendAt: … } }`), or the argument's own name
 * when the value is the whole argument (`sendAt` for `rescheduleMessage(sendAt: …)`).
 *
 * graphql-js reports a literal that a scalar refused at the literal's node (ValuesOfCorrectType),
 * and a variable value at the variable's definition, with the path below it only in the message
 * (`Variable "$i" got invalid value … at "i.when.sendAt"; <the scalar's message>`). Neither error
 * knows the argument, so the request's document is parsed again from the error's source (only
 * for refused input, where the document was valid) to find where the value or variable is used.
 * Undefined when the error says too little to tell.
 */
export function inputFieldOf(error: GraphQLError): string | undefined {
  const node = error.nodes?.[0];
  const body = error.source?.body;
  if (!node?.loc || body === undefined) return undefined;
  let document: DocumentNode;
  try {
    document = parse(body);
  } catch {
    return undefined;
  }
  if (node.kind === Kind.VARIABLE_DEFINITION) {
    const below = variablePathOf(error, node.variable.name.value);
    return below === undefined ? undefined : usageOf(document, node.variable.name.value, below);
  }
  const { start, end } = node.loc;
  const found = placeOf(document, (value) => value.loc?.start === start && value.loc.end === end);
  if (!found) return undefined;
  if ('variable' in found) return usageOf(document, found.variable, found.below);
  return nameOf(found.argument, found.below);
}

/** `below` is `.when.sendAt` or `[0].at` style; empty when the value is the argument. */
function nameOf(argument: string, below: string): string {
  return below === '' ? argument : below.replace(/^\./, '');
}

type Place = { argument: string; below: string } | { variable: string; below: string };

/**
 * The first value of the document that `matches`: in an argument, or in a variable's default
 * value (then named by the variable, whose use decides the field).
 */
function placeOf(document: DocumentNode, matches: (value: ValueNode) => boolean): Place | null {
  let found: Place | null = null;
  const search = (value: ValueNode, below: string): string | null => {
    if (matches(value)) return below;
    if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) {
        const hit = search(field.value, `${below}.${field.name.value}`);
        if (hit !== null) return hit;
      }
    }
    if (value.kind === Kind.LIST) {
      for (const [index, item] of value.values.entries()) {
        const hit = search(item, `${below}[${index}]`);
        if (hit !== null) return hit;
      }
    }
    return null;
  };
  visit(document, {
    enter(node: ASTNode) {
      if (found) return false;
      if (node.kind === Kind.ARGUMENT) {
        const below = search(node.value, '');
        if (below !== null) found = { argument: node.name.value, below };
        return false;
      }
      if (node.kind === Kind.VARIABLE_DEFINITION && node.defaultValue) {
        const below = search(node.defaultValue, '');
        if (below !== null) found = { variable: node.variable.name.value, below };
        return false;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * The field at `below` inside the value of variable `name`, named from where the variable is
 * used; the variable's own name if it is used nowhere (validation forbids that). A variable used
 * in two places is named by the first.
 */
function usageOf(document: DocumentNode, name: string, below: string): string {
  const use = placeOf(
    document,
    (value) => value.kind === Kind.VARIABLE && value.name.value === name,
  );
  if (!use || 'variable' in use) return nameOf(name, below);
  return nameOf(use.argument, use.below + below);
}

/**
 * The path below variable `name` from graphql-js's message for a value coercion refused
 * (`…got invalid value <value> at "name.when.sendAt"; <reason>`): `.when.sendAt`, or '' when the
 * whole variable was refused. The reason (the wrapped error's message) is cut off first, so
 * only the end of the prefix is read, where the value (JSON-quoted strings inside) cannot reach.
 */
function variablePathOf(error: GraphQLError, name: string): string | undefined {
  const reason = error.originalError?.message;
  const prefix = `Variable "$${name}" got invalid value `;
  if (reason === undefined || !error.message.startsWith(prefix)) return undefined;
  if (!error.message.endsWith(`; ${reason}`)) return undefined;
  const head = error.message.slice(0, -(reason.length + 2));
  const path = new RegExp(` at "${name}((?:\\.[_A-Za-z][_0-9A-Za-z]*|\\[\\d+\\])+)"$`).exec(head);
  return path ? path[1] : '';
}
