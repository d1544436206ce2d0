import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseTemplate } from '../../../src/services/templates/index.js';
import { demoOpenid, startTestGateway, type TestGateway } from '../../helpers/gateway.js';

const NEW_TEMPLATE = parseTemplate(
  {
    priTmplId: 'NewTmpl0000000000000000000000000000000000001',
    title: '活动报名成功通知',
    content: '活动名称:{{thing1.DATA}}\n开始时间:{{time2.DATA}}\n',
    example: '活动名称:周末读书会\n开始时间:2026年12月05日 14:00\n',
    type: 2,
  },
  'test',
);

const mutationNames = async (t: TestGateway): Promise<string[]> => {
  const result = await t.gql<{ __schema: { mutationType: { fields: { name: string }[] } } }>(
    '{ __schema { mutationType { fields { name } } } }',
  );
  return result.body.data!.__schema.mutationType.fields.map((f) => f.name);
};

describe('syncTemplates', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('serves the typed send mutation of a template WeChat added, without a restart', async () => {
    const name = `Tmpl_${NEW_TEMPLATE.id}`;
    expect(await mutationNames(t)).not.toContain(`send${name}`);

    t.gateway.simulator!.instance.state.library.add(NEW_TEMPLATE);
    const synced = await t.gql<{ syncTemplates: { id: string; name: string }[] }>(
      'mutation { syncTemplates { id name } }',
    );
    expect(synced.body.data!.syncTemplates).toContainEqual({ id: NEW_TEMPLATE.id, name });
    expect(await mutationNames(t)).toContain(`send${name}`);

    const openid = demoOpenid(7001);
    await t.gql(
      `mutation($o: String!, $t: ID!) { subscribe(input: { openid: $o, results: [{ templateId: $t, status: ACCEPT }] }) { remaining } }`,
      { o: openid, t: NEW_TEMPLATE.id },
    );
    const sent = await t.gql<{ [key: string]: { status: string; msgid: string } }>(
      `mutation($o: String!) { send${name}(input: { openid: $o, data: { thing1: "周末读书会", time2: "2026年12月05日 14:00" } }) { status msgid } }`,
      { o: openid },
    );
    expect(sent.body.errors).toBeUndefined();
    expect(sent.body.data![`send${name}`]).toMatchObject({ status: 'SENT' });
  });
});

describe('syncTemplates when another app already has a template of that name', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  const templateNames = async (app: string) =>
    (
      await t.gql<{ templates: { name: string }[] }>(
        'query($app: ID) { templates(app: $app) { name } }',
        { app },
      )
    ).body.data!.templates.map((x) => x.name);

  it('is TEMPLATE_NAME_CLASH naming both apps, and the app keeps its templates and the schema its mutations', async () => {
    // The same private template in both demo apps' WeChat: its derived name would be in both.
    for (const app of ['shop', 'clinic'])
      t.gateway.simulators.get(app)!.instance.state.library.add(NEW_TEMPLATE);
    const name = `Tmpl_${NEW_TEMPLATE.id}`;
    const sync = (app: string) =>
      t.gql<{ syncTemplates: { name: string }[] }>(
        'mutation($app: ID) { syncTemplates(app: $app) { name } }',
        { app },
      );

    expect((await sync('shop')).body.errors).toBeUndefined();
    const clinicBefore = await templateNames('clinic');
    const clash = await sync('clinic');
    expect(clash.body.errors?.[0]?.extensions?.code).toBe('TEMPLATE_NAME_CLASH');
    expect(clash.body.errors?.[0]?.message).toContain(
      `${name} is a template of both shop and clinic`,
    );

    expect(await templateNames('clinic')).toEqual(clinicBefore);
    expect(await templateNames('shop')).toContain(name);
    expect(await mutationNames(t)).toContain(`send${name}`);
    // The failed sync left nothing behind: the next one runs.
    expect((await sync('shop')).body.errors).toBeUndefined();
  });
});
