import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { createFormatError } from '../../../src/schema/format-error.js';
import { BadUserInputError } from '../../../src/shared/errors.js';
import { defaultTemplatesFile } from '../../../src/simulator/index.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import {
  dataOf,
  errorOf,
  grantCredits,
  ledgerEntry,
  messagesOf,
  newOpenid,
  sendValid,
} from '../../helpers/api.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';

/** What Apollo hands formatError for an error thrown inside a resolver. */
function resolverError(original: Error): [ReturnType<GraphQLError['toJSON']>, GraphQLError] {
  const error = new GraphQLError(original.message, { path: ['message'], originalError: original });
  return [error.toJSON(), error];
}

describe('createFormatError', () => {
  it('masks an unexpected error as INTERNAL_SERVER_ERROR and logs it', () => {
    const logger = recordingLogger();
    const original = new Error('connect ECONNREFUSED redis://:hunter2@10.0.0.7:6379');
    const formatted = createFormatError(logger)(...resolverError(original));
    expect(formatted).toMatchObject({
      message: 'Internal server error',
      path: ['message'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(JSON.stringify(formatted)).not.toContain('hunter2');
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ err: original }),
      }),
    ]);
  });

  it('keeps the code, message and field of a gateway error, and logs nothing', () => {
    const logger = recordingLogger();
    const original = new BadUserInputError('data.thing3: is missing', 'thing3');
    const formatted = createFormatError(logger)(...resolverError(original));
    expect(formatted).toMatchObject({
      message: 'data.thing3: is missing',
      extensions: { code: 'BAD_USER_INPUT', field: 'thing3' },
    });
    expect(logger.lines).toEqual([]);
  });
});

const UNREACHABLE = {
  WECHAT_APP_ID: 'wx0000000000000001',
  WECHAT_APP_SECRET: '0123456789abcdef0123456789abcdef',
  // Port 9 (discard) is closed on loopback: every connection is refused.
  WECHAT_API_BASE: 'http://127.0.0.1:9',
  GATEWAY_API_KEYS: 'admin:admin-key-0123456789abcdef',
  TEMPLATES_FILE: defaultTemplatesFile(),
  QUOTA_POLICY: 'enforce',
};
const KEY = 'admin-key-0123456789abcdef';

describeEachStore('when WeChat is unreachable', (store) => {
  const gateway = useGateway(store, UNREACHABLE);

  it('a send is UPSTREAM_UNAVAILABLE, recorded as FAILED, and its credit is given back', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 1, KEY);
    const result = await t.gql(
      `mutation($input: SendSubscribeMessageInput!) { sendSubscribeMessage(input: $input) { id } }`,
      {
        input: {
          openid,
          templateId: 'AuditResult',
          data: { phrase2: '已通过', thing3: '资料齐全' },
        },
      },
      { key: KEY },
    );
    const error = errorOf(result, 'UPSTREAM_UNAVAILABLE');
    expect(error.message).not.toContain(UNREACHABLE.WECHAT_APP_SECRET);
    expect(await ledgerEntry(t, openid, 'AuditResult', KEY)).toMatchObject({
      remaining: 1,
      sent: 0,
    });
    const { messages } = dataOf(
      await t.gql<{ messages: { edges: { node: { status: string; errcode: number | null } }[] } }>(
        `query($o: String!) { messages(filter: { openid: $o }) { edges { node { status errcode } } } }`,
        { o: openid },
        { key: KEY },
      ),
    );
    expect(messages.edges.map((edge) => edge.node)).toEqual([{ status: 'FAILED', errcode: null }]);
  });

  it('syncTemplates is UPSTREAM_UNAVAILABLE', async () => {
    const t = gateway();
    errorOf(
      await t.gql(`mutation { syncTemplates { id } }`, {}, { key: KEY }),
      'UPSTREAM_UNAVAILABLE',
    );
  });
});

describeEachStore('errors the schema catches', (store) => {
  const gateway = useGateway(store);

  it('a query that is not valid GraphQL is refused before any resolver', async () => {
    const t = gateway();
    const result = await t.gql(`{ templates { nope } }`);
    expect(result.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('a send to a blank openid is BAD_USER_INPUT naming openid', async () => {
    const t = gateway();
    const error = errorOf(await sendValid(t, '  ', 'AuditResult'), 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe('openid');
  });

  it('a page with a leading slash is BAD_USER_INPUT naming page, and nothing is logged as sent', async () => {
    const t = gateway();
    const openid = newOpenid();
    const error = errorOf(
      await sendValid(t, openid, 'AuditResult', { page: '/pages/index/index' }),
      'BAD_USER_INPUT',
    );
    expect(error.extensions?.field).toBe('page');
    expect(await messagesOf(t, openid)).toEqual([]);
  });
});
