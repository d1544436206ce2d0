import { expect, it } from '@jest/globals';
import { dataOf, errorOf, newOpenid } from '../../helpers/api.js';
import {
  CLINIC_TEMPLATE_IDS,
  DEMO_TEMPLATE_IDS as TEMPLATE_IDS,
} from '../../helpers/demo-templates.js';
import {
  APPS_QUERY,
  AUDIT_DATA,
  CLINIC_DATA,
  listOf,
  MESSAGE_BY_ID,
  MESSAGES_OF,
  SEND_IN,
  SEND_AUDIT_RESULT,
  SEND_VISIT_REMINDER,
  SYNC_OF,
  SUBSCRIBE_IN,
  SUBSCRIPTIONS_OF,
  TEMPLATES_OF,
  walkConnection,
  type AppMessage,
  type AppRef,
  type AppSubscription,
} from '../../helpers/apps.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';

/**
 * The sandbox serves two demo apps, `shop` (the default) and `clinic`, each with its own embedded
 * simulator and templates: one gateway, one store, two ledgers and two message logs.
 */
describeEachStore('two apps in one gateway', (store) => {
  const gateway = useGateway(store);
  let shop: AppRef;
  let clinic: AppRef;
  const refs = (t: TestGateway) => {
    const [a, b] = t.gateway.apps;
    shop = { name: a!.name, appId: a!.appId };
    clinic = { name: b!.name, appId: b!.appId };
  };

  async function subscribeIn(app: string | undefined, openid: string, templateId: string) {
    const t = gateway();
    return dataOf(
      await t.gql<{ subscribe: AppSubscription[] }>(SUBSCRIBE_IN, {
        input: { app, openid, results: [{ templateId, status: 'ACCEPT' }] },
      }),
    ).subscribe;
  }

  async function sendIn(
    app: string | undefined,
    openid: string,
    templateId: string,
    data: Record<string, string>,
  ): Promise<AppMessage> {
    const t = gateway();
    return dataOf(
      await t.gql<{ sendSubscribeMessage: AppMessage }>(SEND_IN, {
        input: { app, openid, templateId, data },
      }),
    ).sendSubscribeMessage;
  }

  it('lists both apps with their own templates, and templates carry their app', async () => {
    const t = gateway();
    refs(t);
    expect(shop.name).toBe('shop');
    expect(clinic.name).toBe('clinic');
    expect(shop.appId).not.toBe(clinic.appId);
    const { apps } = dataOf(
      await t.gql<{ apps: (AppRef & { templates: { name: string }[] })[] }>(APPS_QUERY),
    );
    expect(apps.map(({ name, appId }) => ({ name, appId }))).toEqual([shop, clinic]);
    expect(apps[1]!.templates.map((x) => x.name).sort()).toEqual([
      'LabReportReady',
      'VisitReminder',
    ]);
    expect(apps[0]!.templates.map((x) => x.name)).toContain('AuditResult');

    const all = dataOf(
      await t.gql<{ templates: { name: string; app: AppRef }[] }>(TEMPLATES_OF),
    ).templates;
    expect(all.find((x) => x.name === 'VisitReminder')?.app).toEqual(clinic);
    expect(all.find((x) => x.name === 'AuditResult')?.app).toEqual(shop);
    for (const app of [clinic.name, clinic.appId]) {
      const only = dataOf(
        await t.gql<{ templates: { name: string; app: AppRef }[] }>(TEMPLATES_OF, { app }),
      ).templates;
      expect(only.map((x) => x.app)).toEqual([clinic, clinic]);
    }
  });

  it('keeps ledgers and message logs apart; lists without app merge both; records carry their app', async () => {
    const t = gateway();
    refs(t);
    const openid = newOpenid();
    // Without app: the default app (shop).
    const [shopEntry] = await subscribeIn(undefined, openid, 'AuditResult');
    expect(shopEntry!.app).toEqual(shop);
    const [clinicEntry] = await subscribeIn('clinic', openid, 'VisitReminder');
    expect(clinicEntry!.app).toEqual(clinic);
    expect(clinicEntry!.templateId).toBe(CLINIC_TEMPLATE_IDS.VisitReminder);

    const shopMessage = await sendIn(undefined, openid, 'AuditResult', AUDIT_DATA);
    expect(shopMessage).toMatchObject({ status: 'SENT', app: shop });
    // Named by WeChat app id this time.
    const clinicMessage = await sendIn(
      clinic.appId,
      openid,
      'VisitReminder',
      CLINIC_DATA.VisitReminder,
    );
    expect(clinicMessage).toMatchObject({ status: 'SENT', app: clinic });

    // A template of one app is unknown to the other.
    const wrong = await t.gql(SEND_IN, {
      input: { app: 'clinic', openid, templateId: 'AuditResult', data: AUDIT_DATA },
    });
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe('TEMPLATE_NOT_FOUND');

    const filter = { openid };
    const inShop = await listOf<AppSubscription>(t, SUBSCRIPTIONS_OF, 'subscriptions', {
      app: 'shop',
      filter,
    });
    expect(inShop.map((x) => [x.templateId, x.app.name])).toEqual([
      [TEMPLATE_IDS.AuditResult, 'shop'],
    ]);
    const inClinic = await listOf<AppSubscription>(t, SUBSCRIPTIONS_OF, 'subscriptions', {
      app: 'clinic',
      filter,
    });
    expect(inClinic.map((x) => [x.templateId, x.app.name])).toEqual([
      [CLINIC_TEMPLATE_IDS.VisitReminder, 'clinic'],
    ]);
    expect(inClinic[0]!.remaining).toBe(0);
    const both = await listOf<AppSubscription>(t, SUBSCRIPTIONS_OF, 'subscriptions', { filter });
    expect(both.map((x) => x.app.name).sort()).toEqual(['clinic', 'shop']);

    const shopLog = await listOf<AppMessage>(t, MESSAGES_OF, 'messages', { app: 'shop', filter });
    expect(shopLog.map((x) => x.id)).toEqual([shopMessage.id]);
    const clinicLog = await listOf<AppMessage>(t, MESSAGES_OF, 'messages', {
      app: clinic.appId,
      filter,
    });
    expect(clinicLog.map((x) => x.id)).toEqual([clinicMessage.id]);
    const log = await listOf<AppMessage>(t, MESSAGES_OF, 'messages', { filter });
    expect(log.map((x) => [x.id, x.app.name])).toEqual([
      [clinicMessage.id, 'clinic'],
      [shopMessage.id, 'shop'],
    ]);

    // Lookups by id need no app: ids are unique across apps.
    const found = dataOf(
      await t.gql<{ message: AppMessage }>(MESSAGE_BY_ID, { id: clinicMessage.id }),
    );
    expect(found.message).toMatchObject({ id: clinicMessage.id, app: clinic });

    // Each send went to its own app's WeChat.
    const clinicInbox = await t.sim<{ calls: Record<string, number> }>(
      'counters',
      undefined,
      'clinic',
    );
    expect(clinicInbox.calls['/cgi-bin/message/subscribe/send']).toBeGreaterThanOrEqual(1);
  });

  it('a template of the other app: TEMPLATE_NOT_FOUND names the app searched and the app that has it', async () => {
    const t = gateway();
    const openid = newOpenid();
    const before = await t.gql(SEND_IN, {
      input: { openid, templateId: 'VisitReminder', data: CLINIC_DATA.VisitReminder },
    });
    expect(errorOf(before, 'TEMPLATE_NOT_FOUND')).toMatchObject({
      message:
        'Unknown template in app shop: VisitReminder. VisitReminder is a template of clinic; pass app: clinic',
      extensions: { templateIds: ['VisitReminder'], app: 'shop' },
    });
    const subscribed = await t.gql(SUBSCRIBE_IN, {
      input: { app: 'clinic', openid, results: [{ templateId: 'AuditResult', status: 'ACCEPT' }] },
    });
    expect(errorOf(subscribed, 'TEMPLATE_NOT_FOUND').message).toBe(
      'Unknown template in app clinic: AuditResult. AuditResult is a template of shop; pass app: shop',
    );
    const nowhere = await t.gql(SEND_IN, {
      input: { openid, templateId: 'NoSuchTemplate', data: { thing1: 'x' } },
    });
    expect(errorOf(nowhere, 'TEMPLATE_NOT_FOUND').message).toBe(
      'Unknown template in app shop: NoSuchTemplate',
    );
  });

  it('typed send<Name> of the other app knows its app without being told', async () => {
    const t = gateway();
    refs(t);
    const openid = newOpenid();
    await subscribeIn('clinic', openid, 'VisitReminder');
    const sent = dataOf(
      await t.gql<{ sendVisitReminder: AppMessage }>(SEND_VISIT_REMINDER, {
        input: { openid, data: CLINIC_DATA.VisitReminder },
      }),
    ).sendVisitReminder;
    expect(sent).toMatchObject({ status: 'SENT', app: clinic });
    expect(
      await listOf<AppMessage>(t, MESSAGES_OF, 'messages', { app: 'shop', filter: { openid } }),
    ).toEqual([]);
  });

  it('idempotency keys are per app: the same key in each app sends twice, once per app', async () => {
    const t = gateway();
    const openid = newOpenid();
    const idempotencyKey = `review-${openid}`;
    const sendWithKey = async (app: string, templateId: string, data: Record<string, string>) =>
      dataOf(
        await t.gql<{ sendSubscribeMessage: AppMessage }>(SEND_IN, {
          input: { app, openid, templateId, data, idempotencyKey },
        }),
      ).sendSubscribeMessage;
    const inShop = await sendWithKey('shop', 'AuditResult', AUDIT_DATA);
    const inClinic = await sendWithKey('clinic', 'VisitReminder', CLINIC_DATA.VisitReminder);
    expect(inShop.id).not.toBe(inClinic.id);
    expect([inShop.app.name, inClinic.app.name]).toEqual(['shop', 'clinic']);
    // Within one app the key still answers with the first message.
    expect((await sendWithKey('clinic', 'VisitReminder', CLINIC_DATA.VisitReminder)).id).toBe(
      inClinic.id,
    );
  });

  it('syncTemplates of one app keeps both apps’ typed sends', async () => {
    const t = gateway();
    const synced = dataOf(
      await t.gql<{ syncTemplates: { name: string; app: AppRef }[] }>(SYNC_OF, { app: 'clinic' }),
    ).syncTemplates;
    expect(synced.map((x) => x.app.name)).toEqual(synced.map(() => 'clinic'));
    expect(synced.map((x) => x.name)).toContain('VisitReminder');
    const openid = newOpenid();
    await subscribeIn('clinic', openid, 'VisitReminder');
    const sent = dataOf(
      await t.gql<{ sendVisitReminder: AppMessage }>(SEND_VISIT_REMINDER, {
        input: { openid, data: CLINIC_DATA.VisitReminder },
      }),
    ).sendVisitReminder;
    expect(sent.app.name).toBe('clinic');
    const audit = await t.gql(SEND_AUDIT_RESULT, { input: { openid, data: AUDIT_DATA } });
    expect(audit.body.errors).toBeUndefined();
  });

  it('pages through a list merged from both apps: every record exactly once, messages newest first', async () => {
    // A gateway of its own, so the lists hold only this test's records and need no filter.
    const t = await startTestGateway({ store });
    try {
      const expectedMessages: AppMessage[] = [];
      const expectedEntries: string[] = [];
      // Interleaved, so page boundaries fall between records of different apps.
      for (let i = 0; i < 7; i++) {
        const openid = newOpenid();
        const inClinic = i % 3 !== 0;
        const [app, template, data] = inClinic
          ? ['clinic', 'LabReportReady', CLINIC_DATA.LabReportReady]
          : ['shop', 'AuditResult', AUDIT_DATA];
        const [entry] = dataOf(
          await t.gql<{ subscribe: AppSubscription[] }>(SUBSCRIBE_IN, {
            input: { app, openid, results: [{ templateId: template, status: 'ACCEPT' }] },
          }),
        ).subscribe;
        expectedEntries.push(entry!.id);
        expectedMessages.push(
          dataOf(
            await t.gql<{ sendSubscribeMessage: AppMessage }>(SEND_IN, {
              input: { app, openid, templateId: template, data },
            }),
          ).sendSubscribeMessage,
        );
      }
      for (const first of [1, 2, 3, 5, 7, 8]) {
        const messages = await walkConnection<AppMessage>(t, MESSAGES_OF, 'messages', {}, first);
        expect(messages.map((x) => x.id)).toEqual(expectedMessages.map((x) => x.id).reverse());
        expect(messages.map((x) => x.app.name)).toEqual(
          expectedMessages.map((x) => x.app.name).reverse(),
        );
        // The ledger lists oldest first.
        const entries = await walkConnection<AppSubscription>(
          t,
          SUBSCRIPTIONS_OF,
          'subscriptions',
          {},
          first,
        );
        expect(entries.map((x) => x.id)).toEqual(expectedEntries);
      }
      // totalCount of a merged list is the sum of both apps'.
      const merged = await t.gql<{ messages: { totalCount: number } }>(MESSAGES_OF, { first: 1 });
      expect(dataOf(merged).messages.totalCount).toBe(7);
      const clinicOnly = await walkConnection<AppMessage>(
        t,
        MESSAGES_OF,
        'messages',
        { app: 'clinic' },
        2,
      );
      expect(clinicOnly.map((x) => x.id)).toEqual(
        expectedMessages
          .filter((x) => x.app.name === 'clinic')
          .map((x) => x.id)
          .reverse(),
      );
    } finally {
      await t.close();
    }
  });
});
