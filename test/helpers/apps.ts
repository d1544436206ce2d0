import { expect } from '@jest/globals';
import { dataOf, type ConnectionView, type GqlResult } from './api.js';
import type { TestGateway } from './gateway.js';

/**
 * Operations of the multi-app suites: every one takes `$app` and asks for the records' app, so a
 * test sees which app each record belongs to.
 */
export const APP_FIELDS = `app { name appId }`;
const SUBSCRIPTION = `id openid templateId status remaining ${APP_FIELDS}`;
const MESSAGE = `id openid templateId status errcode msgid ${APP_FIELDS}`;

export const APPS_QUERY = `query Apps { apps { name appId templates { id name } } }`;
export const TEMPLATES_OF = `query Templates($app: ID) { templates(app: $app) { id name ${APP_FIELDS} } }`;
export const TEMPLATE_OF = `query Template($id: ID!, $app: ID) { template(id: $id, app: $app) { id name ${APP_FIELDS} } }`;
export const SYNC_OF = `mutation Sync($app: ID) { syncTemplates(app: $app) { id name ${APP_FIELDS} } }`;
export const SUBSCRIBE_IN = `mutation Subscribe($input: SubscribeInput!) { subscribe(input: $input) { ${SUBSCRIPTION} } }`;
export const SEND_IN = `mutation Send($input: SendSubscribeMessageInput!) { sendSubscribeMessage(input: $input) { ${MESSAGE} } }`;
export const MESSAGE_BY_ID = `query Message($id: ID!) { message(id: $id) { ${MESSAGE} } }`;
export const SUBSCRIPTIONS_OF = `query Subscriptions($app: ID, $filter: SubscriptionFilter, $first: Int, $after: String) {
  subscriptions(app: $app, filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${SUBSCRIPTION} } }
  }
}`;
export const MESSAGES_OF = `query Messages($app: ID, $filter: MessageFilter, $first: Int, $after: String) {
  messages(app: $app, filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${MESSAGE} } }
  }
}`;
export const SEND_VISIT_REMINDER = `mutation SendVisit($input: SendVisitReminderInput!) { sendVisitReminder(input: $input) { ${MESSAGE} } }`;
export const SEND_AUDIT_RESULT = `mutation SendAudit($input: SendAuditResultInput!) { sendAuditResult(input: $input) { ${MESSAGE} } }`;

export interface AppRef {
  name: string;
  appId: string;
}
export interface AppSubscription {
  id: string;
  openid: string;
  templateId: string;
  status: string;
  remaining: number | null;
  app: AppRef;
}
export interface AppMessage {
  id: string;
  openid: string;
  templateId: string;
  status: string;
  errcode: number | null;
  msgid: string | null;
  app: AppRef;
}

/** Valid keyword data of the clinic demo app's templates (templates/demo-clinic.json). */
export const CLINIC_DATA = {
  VisitReminder: {
    name1: '张三',
    time2: '2026年12月01日 09:30',
    thing3: '心内科 3 诊室',
    thing4: '请提前 15 分钟到达',
  },
  LabReportReady: {
    thing1: '血常规',
    time2: '2026年12月01日 14:00',
    thing3: '请在小程序内查看报告',
  },
} as const;

export const AUDIT_DATA = { phrase2: '已通过', thing3: '资料齐全' };

type Variables = Record<string, unknown>;

/** Walks a connection page by page and returns every node, checking each page on the way. */
export async function walkConnection<T>(
  t: TestGateway,
  query: string,
  field: 'subscriptions' | 'messages',
  variables: Variables,
  first: number,
  key?: string,
): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const result = (await t.gql(query, { ...variables, first, after }, { key })) as GqlResult<
      Record<string, ConnectionView<T>>
    >;
    const connection: ConnectionView<T> = dataOf(result)[field]!;
    expect(connection.edges.length).toBeLessThanOrEqual(first);
    nodes.push(...connection.edges.map((edge) => edge.node));
    if (!connection.pageInfo.hasNextPage) return nodes;
    expect(connection.edges).toHaveLength(first);
    after = connection.pageInfo.endCursor;
  }
  throw new Error('the connection never ended');
}

/** The nodes of the first page of a list (a test's records all fit on one). */
export async function listOf<T>(
  t: TestGateway,
  query: string,
  field: 'subscriptions' | 'messages',
  variables: Variables,
  key?: string,
): Promise<T[]> {
  const result = (await t.gql(query, { first: 100, ...variables }, { key })) as GqlResult<
    Record<string, ConnectionView<T>>
  >;
  return dataOf(result)[field]!.edges.map((edge) => edge.node);
}
