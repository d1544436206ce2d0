import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { dataOf, newOpenid } from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { describeEachStore } from '../../helpers/stores.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';

const SECRET = 'recurring-secret-0123456789';

describeEachStore('status callbacks for recurring occurrences', (store) => {
  let failures = 0;
  let receiver: WebhookReceiver;
  let gateway: TestGateway;

  beforeAll(async () => {
    // Answers 500 to the first two callbacks, then 200.
    receiver = await startWebhookReceiver(SECRET, () => (failures++ < 2 ? 500 : 200));
    gateway = await startTestGateway({
      store,
      env: { STATUS_WEBHOOK_URL: receiver.url, STATUS_WEBHOOK_SECRET: SECRET },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await receiver.close();
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
    const mine = () => receiver.received.filter((r) => r.body.scheduleKey === key);
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
