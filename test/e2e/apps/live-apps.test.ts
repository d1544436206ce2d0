import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TemplateNameClashError } from '../../../src/build-schema.js';
import { projectFile } from '../../../src/shared/project-file.js';
import { dataOf, errorOf, newOpenid, type GqlResult } from '../../helpers/api.js';
import {
  CLINIC_TEMPLATE_IDS,
  DEMO_TEMPLATE_IDS as TEMPLATE_IDS,
} from '../../helpers/demo-templates.js';
import {
  AUDIT_DATA,
  CLINIC_DATA,
  listOf,
  SEND_IN,
  SUBSCRIBE_IN,
  SUBSCRIPTIONS_OF,
  SYNC_OF,
  TEMPLATE_OF,
  TEMPLATES_OF,
  type AppMessage,
  type AppSubscription,
} from '../../helpers/apps.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { postPush, recorded, sealRaw, nowSeconds } from '../../helpers/push-harness.js';
import { startWeChatStub, type WeChatStub } from '../../helpers/wechat-stub.js';

const ADMIN = 'admin-live-apps-Kx7pQ2vR9sT4';
const SHOP = { appId: 'wxshop00000000001', appSecret: 'shop-secret-0123456789abcdef' };
const CLINIC = { appId: 'wxclinic000000002', appSecret: 'clinic-secret-0123456789abcd' };
const PUSH_TOKENS = { shop: 'ShopPushToken01', clinic: 'ClinicPushToken02' };
/** The template id popup.json was recorded with. */
const RECORDED_TEMPLATE = 'hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68';

/** Two live apps from a WECHAT_APPS_FILE, both against one loopback WeChat with their own credentials. */
function appsFile(stub: WeChatStub, clinicTemplates = 'demo-clinic.json') {
  return {
    apps: [
      {
        name: 'shop',
        appId: SHOP.appId,
        appSecret: '${SHOP_APP_SECRET}',
        apiBase: stub.url,
        templatesFile: projectFile('templates', 'demo.json'),
        push: { token: '${SHOP_PUSH_TOKEN}' },
      },
      {
        name: 'clinic',
        appId: CLINIC.appId,
        appSecret: '${CLINIC_APP_SECRET}',
        apiBase: stub.url,
        templatesFile: projectFile('templates', clinicTemplates),
        push: { token: '${CLINIC_PUSH_TOKEN}' },
      },
    ],
  };
}
const ENV = {
  GATEWAY_API_KEYS: `admin:${ADMIN}`,
  SHOP_APP_SECRET: SHOP.appSecret,
  CLINIC_APP_SECRET: CLINIC.appSecret,
  SHOP_PUSH_TOKEN: PUSH_TOKENS.shop,
  CLINIC_PUSH_TOKEN: PUSH_TOKENS.clinic,
};

