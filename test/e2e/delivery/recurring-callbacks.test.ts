import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { signatureOf } from '../../../src/services/delivery/status-webhook/webhook-poster.js';
import { dataOf, newOpenid } from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { describeEachStore } from '../../helpers/stores.js';

const SECRET = 'recurring-secret-0123456789';

interface Received {
  body: { messageId: string; status: string; [key: string]: unknown };
  valid: boolean;
  answered: number;
}

describeEachStore('status callbacks for recurring occurrences', (store) => {
  const received: Received[] = [];
  let failures = 0;
  let receiver: Server;
  let gateway: TestGateway;

  beforeAll(async () => {
    // A loopback receiver that answers 500 to the first two callbacks, then 200.
    receiver = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk) => (raw += chunk));
      request.on('end', () => {
        const timestamp = String(request.headers['x-webhook-timestamp']);
        const valid =
          request.headers['x-webhook-signature'] === signatureOf(SECRET, timestamp, raw);
        const answered = failures < 2 ? 500 : 200;
        failures++;
        received.push({ body: JSON.parse(raw) as Received['body'], valid, answered });
        response.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    gateway = await startTestGateway({
      store,
      env: { STATUS_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, STATUS_WEBHOOK_SECRET: SECRET },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('reports a NO_CREDIT occurrence as SKIPPED, signed, after the receiver failed twice', async () => {
    const openid = newOpenid();
    const key = `no-credit-${openid}`;
    dataOf(
      await gateway.gql(
        `mutation($input: RecurringScheduleInput!) { upsertRecurringSchedule(input: $input) { key } }`,
        {
          input: {
            key,
            openid,
            templateId: 'AuditResult',
            data: VALID_DATA.AuditResult,
            cron: '* * * * * *',
            timezone: 'UTC',
            limit: 1,
          },
        },
      ),
    );
    const deadline = Date.now() + 20_000;
    const mine = () => received.filter((r) => r.body.scheduleKey === key);
    while (!mine().some((r) => r.answered === 200)) {
      if (Date.now() > deadline) throw new Error(`callbacks so far: ${JSON.stringify(mine())}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const tries = mine();
    expect(tries.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(new Set(tries.map((r) => r.body.messageId)).size).toBe(1);
    for (const r of tries) {
      expect(r.valid).toBe(true);
      expect(r.body).toMatchObject({ openid, status: 'SKIPPED', skipReason: 'NO_CREDIT' });
      expect(r.body.key).toMatch(new RegExp(`^${key}@\\d{4}-\\d\\d-\\d\\dT`));
    }
  });
});
