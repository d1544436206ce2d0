import { expect, it } from '@jest/globals';
import {
  dataOf,
  grantCredits,
  injectSendError,
  ledgerEntry,
  newOpenid,
  sendCalls,
  sendValid,
  simCounters,
} from '../../helpers/api.js';
import { MESSAGE } from '../../helpers/operations.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';

/** An openid well-formed for WeChat but of another app: the simulator answers 40003. */
const FOREIGN_OPENID = 'oForeignApp00000000000000001';

describeEachStore('WeChat refusals are recorded outcomes, not GraphQL errors', (store) => {
  const gateway = useGateway(store);

  it('43101: the Message is FAILED with the errcode and the ledger has no credit left', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 2);
    await injectSendError(t, 43101);
    const before = await sendCalls(t);
    const result = await sendValid(t, openid, 'AuditResult');
    const { sendSubscribeMessage: message } = dataOf(result);
    expect(message).toMatchObject({ status: 'FAILED', errcode: 43101, msgid: null, sentAt: null });
    expect(message.errmsg).toMatch(/refuse/);
    expect(message.attempts).toBeGreaterThanOrEqual(1);
    expect(await sendCalls(t)).toBe(before + 1);
    // Set to 0, not decremented: WeChat knows better than our count.
    expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({
      remaining: 0,
      sent: 0,
      hasQuota: false,
    });
    const stored = dataOf(await t.gql<{ message: unknown }>(MESSAGE, { id: message.id }));
    expect(stored.message).toEqual(message);
  });

  it('40003: an openid of another app is FAILED with errcode and errmsg', async () => {
    const t = gateway();
    const { sendSubscribeMessage: message } = dataOf(
      await sendValid(t, FOREIGN_OPENID, 'AuditResult'),
    );
    expect(message).toMatchObject({ status: 'FAILED', errcode: 40003, msgid: null });
    expect(message.errmsg).toMatch(/invalid openid/);
  });

  it('41030: a page not in the released build is FAILED and spends no credit', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'OrderShipped', 1);
    const { sendSubscribeMessage: message } = dataOf(
      await sendValid(t, openid, 'OrderShipped', { page: 'pages/not/released?id=1' }),
    );
    expect(message).toMatchObject({
      status: 'FAILED',
      errcode: 41030,
      page: 'pages/not/released?id=1',
    });
    expect(message.errmsg).toEqual(expect.any(String));
    expect(await ledgerEntry(t, openid, 'OrderShipped')).toMatchObject({ remaining: 1, sent: 0 });
    const released = dataOf(
      await sendValid(t, openid, 'OrderShipped', { page: 'pages/order/detail?id=1' }),
    );
    expect(released.sendSubscribeMessage).toMatchObject({
      status: 'SENT',
      page: 'pages/order/detail?id=1',
    });
  });

  it('45168: a blacklisted keyword is FAILED with WeChat’s errcode and errmsg', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 1);
    await injectSendError(t, 45168, { errmsg: 'keyword in blacklist' });
    const { sendSubscribeMessage: message } = dataOf(await sendValid(t, openid, 'AuditResult'));
    expect(message).toMatchObject({ status: 'FAILED', errcode: 45168 });
    expect(message.errmsg).toContain('keyword in blacklist');
    expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({ remaining: 1, sent: 0 });
  });

  it('sends with a msgid and sentAt when WeChat accepts', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 1);
    const ok = (await simCounters(t)).sends.ok;
    const { sendSubscribeMessage: message } = dataOf(await sendValid(t, openid, 'AuditResult'));
    expect(message).toMatchObject({ status: 'SENT', errcode: null, errmsg: null, openid });
    expect(message.msgid).toMatch(/^\d+$/);
    expect(new Date(message.sentAt!).getTime()).toBeGreaterThanOrEqual(
      new Date(message.createdAt).getTime(),
    );
    expect((await simCounters(t)).sends.ok).toBe(ok + 1);
    const inbox = await t.sim<{ messages: { msgid: string }[] }>(`inbox?openid=${openid}`);
    expect(inbox.messages.map((m) => m.msgid)).toEqual([message.msgid]);
  });
});
