import { describe, expect, it } from '@jest/globals';
import { buildSchema, graphql } from 'graphql';
import { DateTimeScalar } from '../../../src/schema/date-time.scalar.js';

const schema = buildSchema('scalar DateTime type Query { at(value: DateTime!): DateTime! }');
Object.assign(schema.getType('DateTime')!, {
  parseValue: DateTimeScalar.parseValue,
  parseLiteral: DateTimeScalar.parseLiteral,
  serialize: DateTimeScalar.serialize,
});
const rootValue = { at: ({ value }: { value: Date }) => value };

async function errorsFor(value: unknown, literal: boolean) {
  const result = literal
    ? await graphql({ schema, rootValue, source: `{ at(value: ${JSON.stringify(value)}) }` })
    : await graphql({
        schema,
        rootValue,
        source: 'query ($v: DateTime!) { at(value: $v) }',
        variableValues: { v: value },
      });
  return { data: result.data, messages: (result.errors ?? []).map((e) => e.message) };
}

describe('DateTime', () => {
  it('takes an RFC 3339 date-time with an offset and answers at UTC', async () => {
    for (const literal of [true, false]) {
      const { data, messages } = await errorsFor('2030-01-01T09:00:00+08:00', literal);
      expect(messages).toEqual([]);
      // As the HTTP answer carries it.
      expect(JSON.parse(JSON.stringify(data))).toEqual({ at: '2030-01-01T01:00:00.000Z' });
    }
  });

  it.each([false, true])(
    'says an offset is missing, not only that the value is invalid (literal: %s)',
    async (literal) => {
      const { messages } = await errorsFor('2030-01-01T09:00:00', literal);
      expect(messages).toEqual([
        expect.stringContaining(
          '"2030-01-01T09:00:00" has no offset: a DateTime needs one (Z or ±hh:mm), e.g. 2030-01-01T09:00:00+08:00',
        ),
      ]);
    },
  );

  it.each([false, true])(
    'explains the expected form for other bad values (literal: %s)',
    async (literal) => {
      for (const bad of ['2030-02-30T00:00:00Z', '2030-01-01T00:00:00+25:00', 'tomorrow']) {
        const { messages } = await errorsFor(bad, literal);
        expect(messages).toEqual([
          expect.stringContaining(
            `${JSON.stringify(bad)} is not a DateTime: write an RFC 3339 date-time with an offset, e.g. 2030-01-01T09:00:00+08:00`,
          ),
        ]);
      }
    },
  );
});