describe('two live apps from WECHAT_APPS_FILE, no DEFAULT_APP', () => {
  let stub: WeChatStub;
  let t: TestGateway;
  const call = (query: string, variables: Record<string, unknown> = {}) =>
    t.gql(query, variables, { key: ADMIN });

  beforeAll(async () => {
    stub = await startWeChatStub({ apps: [SHOP, CLINIC] });
    t = await startTestGateway({ appsFile: appsFile(stub), env: ENV });
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
  });

  it('serves each app at its own push path', () => {
    expect(t.gateway.apps).toEqual([
      { name: 'shop', appId: SHOP.appId, pushUrl: `${t.gateway.url}/wechat/push/shop` },
      { name: 'clinic', appId: CLINIC.appId, pushUrl: `${t.gateway.url}/wechat/push/clinic` },
    ]);
  });

  it.each([
    ['template', TEMPLATE_OF, { id: 'AuditResult' }],
    ['syncTemplates', SYNC_OF, {}],
    [
      'subscribe',
      SUBSCRIBE_IN,
      {
        input: { openid: newOpenid(), results: [{ templateId: 'AuditResult', status: 'ACCEPT' }] },
      },
    ],
    [
      'sendSubscribeMessage',
      SEND_IN,
      { input: { openid: newOpenid(), templateId: 'AuditResult', data: AUDIT_DATA } },
    ],
  ])(
    '%s without app, for a key that sees both apps, is BAD_USER_INPUT naming app',
    async (_op, query, variables) => {
      const error = errorOf(await call(query, variables), 'BAD_USER_INPUT');
      expect(error.extensions?.field).toBe('app');
      expect(error.message).toMatch(/app is required.*shop, clinic/);
      expect(stub.counts.sends).toBe(0);
    },
  );

  it('lists without app still cover both apps', async () => {
    const { templates } = dataOf(
      (await call(TEMPLATES_OF)) as GqlResult<{ templates: { app: { name: string } }[] }>,
    );
    expect(new Set(templates.map((x) => x.app.name))).toEqual(new Set(['shop', 'clinic']));
  });

  it('sends through each app’s own credentials and token', async () => {
    const openid = newOpenid();
    for (const [app, templateId, data] of [
      ['shop', 'AuditResult', AUDIT_DATA],
      ['clinic', 'VisitReminder', CLINIC_DATA.VisitReminder],
    ] as const) {
      dataOf(
        await call(SUBSCRIBE_IN, {
          input: { app, openid, results: [{ templateId, status: 'ACCEPT' }] },
        }),
      );
      const sent = dataOf(
        (await call(SEND_IN, { input: { app, openid, templateId, data } })) as GqlResult<{
          sendSubscribeMessage: AppMessage;
        }>,
      ).sendSubscribeMessage;
      expect(sent).toMatchObject({ status: 'SENT', app: { name: app } });
    }
    expect(stub.countsByApp[SHOP.appId]).toMatchObject({ stable: 1, sendOk: 1 });
    expect(stub.countsByApp[CLINIC.appId]).toMatchObject({ stable: 1, sendOk: 1 });
  });

  describe('push endpoints per app', () => {
    function popup(openid: string, templateId: string, token: string) {
      const plain = recorded('popup.json', {
        openid,
        templates: { [RECORDED_TEMPLATE]: templateId },
        createTime: Number(nowSeconds()),
      });
      return sealRaw(plain, { format: 'json', mode: 'plaintext', token });
    }
    const ledger = (app: string, openid: string) =>
      listOf<AppSubscription>(
        t,
        SUBSCRIPTIONS_OF,
        'subscriptions',
        { app, filter: { openid } },
        ADMIN,
      );

    it('a push signed with the other app’s token is refused and changes nothing', async () => {
      const openid = newOpenid();
      const clinicUrl = `${t.gateway.url}/wechat/push/clinic`;
      const shopUrl = `${t.gateway.url}/wechat/push/shop`;
      const forged = await postPush(
        clinicUrl,
        popup(openid, CLINIC_TEMPLATE_IDS.VisitReminder, PUSH_TOKENS.shop),
      );
      expect(forged.status).toBe(401);
      const forged2 = await postPush(
        shopUrl,
        popup(openid, TEMPLATE_IDS.AuditResult, PUSH_TOKENS.clinic),
      );
      expect(forged2.status).toBe(401);
      expect(await ledger('clinic', openid)).toEqual([]);
      expect(await ledger('shop', openid)).toEqual([]);
      // The URL verification (GET) is refused the same way.
      const verify = popup(openid, TEMPLATE_IDS.AuditResult, PUSH_TOKENS.shop).query;
      verify.set('echostr', '7413948213051287455');
      expect((await fetch(`${clinicUrl}?${verify}`)).status).toBe(401);
    });

    it('a push signed with its own app’s token lands in that app’s ledger only', async () => {
      const openid = newOpenid();
      const ok = await postPush(
        `${t.gateway.url}/wechat/push/clinic`,
        popup(openid, CLINIC_TEMPLATE_IDS.VisitReminder, PUSH_TOKENS.clinic),
      );
      expect(ok).toEqual({ status: 200, text: 'success' });
      const entries = await ledger('clinic', openid);
      expect(entries.map((x) => [x.templateId, x.app.name])).toEqual([
        [CLINIC_TEMPLATE_IDS.VisitReminder, 'clinic'],
      ]);
      expect(await ledger('shop', openid)).toEqual([]);
    });

    it('/wechat/push, the single-app path, is not served with an apps file', async () => {
      const response = await fetch(`${t.gateway.url}/wechat/push`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(404);
    });
  });
});

describe('the single-app variables: one app named default, no app argument needed', () => {
  let stub: WeChatStub;
  let t: TestGateway;
  beforeAll(async () => {
    stub = await startWeChatStub();
    t = await startTestGateway({
      env: {
        WECHAT_APP_ID: stub.appId,
        WECHAT_APP_SECRET: stub.appSecret,
        WECHAT_API_BASE: stub.url,
        TEMPLATES_FILE: projectFile('templates', 'demo.json'),
        GATEWAY_API_KEYS: `admin:${ADMIN}`,
        WECHAT_PUSH_TOKEN: PUSH_TOKENS.shop,
        LEDGER_SOURCE: 'client',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
  });

  it('serves app default at /wechat/push and acts on it without app', async () => {
    expect(t.gateway.apps).toEqual([
      { name: 'default', appId: stub.appId, pushUrl: `${t.gateway.url}/wechat/push` },
    ]);
    const call = (query: string, variables: Record<string, unknown> = {}) =>
      t.gql(query, variables, { key: ADMIN });
    const { apps } = dataOf(
      (await call('{ apps { name appId } }')) as GqlResult<{ apps: unknown[] }>,
    );
    expect(apps).toEqual([{ name: 'default', appId: stub.appId }]);
    const openid = newOpenid();
    const [entry] = dataOf(
      (await call(SUBSCRIBE_IN, {
        input: { openid, results: [{ templateId: 'AuditResult', status: 'ACCEPT' }] },
      })) as GqlResult<{ subscribe: AppSubscription[] }>,
    ).subscribe;
    expect(entry).toMatchObject({ remaining: 1, app: { name: 'default', appId: stub.appId } });
    const sent = dataOf(
      (await call(SEND_IN, {
        input: { openid, templateId: 'AuditResult', data: AUDIT_DATA },
      })) as GqlResult<{ sendSubscribeMessage: AppMessage }>,
    ).sendSubscribeMessage;
    expect(sent).toMatchObject({ status: 'SENT', app: { name: 'default' } });
    const found = dataOf(
      (await call(TEMPLATE_OF, { id: 'AuditResult' })) as GqlResult<{
        template: { app: { name: string } };
      }>,
    );
    expect(found.template.app.name).toBe('default');
    const verify = sealRaw('', {
      format: 'json',
      mode: 'plaintext',
      token: PUSH_TOKENS.shop,
    }).query;
    verify.set('echostr', '42');
    const response = await fetch(`${t.gateway.url}/wechat/push?${verify}`);
    expect(await response.text()).toBe('42');
  });
});

describe('template names across apps', () => {
  it('a name used by two apps is a start-up error naming both apps and saying to set a name', async () => {
    const stub = await startWeChatStub({ apps: [SHOP, CLINIC] });
    try {
      const start = startTestGateway({ appsFile: appsFile(stub, 'demo.json'), env: ENV });
      await expect(start).rejects.toBeInstanceOf(TemplateNameClashError);
      await expect(start).rejects.toThrow(/AuditResult is a template of both shop and clinic/);
      await expect(start).rejects.toThrow(/another "name"/);
    } finally {
      await stub.close();
    }
  });
});
