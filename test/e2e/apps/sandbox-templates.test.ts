import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataOf, errorOf, newOpenid, type GqlResult } from '../../helpers/api.js';
import { SEND_IN, SUBSCRIBE_IN, TEMPLATES_OF, type AppMessage } from '../../helpers/apps.js';
import { startTestGateway, writeAppsFile, type TestGateway } from '../../helpers/gateway.js';

const CUSTOM = {
  templates: [
    {
      priTmplId: 'CustomTmpl000000000000000000000000000000001',
      name: 'CustomNotice',
      title: '自定义通知',
      content: '内容:{{thing1.DATA}}\n',
      example: '内容:测试\n',
      type: 2,
    },
  ],
};

/** The sandbox with its own TEMPLATES_FILE: the shop simulator serves exactly those templates. */
describe('sandbox with its own TEMPLATES_FILE', () => {
  let t: TestGateway;
  let file: { path: string; remove(): void };
  beforeAll(async () => {
    // writeAppsFile writes any JSON document to a temporary file.
    file = writeAppsFile(CUSTOM);
    t = await startTestGateway({ env: { TEMPLATES_FILE: file.path } });
  });
  afterAll(async () => {
    await t?.close();
    file?.remove();
  });

  it('serves exactly the file’s templates for the first demo app, the demo ones for clinic', async () => {
    const names = async (app: string) =>
      dataOf(
        (await t.gql(TEMPLATES_OF, { app })) as GqlResult<{ templates: { name: string }[] }>,
      ).templates.map((x) => x.name);
    expect(await names('shop')).toEqual(['CustomNotice']);
    expect((await names('clinic')).sort()).toEqual(['LabReportReady', 'VisitReminder']);
  });

  it('subscribes and sends with the file’s template', async () => {
    const openid = newOpenid();
    dataOf(
      await t.gql(SUBSCRIBE_IN, {
        input: { openid, results: [{ templateId: 'CustomNotice', status: 'ACCEPT' }] },
      }),
    );
    const sent = dataOf(
      (await t.gql(SEND_IN, {
        input: { openid, templateId: 'CustomNotice', data: { thing1: '你好' } },
      })) as GqlResult<{ sendSubscribeMessage: AppMessage }>,
    ).sendSubscribeMessage;
    expect(sent).toMatchObject({ status: 'SENT', errcode: null, app: { name: 'shop' } });
  });

  it('an unknown template is TEMPLATE_NOT_FOUND, for subscribe and send', async () => {
    const openid = newOpenid();
    errorOf(
      await t.gql(SUBSCRIBE_IN, {
        input: { openid, results: [{ templateId: 'AuditResult', status: 'ACCEPT' }] },
      }),
      'TEMPLATE_NOT_FOUND',
    );
    errorOf(
      await t.gql(SEND_IN, {
        input: { openid, templateId: 'NoSuchTemplate', data: { thing1: 'x' } },
      }),
      'TEMPLATE_NOT_FOUND',
    );
  });
});

/** A templates file with mistakes: start-up names the setting that points at it and the app. */
describe('a templates file the gateway cannot use', () => {
  const BAD = { templates: [{ priTmplId: 'BadTmpl0000000000000000000000000000000000001' }] };

  it('in the sandbox, is TEMPLATES_FILE’s mistake, not the simulator’s', async () => {
    const file = writeAppsFile(BAD);
    try {
      const error = await startTestGateway({ env: { TEMPLATES_FILE: file.path } }).then(
        async (started) => {
          await started.close();
          return new Error('the gateway started');
        },
        (e: unknown) => e as Error,
      );
      expect(error.message).toMatch(
        new RegExp(`^Invalid templates in TEMPLATES_FILE \\(app "shop"\\) \\(${file.path}\\)`),
      );
      expect(error.message).toMatch(/title is missing/);
      expect(error.message).not.toMatch(/simulator/);
    } finally {
      file.remove();
    }
  });

  it('from WECHAT_APPS_FILE, names the app and its templatesFile', async () => {
    const templates = writeAppsFile(BAD);
    try {
      const error = await startTestGateway({
        env: { GATEWAY_API_KEYS: 'admin:admin-key-0123456789' },
        appsFile: {
          apps: [
            {
              name: 'clinic',
              appId: 'wxclinic0000000002',
              appSecret: 'clinic-secret-0001',
              templatesFile: templates.path,
            },
          ],
        },
      }).then(
        async (started) => {
          await started.close();
          return new Error('the gateway started');
        },
        (e: unknown) => e as Error,
      );
      expect(error.message).toMatch(
        /^Invalid templates in the templatesFile of app "clinic" in WECHAT_APPS_FILE \(/,
      );
      expect(error.message).toMatch(/title is missing/);
    } finally {
      templates.remove();
    }
  });
});
