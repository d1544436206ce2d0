import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  createSimulator,
  defaultTemplatesFile,
  type Simulator,
} from '../../../src/simulator/index.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import { deleteTestPrefix, describeRedis, uniquePrefix } from '../../helpers/redis.js';
import {
  dataOf,
  grantCredits,
  injectSendError,
  ledgerEntry,
  newOpenid,
  SEND_PATH,
  sendValid,
  simCounters,
} from '../../helpers/api.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';

// The simulator answers 43108 to a send that overlaps another send to the same user, as WeChat
// does; every test below fails with 43108 outcomes unless the gateway serialises per openid.

describeEachStore('sends to one user are serialised', (store) => {
  const gateway = useGateway(store);

  it('20 concurrent sends to one openid with credits are all SENT, none 43108', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 20);
    const failedBefore = (await simCounters(t)).sends.failed['43108'] ?? 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => sendValid(t, openid, 'AuditResult')),
    );
    const statuses = results.map((r) => {
      const message = dataOf(r).sendSubscribeMessage;
      return message.status === 'SENT' ? 'SENT' : `${message.status} ${message.errcode}`;
    });
    expect(statuses).toEqual(Array(20).fill('SENT'));
    expect((await simCounters(t)).sends.failed['43108'] ?? 0).toBe(failedBefore);
    expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({ remaining: 0, sent: 20 });
  });

  it('keeps serialising after one send of the queue is refused', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'OrderShipped', 10);
    await injectSendError(t, 45168);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => sendValid(t, openid, 'OrderShipped')),
    );
    const codes = results.map((r) => dataOf(r).sendSubscribeMessage.errcode).sort();
    expect(codes).toEqual([45168, ...Array(9).fill(null)]);
  });
});

const SENDER_KEY = 'sender-key-0123456789abcdef';

describeRedis('sends to one user are serialised across gateway instances sharing a Redis', () => {
  let simulator: Simulator;
  let simulatorUrl: string;
  const prefix = uniquePrefix('gw-shared');
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    simulator = createSimulator({ logger: recordingLogger() });
    simulatorUrl = await simulator.listen(0, '127.0.0.1');
    const env = {
      WECHAT_APP_ID: simulator.appId,
      WECHAT_APP_SECRET: simulator.appSecret,
      WECHAT_API_BASE: simulatorUrl,
      GATEWAY_API_KEYS: `sender:${SENDER_KEY}`,
      TEMPLATES_FILE: defaultTemplatesFile(),
      REDIS_PREFIX: prefix,
    };
    for (let i = 0; i < 2; i++) gateways.push(await startTestGateway({ store: 'redis', env }));
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await simulator?.close();
    await deleteTestPrefix(prefix);
  });

  /** The user's taps, on WeChat's side (live mode has no sandbox mirror). */
  async function tap(openid: string, template: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) {
      const response = await fetch(`${simulatorUrl}/__sim/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ openid, results: { [template]: 'accept' } }),
      });
      expect(response.status).toBe(200);
    }
  }

  async function counters(): Promise<{
    calls: Record<string, number>;
    sends: { ok: number; failed: Record<string, number> };
  }> {
    return (await (await fetch(`${simulatorUrl}/__sim/counters`)).json()) as never;
  }

  it('20 concurrent sends split over two gateways are all SENT, none 43108, and the ledger is shared', async () => {
    const [a, b] = gateways as [TestGateway, TestGateway];
    const openid = newOpenid();
    await tap(openid, 'AuditResult', 20);
    await grantCredits(a, openid, 'AuditResult', 20, SENDER_KEY);
    const before = await counters();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).gql<{
          sendSubscribeMessage: { status: string; errcode: number | null };
        }>(
          `mutation($input: SendSubscribeMessageInput!) { sendSubscribeMessage(input: $input) { status errcode } }`,
          {
            input: {
              openid,
              templateId: 'AuditResult',
              data: { phrase2: '已通过', thing3: '资料齐全' },
            },
          },
          { key: SENDER_KEY },
        ),
      ),
    );
    const outcomes = results.map((r) => {
      const message = dataOf(r).sendSubscribeMessage;
      return message.status === 'SENT' ? 'SENT' : `${message.status} ${message.errcode}`;
    });
    expect(outcomes).toEqual(Array(20).fill('SENT'));
    const after = await counters();
    expect(after.calls[SEND_PATH]! - (before.calls[SEND_PATH] ?? 0)).toBe(20);
    expect(after.sends.failed['43108'] ?? 0).toBe(before.sends.failed['43108'] ?? 0);
    expect(await ledgerEntry(b, openid, 'AuditResult', SENDER_KEY)).toMatchObject({
      remaining: 0,
      sent: 20,
    });
  });
});
