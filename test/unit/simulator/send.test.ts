import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FOREIGN_OPENIDS, type SentEvent } from '../../../src/simulator/index.js';
import {
  AUDIT,
  GRADE,
  ORDER,
  PAYMENT,
  startSimulator,
  userOpenId,
  type Harness,
} from '../../helpers/sim-harness.js';

const alice = userOpenId('alice');

function auditSend(overrides: Record<string, unknown> = {}) {
  return {
    touser: alice,
    template_id: AUDIT.id,
    page: 'pages/review/result?id=42',
    miniprogram_state: 'formal',
    lang: 'zh_CN',
    data: { phrase2: { value: '已通过' }, thing3: { value: '资料齐全' } },
    ...overrides,
  };
}

describe('simulator: POST /cgi-bin/message/subscribe/send', () => {
  let h: Harness;
  let token: string;
  const sent: SentEvent[] = [];
  beforeEach(async () => {
    sent.length = 0;
    h = await startSimulator({ onSent: (event) => void sent.push(event) });
    token = await h.classicToken();
  });
  afterEach(() => h.close());

  const errcodeOf = async (body: unknown) => (await h.send(token, body)).json.errcode;

  it('answers 43002 to a GET and checks the token first (41001, 40014)', async () => {
    const get = await h.get('/cgi-bin/message/subscribe/send', { access_token: token });
    expect(get.json.errcode).toBe(43002);
    expect((await h.post('/cgi-bin/message/subscribe/send', auditSend())).json.errcode).toBe(41001);
    expect((await h.send('nope', 'not json')).json.errcode).toBe(40014);
  });

  it('47001 when the body is not JSON', async () => {
    const { json } = await h.send(token, '{"touser":');
    expect(json.errcode).toBe(47001);
    expect(json.errmsg).toMatch(/^data format error rid: /);
    expect(await errcodeOf('[1,2]')).toBe(47001);
  });

  it('40003 for a missing, malformed or foreign openid', async () => {
    for (const touser of [undefined, '', 'alice', `${alice}x`, FOREIGN_OPENIDS[0]]) {
      const { json } = await h.send(token, auditSend({ touser }));
      expect({ touser, errcode: json.errcode }).toEqual({ touser, errcode: 40003 });
      expect(json.errmsg).toMatch(/^invalid openid rid: /);
    }
  });

  it('40037 for a missing or unknown template_id', async () => {
    expect(await errcodeOf(auditSend({ template_id: undefined }))).toBe(40037);
    const { json } = await h.send(token, auditSend({ template_id: 'no-such-template' }));
    expect(json.errcode).toBe(40037);
    expect(json.errmsg).toMatch(/^invalid template_id rid: /);
    // The name is not an id.
    expect(await errcodeOf(auditSend({ template_id: 'AuditResult' }))).toBe(40037);
  });

  it('41030 for a page that is not released; the query and a leading slash do not matter', async () => {
    const { json } = await h.send(token, auditSend({ page: 'pages/secret/index' }));
    expect(json.errcode).toBe(41030);
    expect(json.errmsg).toMatch(/^invalid page rid: /);
    expect(await errcodeOf(auditSend({ page: 42 }))).toBe(41030);
    await h.accept(alice, AUDIT.id);
    expect(await errcodeOf(auditSend({ page: '/pages/review/result' }))).toBe(0);
  });

  it('a send without page is allowed (a card without jump)', async () => {
    await h.accept(alice, 'AuditResult');
    const { json } = await h.send(token, auditSend({ page: undefined }));
    expect(json.errcode).toBe(0);
    const inbox = await h.get('/__sim/inbox', { openid: alice });
    expect((inbox.json.messages as { page: unknown }[])[0]!.page).toBeNull();
  });

  it("47003 naming miniprogram_state or lang when they are not one of WeChat's values", async () => {
    const state = await h.send(token, auditSend({ miniprogram_state: 'production' }));
    expect(state.json.errcode).toBe(47003);
    expect(state.json.errmsg).toMatch(/^argument invalid! miniprogram_state invalid rid: /);
    const lang = await h.send(token, auditSend({ lang: 'fr_FR' }));
    expect(lang.json.errcode).toBe(47003);
    expect(lang.json.errmsg).toMatch(/^argument invalid! lang invalid rid: /);
  });

  it('47003 names the exact key: "invalid" for a rule violation, "is empty" for empty or missing', async () => {
    const tooLong = await h.send(
      token,
      auditSend({
        data: {
          phrase2: { value: '已通过' },
          thing3: { value: '这是一段超过二十个字符的备注内容用于测试长度限制' },
        },
      }),
    );
    expect(tooLong.json.errcode).toBe(47003);
    expect(tooLong.json.errmsg).toMatch(/^argument invalid! data\.thing3\.value invalid rid: /);

    const empty = await h.send(
      token,
      auditSend({ data: { phrase2: { value: '' }, thing3: { value: 'x' } } }),
    );
    expect(empty.json.errmsg).toMatch(/^argument invalid! data\.phrase2\.value is empty rid: /);

    const missing = await h.send(token, auditSend({ data: { phrase2: { value: '通过' } } }));
    expect(missing.json.errmsg).toMatch(/^argument invalid! data\.thing3\.value is empty rid: /);

    const unwrapped = await h.send(
      token,
      auditSend({ data: { phrase2: '通过', thing3: { value: 'x' } } }),
    );
    expect(unwrapped.json.errmsg).toMatch(/^argument invalid! data\.phrase2\.value is empty rid: /);

    const notString = await h.send(
      token,
      auditSend({ data: { phrase2: { value: ['通过'] }, thing3: { value: 'x' } } }),
    );
    expect(notString.json.errmsg).toMatch(/^argument invalid! data\.phrase2\.value invalid rid: /);

    const extra = await h.send(
      token,
      auditSend({
        data: { phrase2: { value: '通过' }, thing3: { value: 'x' }, thing9: { value: 'y' } },
      }),
    );
    expect(extra.json.errmsg).toMatch(/^argument invalid! data\.thing9\.value invalid rid: /);

    const enumValue = await h.send(token, {
      touser: alice,
      template_id: PAYMENT.id,
      data: { amount1: { value: '￥1.00' }, enum_string2: { value: '现金' } },
    });
    expect(enumValue.json.errmsg).toMatch(
      /^argument invalid! data\.enum_string2\.value invalid rid: /,
    );

    expect(await errcodeOf(auditSend({ data: undefined }))).toBe(47001);
    expect(await errcodeOf(auditSend({ data: 'phrase2=通过' }))).toBe(47001);
  });

  it('43101 without a credit; one credit allows exactly one send', async () => {
    const refused = await h.send(token, auditSend());
    expect(refused.json.errcode).toBe(43101);
    expect(refused.json.errmsg).toMatch(/^user refuse to accept the msg rid: /);
    await h.accept(alice, AUDIT.id);
    expect(await errcodeOf(auditSend())).toBe(0);
    expect(await errcodeOf(auditSend())).toBe(43101);
  });

  it('credits are per template: a credit for one template does not cover another', async () => {
    await h.accept(alice, ORDER.id);
    expect(await errcodeOf(auditSend())).toBe(43101);
    expect(h.sim.state.ledger.credits(alice, ORDER.id)).toBe(1);
  });

  it('credits accumulate: 3 accepts allow 3 sends, the 4th is 43101', async () => {
    for (let i = 0; i < 3; i += 1) await h.accept(alice, 'AuditResult');
    const codes = [];
    for (let i = 0; i < 4; i += 1) codes.push(await errcodeOf(auditSend()));
    expect(codes).toEqual([0, 0, 0, 43101]);
  });

  it('a long-term template needs an accept but is not used up; a reject turns it off', async () => {
    const gradeSend = {
      touser: alice,
      template_id: GRADE.id,
      data: { thing1: { value: '高等数学' }, number2: { value: 92.5 } },
    };
    expect(await errcodeOf(gradeSend)).toBe(43101);
    await h.accept(alice, GRADE.id);
    expect([
      await errcodeOf(gradeSend),
      await errcodeOf(gradeSend),
      await errcodeOf(gradeSend),
    ]).toEqual([0, 0, 0]);
    await h.post('/__sim/subscribe', { openid: alice, results: { GradeReleased: 'reject' } });
    expect(await errcodeOf(gradeSend)).toBe(43101);
  });

  it('43108 for a second send to the same user while one is in flight', async () => {
    // Generous latency: the second send only has to arrive on loopback while the first sleeps.
    const slow = await startSimulator({ sendLatencyMs: 1500 });
    try {
      const slowToken = await slow.classicToken();
      await slow.accept(alice, AUDIT.id);
      await slow.accept(alice, AUDIT.id);
      const bob = userOpenId('bob');
      await slow.accept(bob, AUDIT.id);
      const first = slow.send(slowToken, auditSend());
      while (!slow.sim.state.inFlight.has(alice))
        await new Promise((resolve) => setImmediate(resolve));
      const second = await slow.send(slowToken, auditSend());
      const other = slow.send(slowToken, auditSend({ touser: bob }));
      expect(second.json.errcode).toBe(43108);
      expect(second.json.errmsg).toMatch(/ rid: /);
      expect((await first).json.errcode).toBe(0);
      expect((await other).json.errcode).toBe(0);
      // The refused send spent nothing: alice still has her second credit.
      expect(slow.sim.state.ledger.credits(alice, AUDIT.id)).toBe(1);
      expect((await slow.send(slowToken, auditSend())).json.errcode).toBe(0);
    } finally {
      await slow.close();
    }
  });

  it('success: {"errcode":0,"errmsg":"ok","msgid":<bare 64-bit number>}, unique msgids above 2^53', async () => {
    await h.accept(alice, AUDIT.id, ORDER.id);
    await h.accept(alice, AUDIT.id);
    const replies = [await h.send(token, auditSend()), await h.send(token, auditSend())];
    const ids = replies.map(({ text }) => {
      const match = /^\{"errcode":0,"errmsg":"ok","msgid":(\d+)\}$/.exec(text);
      expect(match).not.toBeNull();
      return match![1]!;
    });
    for (const id of ids) expect(BigInt(id) > 2n ** 53n).toBe(true);
    expect(new Set(ids).size).toBe(2);
    // JSON.parse cannot hold it: the raw text is the only faithful source.
    expect(String(replies[0]!.json.msgid)).not.toBe(ids[0]);
  });

  it('a delivered message lands in the inbox and calls onSent after the reply', async () => {
    await h.accept(alice, AUDIT.id);
    const { text } = await h.send(token, auditSend());
    const msgid = /"msgid":(\d+)/.exec(text)![1]!;
    await h.sim.whenIdle();
    expect(sent).toEqual([
      {
        openid: alice,
        createTime: Math.floor(h.clock.ms / 1000),
        templateId: AUDIT.id,
        msgId: msgid,
      },
    ]);
    const { json } = await h.get('/__sim/inbox', { openid: alice });
    expect(json.messages).toEqual([
      {
        msgid,
        openid: alice,
        templateId: AUDIT.id,
        title: '审核结果通知',
        lines: ['审核结果: 已通过', '备注: 资料齐全'],
        page: 'pages/review/result?id=42',
        miniprogramState: 'formal',
        lang: 'zh_CN',
        sentAt: new Date(h.clock.ms).toISOString(),
      },
    ]);
  });

  it('counts failed sends per errcode and successful ones', async () => {
    await h.send(token, auditSend());
    await h.send(token, auditSend({ touser: 'x' }));
    await h.send(token, auditSend({ touser: 'x' }));
    await h.accept(alice, AUDIT.id);
    await h.send(token, auditSend());
    const { json } = await h.get('/__sim/counters');
    expect(json.sends).toEqual({ ok: 1, failed: { '43101': 1, '40003': 2 } });
  });
});
