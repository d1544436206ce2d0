import { describe, expect, it } from '@jest/globals';
import {
  dataOf,
  errorOf,
  grantCredits,
  newOpenid,
  send,
  sendCalls,
  sendValid,
} from '../../helpers/api.js';
import { TEMPLATES } from '../../helpers/operations.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';
import { DEMO_TEMPLATE_IDS, type DemoTemplate, VALID_DATA } from '../../helpers/demo-templates.js';

/** One passing and one failing value for every keyword kind the demo templates use. */
const CASES: [kind: string, template: DemoTemplate, key: string, pass: string, fail: string][] = [
  ['phrase', 'AuditResult', 'phrase2', '通过', '审核已经通过了'],
  ['thing', 'AuditResult', 'thing3', '二十个字以内的备注', 'x'.repeat(21)],
  ['character_string', 'OrderShipped', 'character_string1', 'SO-2024_05/18', '订单123'],
  ['date', 'OrderShipped', 'date3', '2024-05-18', '2024-13-01'],
  ['short_thing', 'OrderShipped', 'short_thing4', '京东快递', '顺丰速运快递'],
  ['phone_number', 'OrderShipped', 'phone_number5', '+86-0766-66888866', '400-800-8888转1'],
  ['name', 'AppointmentReminder', 'name1', '欧阳·娜娜', '李明2'],
  ['car_number', 'AppointmentReminder', 'car_number2', '粤A8Z888挂', '粤A-8888'],
  ['time', 'AppointmentReminder', 'time3', '14:00', '25:00'],
  ['amount', 'PaymentSuccess', 'amount1', '$99.50', '99.50'],
  ['enum_string', 'PaymentSuccess', 'enum_string2', '余额支付', '支付宝'],
  ['number', 'CourseGradeReleased', 'number2', '100', '九十'],
  ['letter', 'CourseGradeReleased', 'letter3', 'B', 'B1'],
  ['symbol', 'CourseGradeReleased', 'symbol4', '★', 'A'],
];

type Rules = Map<string, { kind: string; rule: string }>;

