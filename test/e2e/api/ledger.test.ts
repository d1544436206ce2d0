import { expect, it } from '@jest/globals';
import {
  dataOf,
  errorOf,
  grantCredits,
  ledgerEntry,
  ledgerOf,
  newOpenid,
  sendValid,
  simCredits,
  subscribe,
} from '../../helpers/api.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';
import { DEMO_TEMPLATE_IDS } from '../../helpers/demo-templates.js';

describeEachStore('the subscription ledger', (store) => {
  const gateway = useGateway(store);

  it('counts each ACCEPT of a one-time template as one credit, and replays the taps on WeChat', async () => {
    const t = gateway();
    const openid = newOpenid();
    const { subscribe: records } = dataOf(
      await subscribe(t, openid, [
        ['AuditResult', 'ACCEPT'],
        ['AuditResult', 'ACCEPT'],
        ['AuditResult', 'ACCEPT'],
      ]),
    );
    expect(records.map((r) => [r.remaining, r.accepted])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({
      openid,
      templateId: DEMO_TEMPLATE_IDS.AuditResult,
      status: 'ACCEPT',
      remaining: 3,
      accepted: 3,
      sent: 0,
      hasQuota: true,
    });
    expect(await simCredits(t, openid, 'AuditResult')).toBe(3);
  });

  it('accumulates credits over separate subscribe calls', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, DEMO_TEMPLATE_IDS.OrderShipped, 1);
    await grantCredits(t, openid, 'OrderShipped', 2);
    expect(await ledgerEntry(t, openid, 'OrderShipped')).toMatchObject({
      remaining: 3,
      accepted: 3,
    });
  });

  it('spends one credit per successful send', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 3);
    expect(dataOf(await sendValid(t, openid, 'AuditResult')).sendSubscribeMessage.status).toBe(
      'SENT',
    );
    expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({
      status: 'ACCEPT',
      remaining: 2,
      accepted: 3,
      sent: 1,
    });
    expect(dataOf(await sendValid(t, openid, 'AuditResult')).sendSubscribeMessage.status).toBe(
      'SENT',
    );
    expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({ remaining: 1, sent: 2 });
  });

  it('a popup REJECT records the choice, grants nothing and keeps earlier credits', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 3);
    const { subscribe: records } = dataOf(await subscribe(t, openid, [['AuditResult', 'REJECT']]));
    expect(records).toEqual([
      expect.objectContaining({ status: 'REJECT', remaining: 3, accepted: 3 }),
    ]);
    expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({
      status: 'REJECT',
      remaining: 3,
      hasQuota: true,
    });
  });

  it('a REJECT of a template never accepted grants nothing', async () => {
    const t = gateway();
    const openid = newOpenid();
    dataOf(await subscribe(t, openid, [['AuditResult', 'REJECT']]));
    expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({
      status: 'REJECT',
      remaining: 0,
      hasQuota: false,
    });
  });

  it('BAN sets the status and zeroes the credits', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'PaymentSuccess', 2);
    dataOf(await subscribe(t, openid, [['PaymentSuccess', 'BAN']]));
    expect(await ledgerEntry(t, openid, 'PaymentSuccess')).toMatchObject({
      status: 'BAN',
      remaining: 0,
      accepted: 2,
      hasQuota: false,
    });
  });

  it('FILTER grants nothing and takes nothing', async () => {
    const t = gateway();
    const openid = newOpenid();
    dataOf(await subscribe(t, openid, [['AppointmentReminder', 'FILTER']]));
    expect(await ledgerEntry(t, openid, 'AppointmentReminder')).toMatchObject({
      status: 'FILTER',
      remaining: 0,
      accepted: 0,
      hasQuota: false,
    });
    await grantCredits(t, openid, 'AuditResult', 2);
    dataOf(await subscribe(t, openid, [['AuditResult', 'FILTER']]));
    expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({
      status: 'ACCEPT',
      remaining: 2,
      accepted: 2,
    });
  });

  it('an ACCEPT after a REJECT adds a credit to the kept ones', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 2);
    dataOf(await subscribe(t, openid, [['AuditResult', 'REJECT']]));
    await grantCredits(t, openid, 'AuditResult', 1);
    expect(await ledgerEntry(t, openid, 'AuditResult')).toMatchObject({
      status: 'ACCEPT',
      remaining: 3,
      accepted: 3,
    });
  });

  it('keeps no credit count for long-term templates', async () => {
    const t = gateway();
    const openid = newOpenid();
    const { subscribe: records } = dataOf(
      await subscribe(t, openid, [['CourseGradeReleased', 'ACCEPT']]),
    );
    expect(records).toEqual([
      expect.objectContaining({ status: 'ACCEPT', remaining: null, accepted: 1, hasQuota: true }),
    ]);
    for (let i = 0; i < 2; i++) {
      expect(
        dataOf(await sendValid(t, openid, 'CourseGradeReleased')).sendSubscribeMessage.status,
      ).toBe('SENT');
    }
    expect(await ledgerEntry(t, openid, 'CourseGradeReleased')).toMatchObject({
      status: 'ACCEPT',
      remaining: null,
      sent: 2,
      hasQuota: true,
    });
    dataOf(await subscribe(t, openid, [['CourseGradeReleased', 'REJECT']]));
    expect(await ledgerEntry(t, openid, 'CourseGradeReleased')).toMatchObject({
      status: 'REJECT',
      remaining: null,
      hasQuota: false,
    });
  });

  it('records one-time and long-term results of one call side by side', async () => {
    const t = gateway();
    const openid = newOpenid();
    dataOf(
      await subscribe(t, openid, [
        ['AuditResult', 'ACCEPT'],
        ['CourseGradeReleased', 'ACCEPT'],
        ['OrderShipped', 'REJECT'],
      ]),
    );
    const ledger = await ledgerOf(t, openid);
    expect(Object.fromEntries(ledger.map((r) => [r.templateId, [r.status, r.remaining]]))).toEqual({
      [DEMO_TEMPLATE_IDS.AuditResult]: ['ACCEPT', 1],
      [DEMO_TEMPLATE_IDS.CourseGradeReleased]: ['ACCEPT', null],
      [DEMO_TEMPLATE_IDS.OrderShipped]: ['REJECT', 0],
    });
  });

  it('refuses unknown template ids, naming all of them, and changes nothing', async () => {
    const t = gateway();
    const openid = newOpenid();
    const result = await subscribe(t, openid, [
      ['AuditResult', 'ACCEPT'],
      ['NoSuchTemplateA', 'ACCEPT'],
      ['NoSuchTemplateB', 'REJECT'],
    ]);
    const error = errorOf(result, 'TEMPLATE_NOT_FOUND');
    expect(error.message).toContain('NoSuchTemplateA');
    expect(error.message).toContain('NoSuchTemplateB');
    expect(error.message).not.toContain('AuditResult');
    expect(await ledgerOf(t, openid)).toEqual([]);
    expect(await simCredits(t, openid, 'AuditResult')).toBe(0);
  });

  it('refuses an empty openid or an empty result list', async () => {
    const t = gateway();
    expect(
      errorOf(await subscribe(t, '', [['AuditResult', 'ACCEPT']]), 'BAD_USER_INPUT').extensions
        ?.field,
    ).toBe('openid');
    expect(errorOf(await subscribe(t, newOpenid(), []), 'BAD_USER_INPUT').extensions?.field).toBe(
      'results',
    );
  });

  it('refuses, in the sandbox, an openid that is none of the simulator’s users, and records nothing', async () => {
    const t = gateway();
    // 27 characters: an openid the gateway's own rule admits, but no user of the simulator.
    const stranger = newOpenid().slice(0, 27);
    const error = errorOf(
      await subscribe(t, stranger, [['AuditResult', 'ACCEPT']]),
      'BAD_USER_INPUT',
    );
    expect(error.extensions?.field).toBe('openid');
    expect(error.message).toContain('sandbox simulator has no such user');
    expect(await ledgerOf(t, stranger)).toEqual([]);
  });
});
