import { expect } from '@jest/globals';
import { demoOpenid, type GraphQLErrorBody, type TestGateway } from './gateway.js';
import { MESSAGES, SEND, SUBSCRIBE, SUBSCRIPTIONS } from './operations.js';
import { type DemoTemplate, VALID_DATA } from './demo-templates.js';

export type SubscribeStatus = 'ACCEPT' | 'REJECT' | 'BAN' | 'FILTER';

export interface SubscriptionView {
  id: string;
  openid: string;
  templateId: string;
  status: SubscribeStatus;
  remaining: number | null;
  accepted: number;
  sent: number;
  hasQuota: boolean;
}

export interface MessageView {
  id: string;
  openid: string;
  templateId: string;
  status: 'SENT' | 'FAILED' | string;
  errcode: number | null;
  errmsg: string | null;
  msgid: string | null;
  attempts: number;
  data: Record<string, string>;
  page: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface ConnectionView<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: T }[];
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  body: { data?: T | null; errors?: GraphQLErrorBody[] };
}

export const SEND_PATH = '/cgi-bin/message/subscribe/send';

let lastUser = Math.floor(Math.random() * 1_000_000) * 1000;

/** A fresh, well-formed openid of the simulated app: tests sharing a gateway never share users. */
export function newOpenid(): string {
  lastUser += 1;
  return demoOpenid(lastUser);
}

/** The data of a successful response; fails the test, showing the errors, otherwise. */
export function dataOf<T>(result: GqlResult<T>): T {
  expect(result.body.errors).toBeUndefined();
  expect(result.body.data).toBeTruthy();
  return result.body.data!;
}

/** The single error of a failed response, checked to carry `code`. */
export function errorOf(result: GqlResult<unknown>, code: string): GraphQLErrorBody {
  expect(result.body.errors).toHaveLength(1);
  const [error] = result.body.errors!;
  expect(error!.extensions?.code).toBe(code);
  return error!;
}

export function subscribe(
  t: TestGateway,
  openid: string,
  results: [templateId: string, status: SubscribeStatus][],
  key?: string,
): Promise<GqlResult<{ subscribe: SubscriptionView[] }>> {
  return t.gql(
    SUBSCRIBE,
    { input: { openid, results: results.map(([templateId, status]) => ({ templateId, status })) } },
    { key },
  );
}

/** Records `count` ACCEPTs of one template for a user and checks they were recorded. */
export async function grantCredits(
  t: TestGateway,
  openid: string,
  template: string,
  count: number,
  key?: string,
): Promise<void> {
  const results = Array.from(
    { length: count },
    () => [template, 'ACCEPT'] as [string, SubscribeStatus],
  );
  dataOf(await subscribe(t, openid, results, key));
}

export interface SendInput {
  openid: string;
  templateId: string;
  data: Record<string, unknown>;
  page?: string;
  idempotencyKey?: string;
  miniprogramState?: string;
  lang?: string;
}

export function send(
  t: TestGateway,
  input: SendInput,
  key?: string,
): Promise<GqlResult<{ sendSubscribeMessage: MessageView }>> {
  return t.gql(SEND, { input }, { key });
}

/** Sends the demo template's valid data to `openid`. */
export function sendValid(
  t: TestGateway,
  openid: string,
  template: DemoTemplate,
  extra: Partial<SendInput> = {},
): Promise<GqlResult<{ sendSubscribeMessage: MessageView }>> {
  return send(t, { openid, templateId: template, data: VALID_DATA[template], ...extra });
}

/** The ledger entry of one user for one template (by name or id), or null. */
export async function ledgerEntry(
  t: TestGateway,
  openid: string,
  templateId: string,
  key?: string,
): Promise<SubscriptionView | null> {
  const { subscriptions } = dataOf(
    await t.gql<{ subscriptions: ConnectionView<SubscriptionView> }>(
      SUBSCRIPTIONS,
      { filter: { openid, templateId } },
      { key },
    ),
  );
  expect(subscriptions.totalCount).toBeLessThanOrEqual(1);
  return subscriptions.edges[0]?.node ?? null;
}

export async function ledgerOf(t: TestGateway, openid: string): Promise<SubscriptionView[]> {
  const { subscriptions } = dataOf(
    await t.gql<{ subscriptions: ConnectionView<SubscriptionView> }>(SUBSCRIPTIONS, {
      filter: { openid },
      first: 100,
    }),
  );
  return subscriptions.edges.map((edge) => edge.node);
}

export async function messagesOf(t: TestGateway, openid: string): Promise<MessageView[]> {
  const { messages } = dataOf(
    await t.gql<{ messages: ConnectionView<MessageView> }>(MESSAGES, {
      filter: { openid },
      first: 100,
    }),
  );
  return messages.edges.map((edge) => edge.node);
}

interface Counters {
  calls: Record<string, number>;
  sends: { ok: number; failed: Record<string, number> };
}

/** How many times the simulated WeChat's send API was called, whatever it answered. */
export async function sendCalls(t: TestGateway): Promise<number> {
  const counters = await t.sim<Counters>('counters');
  return counters.calls[SEND_PATH] ?? 0;
}

export function simCounters(t: TestGateway): Promise<Counters> {
  return t.sim<Counters>('counters');
}

/** Queues WeChat errcodes for the next send calls of the simulator. */
export async function injectSendError(
  t: TestGateway,
  errcode: number,
  options: { errmsg?: string; times?: number } = {},
): Promise<void> {
  await t.sim('errors', { path: SEND_PATH, errcode, ...options });
}

/** The simulated WeChat's own count of one-time credits a user holds for a template. */
export async function simCredits(t: TestGateway, openid: string, name: string): Promise<number> {
  const view = await t.sim<{ templates: { name: string; credits?: number }[] }>(
    `credits?openid=${openid}`,
  );
  const entry = view.templates.find((template) => template.name === name);
  if (!entry) throw new Error(`simulator has no template ${name}`);
  return entry.credits ?? 0;
}
