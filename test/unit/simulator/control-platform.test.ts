import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AUDIT,
  ORDER,
  probe,
  startSimulator,
  userOpenId,
  type Harness,
} from '../../helpers/sim-harness.js';

const alice = userOpenId('alice');
const bob = userOpenId('bob');
const SEND = '/cgi-bin/message/subscribe/send';

describe('simulator control: errors, tokens, counters, inbox, reset, index', () => {
  let h: Harness;
  let token: string;
  beforeEach(async () => {
    h = await startSimulator();
    token = await h.classicToken();
  });
  afterEach(() => h.close());

  const auditSend = (touser = alice, remark = '资料齐全') => ({
    touser,
    template_id: AUDIT.id,
    data: { phrase2: { value: '已通过' }, thing3: { value: remark } },
  });

  it('POST /__sim/errors: the next `times` calls answer the errcode, before any other check', async () => {
    const queued = await h.post('/__sim/errors', { path: SEND, errcode: -1, times: 2 });
    expect(queued.json).toEqual({ queued: [{ path: SEND, errcode: -1, remaining: 2 }] });
    await h.accept(alice, AUDIT.id);
    // Even a call without a token gets the injected error.
    const first = await h.post(SEND, auditSend());
    expect(first.json.errcode).toBe(-1);
    expect(first.json.errmsg).toMatch(/^system error rid: /);
    expect((await h.send(token, auditSend())).json.errcode).toBe(-1);
    expect((await h.send(token, auditSend())).json.errcode).toBe(0);
    expect((await h.get('/__sim/errors')).json).toEqual({ queued: [] });
  });

  it('POST /__sim/hangups: the next send is delivered but never answered, the connection cut', async () => {
    expect((await h.post('/__sim/hangups', {})).json).toEqual({
      queued: [{ path: SEND, remaining: 1 }],
    });
    await h.accept(alice, AUDIT.id);
    await h.accept(alice, AUDIT.id);
    const lost = await h.send(token, auditSend()).catch((error: unknown) => error);
    expect(String(lost)).toMatch(/fetch failed/); // the socket closed with no response
    // WeChat acted all the same: delivered, and the credit spent.
    expect((await h.get('/__sim/inbox', { openid: alice })).json.messages).toHaveLength(1);
    expect(h.sim.state.ledger.credits(alice, AUDIT.id)).toBe(1);
    expect((await h.get('/__sim/hangups')).json).toEqual({ queued: [] });
    expect((await h.send(token, auditSend())).json.errcode).toBe(0);
    for (const [body, problem] of [
      [{ path: '/nope' }, /not a simulated WeChat API/],
      [{ times: 0 }, /times must be an integer/],
    ] as const)
      expect((await h.post('/__sim/hangups', body)).text).toMatch(problem);
  });

  it('injected errors queue per path, oldest first, with an optional errmsg', async () => {
    await h.post('/__sim/errors', { path: SEND, errcode: 45009 });
    await h.post('/__sim/errors', { path: SEND, errcode: 43107, errmsg: 'banned for the demo' });
    await h.post('/__sim/errors', { path: '/cgi-bin/token', errcode: 40164 });
    const codes = [(await h.send(token, {})).json, (await h.send(token, {})).json];
    expect(codes.map((c) => c.errcode)).toEqual([45009, 43107]);
    expect(codes[0]!.errmsg).toMatch(/^reach max api daily quota limit rid: /);
    expect(codes[1]!.errmsg).toMatch(/^banned for the demo rid: /);
    // The queue is used up: the real checks are back.
    expect((await h.send(token, {})).json.errcode).toBe(40003);
    const tokenCall = await h.get('/cgi-bin/token', {
      grant_type: 'client_credential',
      appid: h.sim.appId,
      secret: h.sim.appSecret,
    });
    expect(tokenCall.json.errcode).toBe(40164);
  });

  it('POST /__sim/errors refuses bad input with 400 naming it', async () => {
    const cases: [unknown, RegExp][] = [
      ['nope', /^the body is not JSON/],
      [
        { path: '/cgi-bin/nope', errcode: 1 },
        /^path "\/cgi-bin\/nope" is not a simulated WeChat API/,
      ],
      [{ path: SEND }, /^errcode must be a non-zero integer/],
      [{ path: SEND, errcode: 0 }, /^errcode must be a non-zero integer/],
      [{ path: SEND, errcode: '43101' }, /^errcode must be a non-zero integer/],
      [{ path: SEND, errcode: 43101, times: 0 }, /^times must be an integer from 1/],
      [{ path: SEND, errcode: 43101, times: 1.5 }, /^times must be an integer from 1/],
      [{ path: SEND, errcode: 43101, errmsg: 5 }, /^errmsg must be a string/],
    ];
    for (const [body, message] of cases) {
      const { status, json } = await h.post('/__sim/errors', body);
      expect({ body, status }).toEqual({ body, status: 400 });
      expect(json.message).toMatch(message);
    }
    const unknownPath = await h.post('/__sim/errors', { path: '/x', errcode: 1 });
    expect(unknownPath.json.paths).toEqual(
      expect.arrayContaining([SEND, '/cgi-bin/token', '/cgi-bin/stable_token']),
    );
  });

  it('POST /__sim/tokens/expire: every live token of both modes answers 42001', async () => {
    const stable = (await h.stableToken()).json.access_token as string;
    const { json } = await h.post('/__sim/tokens/expire');
    expect(json).toEqual({ expired: 2 });
    expect(await probe(h, token)).toBe(42001);
    expect(await probe(h, stable)).toBe(42001);
    const renewed = (await h.stableToken()).json.access_token as string;
    expect(renewed).not.toBe(stable);
    expect(await probe(h, renewed)).toBe(0);
  });

  it('POST /__sim/tokens/rotate: a new classic token, the old one 40001 at once (no grace)', async () => {
    const rotated = await h.post('/__sim/tokens/rotate');
    expect(rotated.json).toEqual({
      mode: 'classic',
      access_token: expect.any(String),
      expires_in: 7200,
      invalidated: 1,
    });
    expect(await probe(h, token)).toBe(40001);
    expect(await probe(h, rotated.json.access_token as string)).toBe(0);
  });

  it('POST /__sim/tokens/rotate {mode: "stable"} rotates stable tokens only', async () => {
    const stable = (await h.stableToken()).json.access_token as string;
    const rotated = await h.post('/__sim/tokens/rotate', { mode: 'stable' });
    expect(rotated.json.mode).toBe('stable');
    expect(await probe(h, stable)).toBe(40001);
    expect(await probe(h, token)).toBe(0);
    expect((await h.stableToken()).json.access_token).toBe(rotated.json.access_token);
    const bad = await h.post('/__sim/tokens/rotate', { mode: 'both' });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toBe('mode must be "classic" or "stable", got "both"');
  });

  it('GET /__sim/counters: calls per path, outcomes per errcode, tokens issued per mode', async () => {
    await h.stableToken();
    await h.stableToken();
    await h.get('/wxaapi/newtmpl/gettemplate', { access_token: token });
    await h.send(token, auditSend());
    await h.post('/__sim/subscribe', { openid: alice, templateIds: [AUDIT.id] });
    await h.send(token, auditSend());
    const { json } = await h.get('/__sim/counters');
    expect(json).toEqual({
      calls: {
        '/cgi-bin/token': 1,
        '/cgi-bin/stable_token': 2,
        '/wxaapi/newtmpl/gettemplate': 1,
        [SEND]: 2,
      },
      outcomes: {
        '/cgi-bin/token': { '0': 1 },
        '/cgi-bin/stable_token': { '0': 2 },
        '/wxaapi/newtmpl/gettemplate': { '0': 1 },
        [SEND]: { '0': 1, '43101': 1 },
      },
      tokensIssued: { classic: 1, stable: 1 },
      sends: { ok: 1, failed: { '43101': 1 } },
      forceRefreshesToday: 0,
    });
  });

  it('GET /__sim/inbox renders messages per user, newest first', async () => {
    await h.accept(alice, AUDIT.id);
    await h.accept(alice, AUDIT.id);
    await h.accept(bob, ORDER.id);
    await h.send(token, auditSend(alice, '第一条'));
    h.clock.advance(1000);
    await h.send(token, auditSend(alice, '第二条'));
    await h.send(token, {
      touser: bob,
      template_id: ORDER.id,
      page: 'pages/order/detail?id=7',
      miniprogram_state: 'trial',
      lang: 'en_US',
      data: { character_string1: { value: 'SO-7' }, date3: { value: '2024-05-18' } },
    });
    const aliceInbox = (await h.get('/__sim/inbox', { openid: alice })).json.messages as Record<
      string,
      unknown
    >[];
    expect(aliceInbox.map((m) => m.lines)).toEqual([
      ['审核结果: 已通过', '备注: 第二条'],
      ['审核结果: 已通过', '备注: 第一条'],
    ]);
    const bobInbox = (await h.get('/__sim/inbox', { openid: bob })).json.messages as Record<
      string,
      unknown
    >[];
    expect(bobInbox).toEqual([
      expect.objectContaining({
        openid: bob,
        title: '订单发货通知',
        lines: ['订单编号: SO-7', '发货时间: 2024-05-18'],
        page: 'pages/order/detail?id=7',
        miniprogramState: 'trial',
        lang: 'en_US',
      }),
    ]);
    const everyone = (await h.get('/__sim/inbox')).json.messages as Record<string, unknown>[];
    expect(everyone.map((m) => m.openid)).toEqual([bob, alice, alice]);
    const bad = await h.get('/__sim/inbox', { openid: 'bob' });
    expect(bad.status).toBe(400);
  });

  it('GET /__sim/credits without openid lists every user with a record; a bad openid is 400', async () => {
    await h.accept(alice, AUDIT.id);
    await h.accept(bob, ORDER.id);
    const { json } = await h.get('/__sim/credits');
    expect((json.users as { openid: string }[]).map((u) => u.openid)).toEqual([alice, bob]);
    expect((await h.get('/__sim/credits', { openid: 'x' })).status).toBe(400);
  });

  it('POST /__sim/reset forgets tokens, credits, messages, injected errors, counters and added templates', async () => {
    await h.accept(alice, AUDIT.id);
    await h.send(token, auditSend());
    await h.post('/__sim/errors', { path: SEND, errcode: -1 });
    const added = await h.post(
      '/wxaapi/newtmpl/addtemplate',
      { tid: '401', kidList: [1, 2] },
      { access_token: token },
    );
    expect(added.json.errcode).toBe(0);
    await h.accept(alice, AUDIT.id);

    expect((await h.post('/__sim/reset')).json).toEqual({ ok: true });

    const counters = (await h.get('/__sim/counters')).json;
    expect(counters.calls).toEqual({});
    expect(counters.tokensIssued).toEqual({ classic: 0, stable: 0 });
    expect(await probe(h, token)).toBe(40014);
    expect((await h.get('/__sim/inbox')).json.messages).toEqual([]);
    expect((await h.get('/__sim/errors')).json.queued).toEqual([]);
    expect(h.sim.state.ledger.credits(alice, AUDIT.id)).toBe(0);
    const fresh = await h.classicToken();
    const list = (await h.get('/wxaapi/newtmpl/gettemplate', { access_token: fresh })).json
      .data as { priTmplId: string }[];
    expect(list.map((t) => t.priTmplId)).not.toContain(added.json.priTmplId);
    expect(list.map((t) => t.priTmplId)).toContain(AUDIT.id);
  });

  it('GET /__sim/ lists the control endpoints and the app facts', async () => {
    const { status, json } = await h.get('/__sim/');
    expect(status).toBe(200);
    expect(json.appId).toBe('wxsandbox000000001');
    expect(json.pages).toContain('pages/index/index');
    const control = json.control as { method: string; path: string; summary: string }[];
    expect(control.map((c) => `${c.method} ${c.path}`)).toEqual(
      expect.arrayContaining([
        'POST /__sim/subscribe',
        'POST /__sim/unsubscribe',
        'POST /__sim/errors',
        'POST /__sim/tokens/expire',
        'POST /__sim/tokens/rotate',
        'GET /__sim/counters',
        'GET /__sim/credits',
        'GET /__sim/inbox',
        'POST /__sim/reset',
        'POST /__sim/login',
        'GET /__sim/quota',
        'POST /__sim/quota',
      ]),
    );
    for (const entry of control) expect(entry.summary.length).toBeGreaterThan(10);
    expect(json.wechatApi).toEqual(expect.arrayContaining([{ method: 'POST', path: SEND }]));
    expect((await h.get('/__sim')).status).toBe(200);
  });

  it('unknown control paths are 404, wrong methods 405, unknown WeChat paths HTTP 404 {errcode: 404}', async () => {
    const unknownControl = await h.get('/__sim/nope');
    expect(unknownControl.status).toBe(404);
    expect(unknownControl.json.message).toMatch(/^no control endpoint \/__sim\/nope/);
    const wrongMethod = await h.get('/__sim/reset');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json.message).toBe('/__sim/reset takes POST');
    const unknownApi = await h.get('/cgi-bin/nope', { access_token: token });
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.json.errcode).toBe(404);
    expect(unknownApi.json.errmsg).toMatch(/ rid: /);
  });
});
