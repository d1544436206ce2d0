/**
 * A mini-program backend talking to the gateway: record what the user's subscribe popup
 * returned, send the review-result message, and look at the ledger. Run it against a sandbox
 * gateway (`npm start`) with `npx tsx examples/backend/send-review-result.ts`; set GATEWAY_URL
 * and GATEWAY_API_KEY for anything else.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  SendAuditResultDocument,
  SubscribeDocument,
  SubscriptionsDocument,
  type AuditResultData,
  type SendAuditResultMutation,
  type SubscribeMutation,
  type SubscribeResultInput,
  type SubscriptionsQuery,
} from '../generated/graphql.js';
import { gatewayFromEnv, request, type GatewayConnection } from './gateway-request.js';

/** Step 1: the mini-program posted its requestSubscribeMessage result; record the credits. */
export async function subscribeUser(
  openid: string,
  results: SubscribeResultInput[],
  connection: GatewayConnection = gatewayFromEnv(),
): Promise<SubscribeMutation['subscribe']> {
  const { subscribe } = await request(
    SubscribeDocument,
    { input: { openid, results } },
    connection,
  );
  return subscribe;
}

/**
 * Step 2: tell the user how their review went. `data` is the template's own input type, so both
 * keywords are required and no other key is accepted. WeChat refusing the send (43101 no credit,
 * …) is not thrown: it comes back as status FAILED with errcode/errmsg.
 */
export async function sendReviewResult(
  openid: string,
  data: AuditResultData,
  options: { page?: string; idempotencyKey?: string } = {},
  connection: GatewayConnection = gatewayFromEnv(),
): Promise<SendAuditResultMutation['sendAuditResult']> {
  const { sendAuditResult } = await request(
    SendAuditResultDocument,
    { input: { openid, data, ...options } },
    connection,
  );
  return sendAuditResult;
}

/** Step 3: what the user can still receive. */
export async function listSubscriptions(
  openid: string,
  connection: GatewayConnection = gatewayFromEnv(),
): Promise<SubscriptionsQuery['subscriptions']> {
  const { subscriptions } = await request(
    SubscriptionsDocument,
    { filter: { openid }, first: 20 },
    connection,
  );
  return subscriptions;
}

async function main(openid: string): Promise<void> {
  await subscribeUser(openid, [{ templateId: 'AuditResult', status: 'ACCEPT' }]);
  const message = await sendReviewResult(
    openid,
    { phrase2: '审核通过', thing3: '资料齐全，欢迎入驻' },
    { page: 'pages/review/result' },
  );
  const ledger = await listSubscriptions(openid);
  process.stdout.write(`${JSON.stringify({ message, ledger }, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv[2] ?? 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M').catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
