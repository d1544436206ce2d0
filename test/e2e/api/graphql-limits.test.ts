import { describe, expect, it } from '@jest/globals';
import { getIntrospectionQuery } from 'graphql';
import { exampleTabs } from '../../../src/http/playground-routes.js';
import {
  dataOf,
  errorOf,
  grantCredits,
  newOpenid,
  sendCalls,
  type GqlResult,
} from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { MESSAGE_FIELDS } from '../../helpers/operations.js';
import { useGateway } from '../../helpers/stores.js';

const LIMIT_CODES = [
  'MAX_ALIASES_EXCEEDED',
  'MAX_DEPTH_EXCEEDED',
  'MAX_TOKENS_EXCEEDED',
  'MAX_DIRECTIVES_EXCEEDED',
  'COST_LIMIT_EXCEEDED',
  'MAX_SENDS_EXCEEDED',
  'MAX_SYNC_TEMPLATES_EXCEEDED',
];

/** The single error of a refused operation: HTTP 400, no data, the limit's code. */
function refusedBy(result: GqlResult<unknown>, code: string) {
  expect(result.status).toBe(400);
  expect(result.body.data ?? null).toBeNull();
  return errorOf(result, code);
}

function noLimitHit(result: GqlResult<unknown>): void {
  const codes = (result.body.errors ?? []).map((e) => e.extensions?.code);
  for (const code of [...LIMIT_CODES, 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']) {
    expect(codes).not.toContain(code);
  }
}

const aliased = (count: number, field: string) =>
  Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join('\n');

const sendsOf = (count: number, openid: string) =>
  `mutation {\n${aliased(
    count,
    `sendAuditResult(input: { openid: "${openid}", data: { phrase2: "${VALID_DATA.AuditResult.phrase2}", thing3: "${VALID_DATA.AuditResult.thing3}" } }) { id status }`,
  )}\n}`;

const FULL_MESSAGES = `messages(first: 100) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { ${MESSAGE_FIELDS} deliveredAt lang miniprogramState template { id name title fields { key kind rule } } } }
}`;

describe('GraphQL limits with the default settings', () => {
  const gateway = useGateway('memory');

  it('refuses more aliases than GRAPHQL_MAX_ALIASES (15)', async () => {
    const error = refusedBy(
      await gateway().gql(`{\n${aliased(16, 'templates { id }')}\n}`),
      'MAX_ALIASES_EXCEEDED',
    );
    expect(error.message).toContain('GRAPHQL_MAX_ALIASES');
    expect(error.extensions).toMatchObject({ limit: 15, found: 16 });
    dataOf(await gateway().gql(`{\n${aliased(15, 'templates { id }')}\n}`));
  });

  it('refuses a deeper selection than GRAPHQL_MAX_DEPTH (10)', async () => {
    // The gateway's own types nest 6 levels at most; introspection's __type nests without end.
    const ofTypes = (n: number): string => (n === 0 ? 'name' : `name ofType { ${ofTypes(n - 1)} }`);
    const query = (n: number) => `{ __type(name: "Query") { fields { type { ${ofTypes(n)} } } } }`;
    refusedBy(await gateway().gql(query(8)), 'MAX_DEPTH_EXCEEDED');
    dataOf(await gateway().gql(query(6)));
  });

  it('refuses more tokens than GRAPHQL_MAX_TOKENS (1000) while parsing', async () => {
    const ids = (n: number) =>
      `{ templates { ${Array.from({ length: n }, () => 'id').join(' ')} } }`;
    const error = refusedBy(await gateway().gql(ids(996)), 'MAX_TOKENS_EXCEEDED');
    expect(error.extensions).toMatchObject({ limit: 1000 });
    // 995 identical fields exhaust graphql's own budget for comparing overlapping fields
    // ("Validation aborted"), but not the token limit.
    const atLimit = await gateway().gql(ids(995));
    expect(atLimit.body.errors?.map((e) => e.extensions?.code)).not.toContain(
      'MAX_TOKENS_EXCEEDED',
    );
  });

  it('refuses more directives than GRAPHQL_MAX_DIRECTIVES (20)', async () => {
    const ids = (n: number) =>
      `{ templates { ${Array.from({ length: n }, () => 'id @include(if: true)').join(' ')} } }`;
    refusedBy(await gateway().gql(ids(21)), 'MAX_DIRECTIVES_EXCEEDED');
    dataOf(await gateway().gql(ids(20)));
  });

  it('refuses an operation costlier than GRAPHQL_MAX_COST (5000), counting first', async () => {
    const error = refusedBy(
      await gateway().gql(`{\n${aliased(2, FULL_MESSAGES)}\n}`),
      'COST_LIMIT_EXCEEDED',
    );
    expect(error.message).toContain('GRAPHQL_MAX_COST');
    expect(error.extensions!.found).toBeGreaterThan(5_000);
    dataOf(await gateway().gql(`{\n${aliased(1, FULL_MESSAGES)}\n}`));
  });

  it('weighs a first given by a variable as the largest page, and an omitted first as its default', async () => {
    const page = 'edges { node { id status data createdAt page } }';
    const byVariable = `query($n: Int) {\n${aliased(15, `messages(first: $n) { ${page} }`)}\n}`;
    refusedBy(await gateway().gql(byVariable, { n: 1 }), 'COST_LIMIT_EXCEEDED');
    // Default 20: 15 × (1 + 20 × 7) is well under the limit.
    dataOf(await gateway().gql(`{\n${aliased(15, `messages { ${page} }`)}\n}`));
  });

  it('refuses many aliases of messages(first: 100) before running any of them', async () => {
    // 10 000 of them are larger than MAX_BODY_BYTES: the edge refuses the body (413).
    const huge = await gateway().gql(
      `{\n${aliased(10_000, 'messages(first: 100) { edges { node { id } } }')}\n}`,
    );
    expect(huge.status).toBe(413);
    // 1 500 fit in the body cap; the token limit stops them while parsing.
    refusedBy(
      await gateway().gql(
        `{\n${aliased(1500, 'messages(first: 100) { edges { node { id } } }')}\n}`,
      ),
      'MAX_TOKENS_EXCEEDED',
    );
  });

  it('refuses more than MAX_SENDS_PER_REQUEST (10) sends in one operation, sending none', async () => {
    const t = gateway();
    const openid = newOpenid();
    const before = await sendCalls(t);
    const error = refusedBy(await t.gql(sendsOf(11, openid)), 'MAX_SENDS_EXCEEDED');
    expect(error.message).toContain('MAX_SENDS_PER_REQUEST');
    expect(error.extensions).toMatchObject({ limit: 10, found: 11 });
    expect(await sendCalls(t)).toBe(before);

    await grantCredits(t, openid, 'AuditResult', 10);
    const sent = dataOf(await t.gql<Record<string, { status: string }>>(sendsOf(10, openid)));
    expect(Object.values(sent).map((m) => m.status)).toEqual(Array(10).fill('SENT'));
    expect(await sendCalls(t)).toBe(before + 10);
  });

  it('counts the generic and the typed sends together, through fragments too', async () => {
    const t = gateway();
    const openid = newOpenid();
    const before = await sendCalls(t);
    const generic = aliased(
      6,
      `sendSubscribeMessage(input: { openid: "${openid}", templateId: "AuditResult", data: { phrase2: "已通过", thing3: "资料齐全" } }) { id }`,
    ).replace(/\ba(\d+):/g, 'g$1:');
    const typed = sendsOf(5, openid).replace(/^mutation \{/, 'fragment Typed on Mutation {');
    refusedBy(await t.gql(`mutation { ${generic} ...Typed }\n${typed}`), 'MAX_SENDS_EXCEEDED');
    expect(await sendCalls(t)).toBe(before);
  });

  it('refuses two syncTemplates in one operation', async () => {
    refusedBy(
      await gateway().gql(`mutation { a: syncTemplates { id } b: syncTemplates { id } }`),
      'MAX_SYNC_TEMPLATES_EXCEEDED',
    );
    dataOf(await gateway().gql(`mutation { syncTemplates { id } }`));
  });

  it('refuses a batch: eleven single sends in one HTTP request send nothing', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 11);
    const before = await sendCalls(t);
    const response = await fetch(t.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 11 }, () => ({ query: sendsOf(1, openid) }))),
    });
    expect(response.status).toBe(400);
    expect(await sendCalls(t)).toBe(before);
  });

  it('accepts every example operation, as the playground tabs send them', async () => {
    const tabs = exampleTabs(true);
    expect(tabs.length).toBeGreaterThanOrEqual(8);
    for (const tab of tabs) {
      const variables = tab.variables ? (JSON.parse(tab.variables) as Record<string, unknown>) : {};
      noLimitHit(await gateway().gql(tab.query, variables));
    }
  });

  it('accepts the example lists, 100 messages and 100 subscriptions, in one operation', async () => {
    const lists = `query($first: Int) {
      messages(first: $first) { ${FULL_MESSAGES.replace(/^messages\(first: 100\) \{|\}$/g, '')} }
      subscriptions(first: $first) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id openid templateId status remaining accepted sent hasQuota source template { name title } } }
      }
    }`;
    dataOf(await gateway().gql(lists, { first: 100 }));
  });

  it("accepts GraphiQL's introspection query", async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      inputValueDeprecation: true,
      schemaDescription: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
    });
    dataOf(await gateway().gql(query));
  });
});

