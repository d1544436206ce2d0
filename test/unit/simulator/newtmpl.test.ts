import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AUDIT,
  FIXTURE_TEMPLATES,
  PAYMENT,
  startSimulator,
  userOpenId,
  type Harness,
} from '../../helpers/sim-harness.js';

const NEWTMPL = '/wxaapi/newtmpl';

describe('simulator: /wxaapi/newtmpl template management', () => {
  let h: Harness;
  let token: string;
  beforeEach(async () => {
    h = await startSimulator();
    token = await h.classicToken();
  });
  afterEach(() => h.close());

  const get = (name: string, query: Record<string, string> = {}) =>
    h.get(`${NEWTMPL}/${name}`, { access_token: token, ...query });
  const post = (name: string, body: unknown) =>
    h.post(`${NEWTMPL}/${name}`, body, { access_token: token });

  it("gettemplate lists the private library in WeChat's shape (type 2/3, enum lists)", async () => {
    const { json } = await get('gettemplate');
    expect(json.errcode).toBe(0);
    expect(json.errmsg).toBe('ok');
    const data = json.data as Record<string, unknown>[];
    expect(data.map((item) => item.priTmplId)).toEqual(FIXTURE_TEMPLATES.map((t) => t.id));
    expect(data[0]).toEqual({
      priTmplId: AUDIT.id,
      title: '审核结果通知',
      content: '审核结果:{{phrase2.DATA}}\n备注:{{thing3.DATA}}\n',
      example: '审核结果:已通过\n备注:资料齐全\n',
      type: 2,
    });
    expect(data.find((item) => item.priTmplId === PAYMENT.id)!.keywordEnumValueList).toEqual([
      { keywordCode: 'enum_string2.DATA', enumValueList: ['微信支付', '余额支付'] },
    ]);
    expect(data.find((item) => item.title === '课程成绩发布通知')!.type).toBe(3);
  });

  it('checks the access token and answers a wrong method with 404', async () => {
    const noToken = await h.get(`${NEWTMPL}/gettemplate`);
    expect(noToken.json.errcode).toBe(41001);
    const wrongMethod = await post('gettemplate', {});
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.json.errcode).toBe(404);
    const getOnPost = await get('addtemplate');
    expect(getOnPost.status).toBe(404);
  });

  it('getcategory lists the account categories', async () => {
    const { json } = await get('getcategory');
    expect(json.errcode).toBe(0);
    expect(json.data).toEqual([
      { id: 2, name: '办公' },
      { id: 616, name: '公交' },
    ]);
  });

  it('getpubtemplatetitles pages through titles of the given categories', async () => {
    const all = await get('getpubtemplatetitles', { ids: '2,616', start: '0', limit: '30' });
    expect(all.json.errcode).toBe(0);
    const titles = all.json.data as {
      tid: number;
      title: string;
      type: number;
      categoryId: string;
    }[];
    expect(all.json.count).toBe(titles.length);
    // The demo templates' own titles are there, so they can be composed again.
    expect(titles.map((t) => t.title)).toEqual(
      expect.arrayContaining(['审核结果通知', '报名结果通知']),
    );
    expect(titles.find((t) => t.tid === 402)).toEqual({
      tid: 402,
      title: '乘车预约状态提醒',
      type: 3,
      categoryId: '616',
    });

    const page = await get('getpubtemplatetitles', { ids: '2', start: '1', limit: '2' });
    const inTwo = titles.filter((t) => t.categoryId === '2');
    expect(page.json.count).toBe(inTwo.length);
    expect(page.json.data).toEqual(inTwo.slice(1, 3));
  });

  it('getpubtemplatetitles validation: 200018 ids missing, 200019 ids invalid, 200016 start, 200017 limit', async () => {
    const cases: [Record<string, string>, number][] = [
      [{ start: '0', limit: '10' }, 200018],
      [{ ids: '2,x', start: '0', limit: '10' }, 200019],
      [{ ids: '2', limit: '10' }, 200016],
      [{ ids: '2', start: '-1', limit: '10' }, 200016],
      [{ ids: '2', start: '0' }, 200017],
      [{ ids: '2', start: '0', limit: '31' }, 200017],
      [{ ids: '2', start: '0', limit: '0' }, 200017],
    ];
    for (const [query, errcode] of cases) {
      const { json } = await get('getpubtemplatetitles', query);
      expect({ query, errcode: json.errcode }).toEqual({ query, errcode });
    }
  });

  it('getpubtemplatekeywords lists kid/name/example/rule; 200002 bad tid, 200014 unknown tid', async () => {
    const { json } = await get('getpubtemplatekeywords', { tid: '401' });
    expect(json.errcode).toBe(0);
    expect(json.count).toBe(7);
    expect((json.data as unknown[])[0]).toEqual({
      kid: 1,
      name: '活动名称',
      example: '周末读书会',
      rule: 'thing',
    });
    expect((await get('getpubtemplatekeywords', { tid: 'abc' })).json.errcode).toBe(200002);
    expect((await get('getpubtemplatekeywords')).json.errcode).toBe(200002);
    expect((await get('getpubtemplatekeywords', { tid: '99999' })).json.errcode).toBe(200014);
  });

  it('addtemplate composes a private template that gettemplate lists and send accepts', async () => {
    const added = await post('addtemplate', {
      tid: '401',
      kidList: [5, 1],
      sceneDesc: '报名成功后通知',
    });
    expect(added.json).toEqual({ errmsg: 'ok', errcode: 0, priTmplId: expect.any(String) });
    expect(added.text.startsWith('{"errmsg":"ok","errcode":0,"priTmplId":')).toBe(true);
    const id = added.json.priTmplId as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const list = (await get('gettemplate')).json.data as Record<string, unknown>[];
    expect(list.find((item) => item.priTmplId === id)).toEqual({
      priTmplId: id,
      title: '报名结果通知',
      content: '报名状态:{{phrase5.DATA}}\n活动名称:{{thing1.DATA}}\n',
      example: '报名状态:报名成功\n活动名称:周末读书会\n',
      type: 2,
    });

    const alice = userOpenId('alice');
    await h.accept(alice, id);
    const send = await h.send(token, {
      touser: alice,
      template_id: id,
      data: { phrase5: { value: '报名成功' }, thing1: { value: '读书会' } },
    });
    expect(send.json.errcode).toBe(0);
  });

  it('addtemplate carries enum values of enum keywords into keywordEnumValueList', async () => {
    const added = await post('addtemplate', { tid: 402, kidList: [1, 5], sceneDesc: '预约' });
    const item = ((await get('gettemplate')).json.data as Record<string, unknown>[]).find(
      (t) => t.priTmplId === added.json.priTmplId,
    )!;
    expect(item.type).toBe(3);
    expect(item.keywordEnumValueList).toEqual([
      { keywordCode: 'enum_string5.DATA', enumValueList: ['已预约', '已取消', '已完成'] },
    ]);
  });

  it('addtemplate validation: 47001, 200014 tid, 200020 kidList, 200021 sceneDesc, 200022 duplicate', async () => {
    const cases: [unknown, number][] = [
      ['tid=401', 47001],
      [{ tid: '77777', kidList: [1, 2] }, 200014],
      [{ kidList: [1, 2] }, 200014],
      [{ tid: '401', kidList: [1] }, 200020],
      [{ tid: '401', kidList: [1, 2, 3, 4, 5, 6] }, 200020],
      [{ tid: '401', kidList: [1, 1] }, 200020],
      [{ tid: '401', kidList: [1, 99] }, 200020],
      [{ tid: '401', kidList: '1,2' }, 200020],
      [
        { tid: '401', kidList: [1, 2], sceneDesc: '这是一个超过十五个字的场景描述文字内容' },
        200021,
      ],
      [{ tid: '401', kidList: [1, 2], sceneDesc: 7 }, 200021],
    ];
    for (const [body, errcode] of cases) {
      const { json } = await post('addtemplate', body);
      expect({ body, errcode: json.errcode }).toEqual({ body, errcode });
    }
    // The audit template's public title, composed with the same keywords again.
    const titles = (await get('getpubtemplatetitles', { ids: '2', start: '0', limit: '30' })).json
      .data as { tid: number; title: string }[];
    const auditTid = titles.find((t) => t.title === '审核结果通知')!.tid;
    const keywords = (await get('getpubtemplatekeywords', { tid: String(auditTid) })).json.data as {
      kid: number;
      rule: string;
    }[];
    const kids = keywords
      .filter((k) => `${k.rule}${k.kid}` === 'phrase2' || `${k.rule}${k.kid}` === 'thing3')
      .map((k) => k.kid);
    expect(kids).toHaveLength(2);
    expect(
      (await post('addtemplate', { tid: auditTid, kidList: kids.reverse() })).json.errcode,
    ).toBe(200022);
  });

  it('addtemplate refuses a 26th private template with 200012', async () => {
    const combos: number[][] = [];
    for (let a = 1; a <= 7; a += 1) for (let b = a + 1; b <= 7; b += 1) combos.push([a, b]);
    let added = 0;
    for (const kidList of combos) {
      const { json } = await post('addtemplate', { tid: '401', kidList });
      if (json.errcode === 0) added += 1;
      else {
        expect(json.errcode).toBe(200012);
        break;
      }
    }
    expect(FIXTURE_TEMPLATES.length + added).toBe(25);
  });

  it('deltemplate removes a template: later sends answer 40037; 20002 bad body, 200014 unknown id', async () => {
    const alice = userOpenId('alice');
    await h.accept(alice, AUDIT.id);
    expect((await post('deltemplate', { priTmplId: AUDIT.id })).json).toEqual({
      errmsg: 'ok',
      errcode: 0,
    });
    const ids = ((await get('gettemplate')).json.data as { priTmplId: string }[]).map(
      (t) => t.priTmplId,
    );
    expect(ids).not.toContain(AUDIT.id);
    const send = await h.send(token, {
      touser: alice,
      template_id: AUDIT.id,
      data: { phrase2: { value: '通过' }, thing3: { value: 'x' } },
    });
    expect(send.json.errcode).toBe(40037);
    expect((await post('deltemplate', {})).json.errcode).toBe(20002);
    expect((await post('deltemplate', { priTmplId: AUDIT.id })).json.errcode).toBe(200014);
    expect((await post('deltemplate', 'x')).json.errcode).toBe(47001);
  });
});
