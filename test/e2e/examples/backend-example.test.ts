import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gatewayFromEnv, GatewayRequestError } from '../../../examples/backend/gateway-request.js';
import {
  listSubscriptions,
  sendReviewResult,
  subscribeUser,
} from '../../../examples/backend/send-review-result.js';
import { demoOpenid, startTestGateway, type TestGateway } from '../../helpers/gateway.js';

const SENDER_KEY = 'sender-key-for-the-backend-example';

describe('examples/backend/send-review-result.ts against a sandbox gateway', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ env: { GATEWAY_API_KEYS: `sender:${SENDER_KEY}` } });
  });
  afterAll(() => t.close());

  const connection = () =>
    gatewayFromEnv({ GATEWAY_URL: t.gateway.graphqlUrl, GATEWAY_API_KEY: SENDER_KEY });

  it('subscribes, sends the review result and lists the ledger', async () => {
    const openid = demoOpenid(101);

    const subscribed = await subscribeUser(
      openid,
      [{ templateId: 'AuditResult', status: 'ACCEPT' }],
      connection(),
    );
    expect(subscribed).toEqual([
      expect.objectContaining({ openid, status: 'ACCEPT', remaining: 1, accepted: 1, sent: 0 }),
    ]);

    const message = await sendReviewResult(
      openid,
      { phrase2: '审核通过', thing3: '资料齐全，欢迎入驻' },
      { page: 'pages/review/result' },
      connection(),
    );
    expect(message).toMatchObject({
      openid,
      status: 'SENT',
      errcode: null,
      data: { phrase2: '审核通过', thing3: '资料齐全，欢迎入驻' },
      page: 'pages/review/result',
    });
    expect(message.msgid).toMatch(/^\d+$/);

    const ledger = await listSubscriptions(openid, connection());
    expect(ledger.totalCount).toBe(1);
    expect(ledger.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({ openid, remaining: 0, accepted: 1, sent: 1, hasQuota: false }),
    ]);
  });

  it('returns WeChat’s refusal as a FAILED message, not an exception', async () => {
    const openid = demoOpenid(102);
    const message = await sendReviewResult(
      openid,
      { phrase2: '未通过', thing3: '请补充资料' },
      {},
      connection(),
    );
    expect(message).toMatchObject({ status: 'FAILED', errcode: 43101, msgid: null });
  });

  it('throws GatewayRequestError with the code when nothing was sent', async () => {
    const openid = demoOpenid(103);
    const tooLong = await sendReviewResult(
      openid,
      { phrase2: '审核通过了吗真的', thing3: '备注' },
      {},
      connection(),
    ).catch((error: unknown) => error);
    expect(tooLong).toBeInstanceOf(GatewayRequestError);
    expect((tooLong as GatewayRequestError).code).toBe('BAD_USER_INPUT');
    expect((tooLong as GatewayRequestError).errors[0]?.extensions?.field).toBe('phrase2');
  });

  it('sends the API key from the environment as a Bearer token', async () => {
    const anonymous = gatewayFromEnv({ GATEWAY_URL: t.gateway.graphqlUrl });
    const error = await listSubscriptions(demoOpenid(104), anonymous).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayRequestError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    await expect(listSubscriptions(demoOpenid(104), connection())).resolves.toMatchObject({
      totalCount: 0,
    });
  });

  it('says which URL it could not reach, and why, when the gateway is down', async () => {
    // A port that was just free: nothing listens there.
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    await new Promise((done) => server.close(done));
    const url = `http://127.0.0.1:${port}/graphql`;
    const error = await subscribeUser(
      demoOpenid(104),
      [{ templateId: 'AuditResult', status: 'ACCEPT' }],
      gatewayFromEnv({ GATEWAY_URL: url }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayRequestError);
    expect((error as GatewayRequestError).status).toBe(0);
    expect((error as Error).message).toBe(
      `Cannot reach the gateway at ${url}: ECONNREFUSED (is it running? \`npm start\`, or set GATEWAY_URL)`,
    );
  });
});