describe('GraphQL limits set through the environment', () => {
  const gateway = useGateway('memory', {
    MAX_SENDS_PER_REQUEST: '2',
    GRAPHQL_MAX_ALIASES: '3',
    GRAPHQL_MAX_COST: '50',
    GRAPHQL_INTROSPECTION: 'false',
  });

  it('applies the configured values', async () => {
    const t = gateway();
    refusedBy(await t.gql(sendsOf(3, newOpenid())), 'MAX_SENDS_EXCEEDED');
    refusedBy(await t.gql(`{\n${aliased(4, 'templates { id }')}\n}`), 'MAX_ALIASES_EXCEEDED');
    refusedBy(
      await t.gql(`{ messages(first: 20) { edges { node { id } } } }`),
      'COST_LIMIT_EXCEEDED',
    );
  });

  it('refuses introspection with GRAPHQL_INTROSPECTION=false', async () => {
    const result = await gateway().gql('{ __schema { queryType { name } } }');
    expect(result.status).toBe(400);
    expect(result.body.errors![0]!.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      validationErrorCode: 'INTROSPECTION_DISABLED',
    });
    dataOf(await gateway().gql('{ templates { id } }'));
  });
});

describe('field suggestions and introspection with GATEWAY_API_KEYS', () => {
  const READER = 'reader-Qa2Ws3Ed4Rf5Tg6Y';
  const gateway = useGateway('memory', { GATEWAY_API_KEYS: `reader:${READER}` });
  const MISSPELT = '{ templatez { id } }';

  it('shows suggestions to an authenticated caller', async () => {
    const result = await gateway().gql(MISSPELT, {}, { key: READER });
    expect(result.status).toBe(400);
    expect(errorOf(result, 'GRAPHQL_VALIDATION_FAILED').message).toMatch(
      /Did you mean .*"templates"/,
    );
  });

  it('tells an anonymous caller nothing about the schema', async () => {
    for (const query of [MISSPELT, '{ __schema { queryType { name } } }']) {
      const result = await gateway().gql(query);
      expect(result.status).toBe(401);
      expect(JSON.stringify(result.body)).not.toMatch(/Did you mean|templates|queryType/);
      errorOf(result, 'UNAUTHENTICATED');
    }
  });

  it('serves introspection to an authenticated caller', async () => {
    dataOf(await gateway().gql('{ __schema { queryType { name } } }', {}, { key: READER }));
  });
});

describe('the read budget (GRAPHQL_READ_COST_PER_SECOND)', () => {
  const gateway = useGateway('memory', {
    GRAPHQL_READ_COST_PER_SECOND: '100',
    SHUTDOWN_GRACE_SECONDS: '0',
  });

  it('makes a costly read wait its turn, never a send', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 1);
    // Cost 8 × 601: about 47 s of a 100-per-second budget.
    const costly = `{\n${aliased(8, 'messages(first: 100) { edges { node { id status data createdAt } } }')}\n}`;
    const abort = new AbortController();
    let settled = false;
    const read = fetch(t.gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: costly }),
      signal: abort.signal,
    })
      .catch(() => undefined)
      .finally(() => {
        settled = true;
      });
    const sent = dataOf(
      await t.gql<{ sendAuditResult: { status: string } }>(
        `mutation($input: SendAuditResultInput!) { sendAuditResult(input: $input) { status } }`,
        { input: { openid, data: VALID_DATA.AuditResult } },
      ),
    );
    expect(sent.sendAuditResult.status).toBe('SENT');
    expect(settled).toBe(false);
    abort.abort();
    await read;
  });
});
