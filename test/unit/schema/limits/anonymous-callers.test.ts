import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApolloServer } from '@apollo/server';
import { buildGatewaySchema } from '../../../../src/build-schema.js';
import { loadConfig } from '../../../../src/config.js';
import { LiveSchema } from '../../../../src/schema/live-schema.js';
import { withGraphQLLimits } from '../../../../src/schema/limits/index.js';

/**
 * Over HTTP no anonymous caller reaches Apollo (401 first, or admin in a keyless sandbox), so the
 * rule for them is checked here, on a real Apollo server given a context without a role.
 */
describe('anonymous callers', () => {
  let apollo: ApolloServer<{ role?: string }>;
  beforeAll(async () => {
    const limits = loadConfig({}).graphqlLimits;
    apollo = new ApolloServer(
      withGraphQLLimits(limits, { gateway: new LiveSchema(await buildGatewaySchema([])) }),
    );
    await apollo.start();
  });
  afterAll(() => apollo.stop());

  const run = async (query: string, contextValue: { role?: string }) => {
    const response = await apollo.executeOperation({ query }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  };

  it('get no field suggestions', async () => {
    const anonymous = await run('{ templatez { id } }', {});
    expect(anonymous.errors?.[0]?.message).toContain('Cannot query field "templatez"');
    expect(anonymous.errors?.[0]?.message).not.toContain('Did you mean');
    const reader = await run('{ templatez { id } }', { role: 'reader' });
    expect(reader.errors?.[0]?.message).toContain('Did you mean');
  });

  it('get no introspection', async () => {
    const anonymous = await run('{ __schema { queryType { name } } }', {});
    expect(anonymous.data ?? null).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const reader = await run('{ __schema { queryType { name } } }', { role: 'reader' });
    expect(reader.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});
