import { GraphQLScalarType, Kind, print, type ValueNode } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { BadUserInputError } from '../shared/errors.js';
import { clipInput, quoteInput } from '../shared/quote-input.js';

const EXAMPLE = '2030-01-01T09:00:00+08:00';
/** A date and a time with nothing after them: valid ISO 8601, but which zone is it? */
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * Why `value` is no DateTime, in words a caller can act on: graphql-scalars only says "invalid
 * date-time-string", which leaves someone who wrote a local time guessing.
 */
function explain(value: unknown, shown = quoteInput(value)): string {
  if (typeof value === 'string' && WITHOUT_OFFSET.test(value))
    return `${shown} has no offset: a DateTime needs one (Z or ±hh:mm), e.g. ${EXAMPLE}`;
  return `${shown} is not a DateTime: write an RFC 3339 date-time with an offset, e.g. ${EXAMPLE}`;
}

/**
 * graphql-scalars' DateTime with errors that say what is wrong. They are BadUserInputErrors, not
 * GraphQLErrors, so graphql-js prefixes them with where the value was (the variable path, or the
 * literal's type) and keeps them as `originalError`: formatError answers BAD_USER_INPUT naming the
 * field (see input-field.ts), where graphql-js alone would be GRAPHQL_VALIDATION_FAILED for a
 * literal.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, Date>({
  name: 'DateTime',
  description: `An RFC 3339 date-time with an explicit offset, such as ${EXAMPLE} or 2030-01-01T01:00:00Z; answers are at UTC.`,
  serialize: (value) => DateTimeResolver.serialize(value),
  parseValue: (value) => {
    try {
      return DateTimeResolver.parseValue(value);
    } catch {
      throw new BadUserInputError(explain(value));
    }
  },
  parseLiteral: (ast: ValueNode) => {
    try {
      return DateTimeResolver.parseLiteral(ast, undefined);
    } catch {
      throw new BadUserInputError(
        ast.kind === Kind.STRING ? explain(ast.value) : explain(null, clipInput(print(ast))),
      );
    }
  },
  extensions: DateTimeResolver.extensions,
});
