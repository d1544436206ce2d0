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
