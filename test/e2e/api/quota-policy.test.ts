import { describe, expect, it } from '@jest/globals';
import type { TestGateway } from '../../helpers/gateway.js';
import {
  dataOf,
  errorOf,
  grantCredits,
  type GqlResult,
  ledgerEntry,
  type MessageView,
  messagesOf,
  newOpenid,
  sendCalls,
  sendValid,
  simCounters,
  subscribe,
} from '../../helpers/api.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';

/** The user taps the popup on WeChat's side only: the gateway's ledger never hears of it. */
async function tapOnWeChatOnly(t: TestGateway, openid: string, template: string): Promise<void> {
  await t.sim('subscribe', { openid, results: { [template]: 'accept' } });
}

function outcomes(results: GqlResult<{ sendSubscribeMessage: MessageView }>[]) {
  const sent = results.filter((r) => r.body.data?.sendSubscribeMessage.status === 'SENT').length;
  const codes = results.flatMap((r) => (r.body.errors ?? []).map((e) => e.extensions?.code));
  const failed = results.filter(
    (r) => r.body.data?.sendSubscribeMessage.status === 'FAILED',
  ).length;
  return { sent, failed, codes };
}

describeEachStore('QUOTA_POLICY', (store) => {
  describe('track (the default)', () => {
    const gateway = useGateway(store);

    it('sends without a recorded credit; WeChat answers 43101 and the Message is FAILED', async () => {
      const t = gateway();
      const openid = newOpenid();
      const before = await sendCalls(t);
      const { sendSubscribeMessage } = dataOf(await sendValid(t, openid, 'AuditResult'));
      expect(sendSubscribeMessage).toMatchObject({ status: 'FAILED', errcode: 43101 });
      expect(await sendCalls(t)).toBe(before + 1);
    });

    it('sends regardless of the ledger: a credit WeChat knows of is used', async () => {
      const t = gateway();
      const openid = newOpenid();
      await tapOnWeChatOnly(t, openid, 'AuditResult');
      const { sendSubscribeMessage } = dataOf(await sendValid(t, openid, 'AuditResult'));
      expect(sendSubscribeMessage.status).toBe('SENT');
    });

    it('keeps the ledger: a send spends the recorded credit', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'PaymentSuccess', 1);
      expect(dataOf(await sendValid(t, openid, 'PaymentSuccess')).sendSubscribeMessage.status).toBe(
        'SENT',
      );
      expect(await ledgerEntry(t, openid, 'PaymentSuccess')).toMatchObject({
        remaining: 0,
        sent: 1,
      });
    });
  });

  describe('enforce', () => {
    const gateway = useGateway(store, { QUOTA_POLICY: 'enforce' });

    it('refuses a send without credit with NO_SUBSCRIPTION and does not call WeChat or log a Message', async () => {
      const t = gateway();
      const openid = newOpenid();
      await tapOnWeChatOnly(t, openid, 'AuditResult');
      const before = await sendCalls(t);
      const result = await sendValid(t, openid, 'AuditResult');
      const error = errorOf(result, 'NO_SUBSCRIPTION');
      expect(error.message).toContain(openid);
      // Right whether QUOTA_POLICY or an apps file's quotaPolicy set it.
      expect(error.message).toMatch(/\(quota policy: enforce\)$/);
      expect(result.body.data).toBeNull();
      expect(await sendCalls(t)).toBe(before);
      expect(await messagesOf(t, openid)).toEqual([]);
    });

    it('sends while credit lasts, then refuses', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 1);
      expect(dataOf(await sendValid(t, openid, 'AuditResult')).sendSubscribeMessage.status).toBe(
        'SENT',
      );
      expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({ remaining: 0, sent: 1 });
      const before = await sendCalls(t);
      errorOf(await sendValid(t, openid, 'AuditResult'), 'NO_SUBSCRIPTION');
      expect(await sendCalls(t)).toBe(before);
    });

    it('still sends on credits of earlier accepts after a popup REJECT, and no more', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 1);
      dataOf(await subscribe(t, openid, [['AuditResult', 'REJECT']]));
      expect(dataOf(await sendValid(t, openid, 'AuditResult')).sendSubscribeMessage.status).toBe(
        'SENT',
      );
      errorOf(await sendValid(t, openid, 'AuditResult'), 'NO_SUBSCRIPTION');
    });

    it('refuses after BAN', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 2);
      dataOf(await subscribe(t, openid, [['AuditResult', 'BAN']]));
      errorOf(await sendValid(t, openid, 'AuditResult'), 'NO_SUBSCRIPTION');
    });

    it('sends a long-term template while it is accepted, and refuses once rejected', async () => {
      const t = gateway();
      const openid = newOpenid();
      errorOf(await sendValid(t, openid, 'CourseGradeReleased'), 'NO_SUBSCRIPTION');
      await grantCredits(t, openid, 'CourseGradeReleased', 1);
      for (let i = 0; i < 3; i++) {
        expect(
          dataOf(await sendValid(t, openid, 'CourseGradeReleased')).sendSubscribeMessage.status,
        ).toBe('SENT');
      }
      dataOf(await subscribe(t, openid, [['CourseGradeReleased', 'REJECT']]));
      errorOf(await sendValid(t, openid, 'CourseGradeReleased'), 'NO_SUBSCRIPTION');
    });

    it('gives the credit back when WeChat refuses for another reason than 43101', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 1);
      const { sendSubscribeMessage } = dataOf(
        await sendValid(t, openid, 'AuditResult', { page: 'pages/not/released' }),
      );
      expect(sendSubscribeMessage).toMatchObject({ status: 'FAILED', errcode: 41030 });
      expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({ remaining: 1, sent: 0 });
    });

    it('50 concurrent sends against 10 credits of one user send exactly 10', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 10);
      const okBefore = (await simCounters(t)).sends.ok;
      const results = await Promise.all(
        Array.from({ length: 50 }, () => sendValid(t, openid, 'AuditResult')),
      );
      const { sent, failed, codes } = outcomes(results);
      expect({ sent, failed }).toEqual({ sent: 10, failed: 0 });
      expect(codes).toEqual(Array(40).fill('NO_SUBSCRIPTION'));
      expect((await simCounters(t)).sends.ok).toBe(okBefore + 10);
      expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({
        remaining: 0,
        sent: 10,
        accepted: 10,
      });
    });

    it('50 concurrent sends spread over 10 users with 1 credit each send exactly 10', async () => {
      const t = gateway();
      const users = Array.from({ length: 10 }, () => newOpenid());
      await Promise.all(users.map((openid) => grantCredits(t, openid, 'OrderShipped', 1)));
      const okBefore = (await simCounters(t)).sends.ok;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          sendValid(t, users[i % users.length]!, 'OrderShipped'),
        ),
      );
      const { sent, failed, codes } = outcomes(results);
      expect({ sent, failed }).toEqual({ sent: 10, failed: 0 });
      expect(codes).toEqual(Array(40).fill('NO_SUBSCRIPTION'));
      expect((await simCounters(t)).sends.ok).toBe(okBefore + 10);
      for (const openid of users) {
        expect(await ledgerEntry(t, openid, 'OrderShipped')).toMatchObject({
          remaining: 0,
          sent: 1,
        });
      }
    });
  });
});
