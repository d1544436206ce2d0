import { GraphQLScalarType, print, type ValueNode } from 'graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { BadUserInputError } from '../shared/errors.js';
import { clipInput, quoteInput } from '../shared/quote-input.js';

function refusal(shown: string): BadUserInputError {
  return new BadUserInputError(`${shown} is not a JSON object: write { "key": value, … }`);
}

/**
 * graphql-scalars' JSONObject (same name, description and output), whose input errors are
 * BadUserInputErrors like DateTime's: formatError answers BAD_USER_INPUT naming the field.
 */
export const JSONObjectScalar = new GraphQLScalarType<Record<string, unknown>, unknown>({
  ...GraphQLJSONObject.toConfig(),
  parseValue: (value) => {
    try {
      return GraphQLJSONObject.parseValue(value) as Record<string, unknown>;
    } catch {
      throw refusal(
        typeof value === 'string' ? quoteInput(value) : clipInput(JSON.stringify(value) ?? ''),
      );
    }
  },
  parseLiteral: (ast: ValueNode, variables) => {
    try {
      return GraphQLJSONObject.parseLiteral(ast, variables) as Record<string, unknown>;
    } catch {
      throw refusal(clipInput(print(ast)));
    }
  },
});
