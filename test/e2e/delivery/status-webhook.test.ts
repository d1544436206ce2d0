import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { dataOf, grantCredits, newOpenid, sendValid } from '../../helpers/api.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { describeEachStore } from '../../helpers/stores.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.js';

const SECRET = 'webhook-secret-0123456789';

describeEachStore('status webhooks', (store) => {
  let failNext = 0;
  let receiver: WebhookReceiver;
  let gateway: TestGateway;

  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET, () => {
      if (failNext === 0) return 200;
      failNext--;
      return 500;
    });
    gateway = await startTestGateway({
      store,
      env: { STATUS_WEBHOOK_URL: receiver.url, STATUS_WEBHOOK_SECRET: SECRET },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await receiver.close();
  });

  const delivered = async (messageId: string, status: string) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const hit = receiver.received.find(
        (r) => r.body.messageId === messageId && r.body.status === status && r.answered === 200,
      );
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no ${status} callback for ${messageId}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('posts a signed callback for a direct send, retrying until the receiver accepts it', async () => {
    const openid = newOpenid();
    await grantCredits(gateway, openid, 'AuditResult', 1);
    failNext = 1;
    const { sendSubscribeMessage } = dataOf(await sendValid(gateway, openid, 'AuditResult'));
    const hit = await delivered(sendSubscribeMessage.id, 'SENT');
    expect(hit.valid).toBe(true);
    expect(hit.body).toMatchObject({ openid, status: 'SENT' });
    const tries = receiver.received.filter(
      (r) => r.body.messageId === sendSubscribeMessage.id && r.body.status === 'SENT',
    );
    expect(tries.map((r) => r.answered)).toEqual([500, 200]);
  });

  it('posts CANCELLED for a cancelled scheduled message', async () => {
    const { scheduleAuditResult } = dataOf(
      await gateway.gql<{ scheduleAuditResult: { id: string } }>(
        `mutation($input: ScheduleAuditResultInput!) { scheduleAuditResult(input: $input) { id } }`,
        {
          input: { openid: newOpenid(), data: VALID_DATA.AuditResult, when: { delaySeconds: 600 } },
        },
      ),
    );
    dataOf(
      await gateway.gql(`mutation($id: ID) { cancelMessage(id: $id) { outcome } }`, {
        id: scheduleAuditResult.id,
      }),
    );
    expect((await delivered(scheduleAuditResult.id, 'CANCELLED')).valid).toBe(true);
    expect(
      receiver.received.filter((r) => r.body.messageId === scheduleAuditResult.id),
    ).toHaveLength(1);
  });

  it('posts SENT for every recipient of a campaign (sent by a batch job)', async () => {
    const holders = [newOpenid(), newOpenid(), newOpenid()];
    for (const openid of holders) await grantCredits(gateway, openid, 'AuditResult', 1);
    const { createCampaign } = dataOf(
      await gateway.gql<{ createCampaign: { id: string } }>(
        `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`,
        {
          input: {
            key: `webhook-${holders[0]}`,
            templateId: 'AuditResult',
            data: VALID_DATA.AuditResult,
            audience: { openids: holders },
          },
        },
      ),
    );
    const messages = async () =>
      dataOf(
        await gateway.gql<{
          campaign: { messages: { edges: { node: { id: string; status: string } }[] } };
        }>(
          `query($id: ID!) { campaign(id: $id) { messages(first: 10) { edges { node { id status } } } } }`,
          {
            id: createCampaign.id,
          },
        ),
      ).campaign.messages.edges.map((e) => e.node);
    let sent: { id: string; status: string }[] = [];
    for (let i = 0; i < 300 && sent.length < 3; i++) {
      sent = (await messages()).filter((m) => m.status === 'SENT');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sent).toHaveLength(3);
    for (const m of sent) expect((await delivered(m.id, 'SENT')).valid).toBe(true);
  });
});