describeEachStore('template data validation through sendSubscribeMessage', (store) => {
  const gateway = useGateway(store);
  let rules: Rules | undefined;
  const rulesOf = async (): Promise<Rules> => {
    if (!rules) {
      const { templates } = dataOf(
        await gateway().gql<{
          templates: { name: string; fields: { key: string; kind: string; rule: string }[] }[];
        }>(TEMPLATES),
      );
      rules = new Map(
        templates.flatMap((t) => t.fields.map((f) => [`${t.name}.${f.key}`, f] as const)),
      );
    }
    return rules;
  };

  it('covers every keyword kind of the demo templates', async () => {
    const kinds = new Set([...(await rulesOf()).values()].map((field) => field.kind));
    expect([...kinds].sort()).toEqual(CASES.map(([kind]) => kind).sort());
  });

  describe.each(CASES)('%s', (kind, template, key, pass, fail) => {
    it(`accepts ${JSON.stringify(pass)} and WeChat sends it`, async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, template, 1);
      const data = { ...VALID_DATA[template], [key]: pass };
      const { sendSubscribeMessage } = dataOf(
        await send(t, { openid, templateId: template, data }),
      );
      expect(sendSubscribeMessage).toMatchObject({ status: 'SENT', errcode: null, data });
      expect(sendSubscribeMessage.msgid).toMatch(/^\d+$/);
    });

    it(`refuses ${JSON.stringify(fail)} naming ${key}, its kind and rule, without calling WeChat`, async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, template, 1);
      const before = await sendCalls(t);
      const result = await send(t, {
        openid,
        templateId: template,
        data: { ...VALID_DATA[template], [key]: fail },
      });
      const error = errorOf(result, 'BAD_USER_INPUT');
      expect(result.body.data).toBeNull();
      expect(error.extensions?.field).toBe(key);
      const field = (await rulesOf()).get(`${template}.${key}`)!;
      expect(field.kind).toBe(kind);
      expect(error.message).toContain(key);
      expect(error.message).toContain(`${kind}:`);
      expect(error.message).toContain(field.rule);
      expect(await sendCalls(t)).toBe(before);
    });
  });

  it('refuses an empty value, naming the key', async () => {
    const t = gateway();
    const before = await sendCalls(t);
    const result = await send(t, {
      openid: newOpenid(),
      templateId: 'AuditResult',
      data: { phrase2: '通过', thing3: '   ' },
    });
    const error = errorOf(result, 'BAD_USER_INPUT');
    expect(error.extensions?.field).toBe('thing3');
    expect(error.message).toMatch(/empty/);
    expect(await sendCalls(t)).toBe(before);
  });

  it('refuses a missing key, naming it', async () => {
    const t = gateway();
    const before = await sendCalls(t);
    const error = errorOf(
      await send(t, { openid: newOpenid(), templateId: 'AuditResult', data: { phrase2: '通过' } }),
      'BAD_USER_INPUT',
    );
    expect(error.extensions?.field).toBe('thing3');
    expect(error.message).toMatch(/thing3.*missing/);
    expect(await sendCalls(t)).toBe(before);
  });

  it('refuses a key the template does not have, naming it', async () => {
    const t = gateway();
    const before = await sendCalls(t);
    const error = errorOf(
      await send(t, {
        openid: newOpenid(),
        templateId: 'AuditResult',
        data: { ...VALID_DATA.AuditResult, thing9: '多余' },
      }),
      'BAD_USER_INPUT',
    );
    expect(error.extensions?.field).toBe('thing9');
    expect(error.message).toContain('thing9');
    expect(await sendCalls(t)).toBe(before);
  });

  it.each([
    ['a number', 5],
    ['a boolean', true],
    ['null', null],
    ['an array', ['通过']],
    ['an object without value', { text: '通过' }],
  ])('refuses %s as a value, naming the key', async (_what, value) => {
    const t = gateway();
    const before = await sendCalls(t);
    const error = errorOf(
      await send(t, {
        openid: newOpenid(),
        templateId: 'AuditResult',
        data: { phrase2: value, thing3: '资料齐全' },
      }),
      'BAD_USER_INPUT',
    );
    expect(error.extensions?.field).toBe('phrase2');
    expect(await sendCalls(t)).toBe(before);
  });

  it('accepts WeChat’s { value: "…" } form and records plain strings', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 1);
    const { sendSubscribeMessage } = dataOf(
      await send(t, {
        openid,
        templateId: 'AuditResult',
        data: { phrase2: { value: '已通过' }, thing3: { value: '资料齐全' } },
      }),
    );
    expect(sendSubscribeMessage).toMatchObject({ status: 'SENT', data: VALID_DATA.AuditResult });
  });

  it('validates the { value } form too', async () => {
    const t = gateway();
    const error = errorOf(
      await send(t, {
        openid: newOpenid(),
        templateId: 'AuditResult',
        data: { phrase2: { value: '审核已经通过了' }, thing3: { value: '资料齐全' } },
      }),
      'BAD_USER_INPUT',
    );
    expect(error.extensions?.field).toBe('phrase2');
  });

  it('answers TEMPLATE_NOT_FOUND for an unknown template, without calling WeChat', async () => {
    const t = gateway();
    const before = await sendCalls(t);
    const error = errorOf(
      await send(t, { openid: newOpenid(), templateId: 'NoSuchTemplate', data: { thing1: 'x' } }),
      'TEMPLATE_NOT_FOUND',
    );
    expect(error.message).toContain('NoSuchTemplate');
    expect(await sendCalls(t)).toBe(before);
  });

  it.each([
    ['its name', 'AuditResult'],
    ['its WeChat id', DEMO_TEMPLATE_IDS.AuditResult],
  ])('addresses a template by %s', async (_how, templateId) => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 1);
    const { sendSubscribeMessage } = dataOf(
      await send(t, { openid, templateId, data: VALID_DATA.AuditResult }),
    );
    expect(sendSubscribeMessage).toMatchObject({
      status: 'SENT',
      templateId: DEMO_TEMPLATE_IDS.AuditResult,
    });
  });

  it('validates the typed send<Name> mutations the same way', async () => {
    const t = gateway();
    const openid = newOpenid();
    await grantCredits(t, openid, 'OrderShipped', 1);
    const mutation = `mutation($input: SendOrderShippedInput!) { sendOrderShipped(input: $input) { status templateId errcode } }`;
    const before = await sendCalls(t);
    const bad = await t.gql(mutation, {
      input: { openid, data: { ...VALID_DATA.OrderShipped, short_thing4: '顺丰速运快递' } },
    });
    expect(errorOf(bad, 'BAD_USER_INPUT').extensions?.field).toBe('short_thing4');
    expect(await sendCalls(t)).toBe(before);
    const good = dataOf(
      await t.gql(mutation, { input: { openid, data: VALID_DATA.OrderShipped } }),
    );
    expect(good).toEqual({
      sendOrderShipped: {
        status: 'SENT',
        templateId: DEMO_TEMPLATE_IDS.OrderShipped,
        errcode: null,
      },
    });
  });

  it('rejects a typed send missing a keyword before any resolver runs', async () => {
    const t = gateway();
    const before = await sendCalls(t);
    const result = await t.gql(
      `mutation($input: SendAuditResultInput!) { sendAuditResult(input: $input) { id } }`,
      { input: { openid: newOpenid(), data: { phrase2: '通过' } } },
    );
    expect(result.body.errors?.[0]?.message).toContain('thing3');
    expect(await sendCalls(t)).toBe(before);
  });

  it('sends the demo data of every template when the user has subscribed', async () => {
    const t = gateway();
    const openid = newOpenid();
    for (const template of Object.keys(VALID_DATA) as DemoTemplate[]) {
      await grantCredits(t, openid, template, 1);
      expect(dataOf(await sendValid(t, openid, template)).sendSubscribeMessage.status).toBe('SENT');
    }
  });
});
