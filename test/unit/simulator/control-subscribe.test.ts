import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  FOREIGN_OPENIDS,
  type ChangeEvent,
  type PopupEvent,
} from '../../../src/simulator/index.js';
import {
  AUDIT,
  AUDIT_AGAIN,
  COUPON,
  GRADE,
  ORDER,
  PAYMENT,
  REFUND,
  startSimulator,
  userOpenId,
  type Harness,
} from '../../helpers/sim-harness.js';

const alice = userOpenId('alice');

describe('simulator control: POST /__sim/subscribe and /__sim/unsubscribe', () => {
  let h: Harness;
  const popups: PopupEvent[] = [];
  const changes: ChangeEvent[] = [];
  beforeEach(async () => {
    popups.length = 0;
    changes.length = 0;
    h = await startSimulator({
      onPopup: (event) => void popups.push(event),
      onChange: (event) => void changes.push(event),
    });
  });
  afterEach(() => h.close());

  const tap = (body: unknown) => h.post('/__sim/subscribe', body);

  it('answers exactly like wx.requestSubscribeMessage, keyed by template id even when named', async () => {
    const { status, json } = await tap({
      openid: alice,
      results: { AuditResult: 'accept', [ORDER.id]: 'reject', PaymentSuccess: 'acceptWithAudio' },
    });
    expect(status).toBe(200);
    expect(json).toEqual({
      errMsg: 'requestSubscribeMessage:ok',
      [AUDIT.id]: 'accept',
      [ORDER.id]: 'reject',
      [PAYMENT.id]: 'acceptWithAudio',
    });
    expect(h.sim.state.ledger.credits(alice, AUDIT.id)).toBe(1);
    expect(h.sim.state.ledger.credits(alice, ORDER.id)).toBe(0);
    expect(h.sim.state.ledger.credits(alice, PAYMENT.id)).toBe(1);
  });

  it('templateIds means all accept; credits accumulate per accept', async () => {
    const { json } = await tap({ openid: alice, templateIds: [AUDIT.id, 'OrderShipped'] });
    expect(json).toEqual({
      errMsg: 'requestSubscribeMessage:ok',
      [AUDIT.id]: 'accept',
      [ORDER.id]: 'accept',
    });
    await tap({ openid: alice, templateIds: [AUDIT.id] });
    await tap({ openid: alice, results: { [AUDIT.id]: 'acceptWithAlert' } });
    const credits = await h.get('/__sim/credits', { openid: alice });
    const audit = (credits.json.templates as Record<string, unknown>[]).find(
      (t) => t.templateId === AUDIT.id,
    );
    expect(audit).toEqual({
      templateId: AUDIT.id,
      name: 'AuditResult',
      title: '审核结果通知',
      type: 'ONE_TIME',
      credits: 3,
    });
  });

  it('reject and ban grant nothing and take back no credit already granted', async () => {
    await tap({ openid: alice, templateIds: [AUDIT.id] });
    await tap({ openid: alice, results: { [AUDIT.id]: 'reject' } });
    await tap({ openid: alice, results: { [AUDIT.id]: 'ban' } });
    expect(h.sim.state.ledger.credits(alice, AUDIT.id)).toBe(1);
  });

  it('a second template with the same title in one tap is reported "filter" and grants nothing', async () => {
    const { json } = await tap({ openid: alice, templateIds: [AUDIT.id, AUDIT_AGAIN.id] });
    expect(json).toEqual({
      errMsg: 'requestSubscribeMessage:ok',
      [AUDIT.id]: 'accept',
      [AUDIT_AGAIN.id]: 'filter',
    });
    expect(h.sim.state.ledger.credits(alice, AUDIT_AGAIN.id)).toBe(0);
  });

  it('long-term: accept turns it on (shown as accepted), reject turns it off', async () => {
    await tap({ openid: alice, templateIds: ['GradeReleased'] });
    const on = await h.get('/__sim/credits', { openid: alice });
    expect(
      (on.json.templates as Record<string, unknown>[]).find((t) => t.templateId === GRADE.id),
    ).toEqual({
      templateId: GRADE.id,
      name: 'GradeReleased',
      title: '课程成绩发布通知',
      type: 'LONG_TERM',
      accepted: true,
    });
    await tap({ openid: alice, results: { GradeReleased: 'reject' } });
    expect(h.sim.state.ledger.isLongTermAccepted(alice, GRADE.id)).toBe(false);
  });

  it('calls onPopup with what the user chose (not ban/filter) before answering', async () => {
    await tap({
      openid: alice,
      results: { [AUDIT.id]: 'accept', [ORDER.id]: 'reject', [PAYMENT.id]: 'ban' },
    });
    expect(popups).toEqual([
      {
        openid: alice,
        createTime: Math.floor(h.clock.ms / 1000),
        items: [
          { templateId: AUDIT.id, status: 'accept' },
          { templateId: ORDER.id, status: 'reject' },
        ],
      },
    ]);
    await tap({ openid: alice, results: { [AUDIT.id]: 'ban' } });
    expect(popups).toHaveLength(1);
  });

  it('a failing onPopup hook does not break the tap', async () => {
    const failing = await startSimulator({
      onPopup: () => {
        throw new Error('push endpoint down');
      },
    });
    try {
      const { status, json } = await failing.accept(alice, AUDIT.id);
      expect(status).toBe(200);
      expect(json[AUDIT.id]).toBe('accept');
      expect(failing.sim.state.ledger.credits(alice, AUDIT.id)).toBe(1);
    } finally {
      await failing.close();
    }
  });

  it('refuses bad taps with 400 naming the problem, changing nothing', async () => {
    const cases: [unknown, RegExp, number?][] = [
      ['{"openid":', /^the body is not JSON/],
      ['[]', /^the body must be a JSON object/],
      [{ templateIds: [AUDIT.id] }, /^openid is missing/],
      [
        { openid: 'alice', templateIds: [AUDIT.id] },
        /^openid "alice" is not shaped like an openid/,
      ],
      [{ openid: FOREIGN_OPENIDS[0], templateIds: [AUDIT.id] }, /belongs to another app/],
      [{ openid: alice }, /^give "results"/],
      [
        { openid: alice, templateIds: [AUDIT.id], results: {} },
        /^give either "results" or "templateIds", not both/,
      ],
      [{ openid: alice, templateIds: 'AuditResult' }, /^"templateIds" must be an array/],
      [
        { openid: alice, results: { AuditResult: 'yes' } },
        /^unknown subscribe status \(AuditResult: "yes"\); allowed: accept, reject/,
      ],
      [{ openid: alice, templateIds: [] }, /^no template ids given/, 10001],
      [
        { openid: alice, templateIds: ['AuditResult', 'Nope', 'nope2'] },
        /^unknown template id or name: Nope, nope2/,
        20001,
      ],
      [
        {
          openid: alice,
          templateIds: [AUDIT.id, ORDER.id, PAYMENT.id, REFUND.id, COUPON.id, AUDIT_AGAIN.id],
        },
        /^6 templates requested; at most 5 per tap/,
        20003,
      ],
      [
        { openid: alice, templateIds: [AUDIT.id, GRADE.id] },
        /^one-time and long-term templates mixed/,
        20002,
      ],
      [{ openid: alice, templateIds: [AUDIT.id, 'AuditResult'] }, /^template requested twice: /],
    ];
    for (const [body, message, errCode] of cases) {
      const { status, json } = await tap(body);
      expect({ body, status }).toEqual({ body, status: 400 });
      expect(json.message).toMatch(message);
      if (errCode !== undefined) {
        expect(json.errCode).toBe(errCode);
        expect(json.errMsg).toMatch(/^requestSubscribeMessage:fail /);
      }
    }
    expect(h.sim.state.ledger.users()).toEqual([]);
    expect(popups).toEqual([]);
  });

  it('unsubscribe drops one-time credits to 0 and turns long-term off, and calls onChange', async () => {
    await tap({ openid: alice, templateIds: [AUDIT.id] });
    await tap({ openid: alice, templateIds: [AUDIT.id] });
    await tap({ openid: alice, templateIds: [GRADE.id] });
    const { status, json } = await h.post('/__sim/unsubscribe', {
      openid: alice,
      templateId: 'AuditResult',
    });
    expect(status).toBe(200);
    expect(
      (json.templates as Record<string, unknown>[]).find((t) => t.templateId === AUDIT.id)!.credits,
    ).toBe(0);
    await h.post('/__sim/unsubscribe', { openid: alice, templateId: GRADE.id });
    expect(h.sim.state.ledger.isLongTermAccepted(alice, GRADE.id)).toBe(false);
    expect(changes.map((change) => change.items)).toEqual([
      [{ templateId: AUDIT.id, status: 'reject' }],
      [{ templateId: GRADE.id, status: 'reject' }],
    ]);
  });

  it('unsubscribe refuses an unknown template, a bad openid and a non-JSON body with 400', async () => {
    const unknown = await h.post('/__sim/unsubscribe', { openid: alice, templateId: 'Nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.message).toBe('unknown template id or name: "Nope"');
    const badOpenid = await h.post('/__sim/unsubscribe', { openid: 'x', templateId: AUDIT.id });
    expect(badOpenid.status).toBe(400);
    expect(badOpenid.json.message).toMatch(/openid "x"/);
    const notJson = await h.post('/__sim/unsubscribe', 'openid=x');
    expect(notJson.status).toBe(400);
    expect(notJson.json.message).toMatch(/^the body is not JSON/);
  });
});
