import { beforeAll, describe, expect, it } from '@jest/globals';
import { dataOf, errorOf, newOpenid, type GqlResult } from '../../helpers/api.js';
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
  SEND_AUDIT_RESULT,
  SEND_IN,
  SEND_VISIT_REMINDER,
  SUBSCRIBE_IN,
  SUBSCRIPTIONS_OF,
  SYNC_OF,
  TEMPLATE_OF,
  TEMPLATES_OF,
  type AppMessage,
  type AppSubscription,
} from '../../helpers/apps.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';

const KEYS = {
  admin: 'admin-all-apps-Kx7pQ2vR9sT4',
  shopAdmin: 'admin-shop-Wm3nB8cD1fG5hJ0k',
  shopSender: 'sender-shop-Qa2Ws3Ed4Rf5Tg',
  shopReader: 'reader-shop-Zx9Cv8Bn7Mm6Ll',
  clinicSender: 'sender-clinic-Pq8Rs7Tu6Vw5',
  bothReader: 'reader-both-Hh4Jj5Kk6Ll7Mm',
};
const GATEWAY_API_KEYS = [
  `admin:${KEYS.admin}`,
  `admin@shop:${KEYS.shopAdmin}`,
  `sender@shop:${KEYS.shopSender}`,
  `reader@shop:${KEYS.shopReader}`,
  `sender@clinic:${KEYS.clinicSender}`,
  `reader@shop+clinic:${KEYS.bothReader}`,
].join(',');

type Variables = Record<string, unknown>;

/**
 * A key scoped to one app never reads or changes another app's records, through any operation:
 * the sandbox's `shop` and `clinic`, with keys scoped to one, the other, or both.
 */
describeEachStore('API keys scoped to apps', (store) => {
  const gateway = useGateway(store, { GATEWAY_API_KEYS });
  const call = (query: string, variables: Variables, key: string) =>
    gateway().gql(query, variables, { key });
  let clinicIds: { appId: string };
  let clinicMessage: AppMessage;
  let shopMessage: AppMessage;
  const clinicUser = newOpenid();
  const shopUser = newOpenid();

  /** Everything of clinic an admin sees: what a shop key must never change. */
  async function clinicState() {
    const t = gateway();
    return {
      ledger: await listOf<AppSubscription>(
        t,
        SUBSCRIPTIONS_OF,
        'subscriptions',
        { app: 'clinic' },
        KEYS.admin,
      ),
      log: await listOf<AppMessage>(t, MESSAGES_OF, 'messages', { app: 'clinic' }, KEYS.admin),
      sends:
        (await t.sim<{ calls: Record<string, number> }>('counters', undefined, 'clinic')).calls[
          '/cgi-bin/message/subscribe/send'
        ] ?? 0,
    };
  }

  beforeAll(async () => {
    clinicIds = { appId: gateway().gateway.apps[1]!.appId };
    for (const [app, openid, templateId, data, key] of [
      ['clinic', clinicUser, 'VisitReminder', CLINIC_DATA.VisitReminder, KEYS.clinicSender],
      ['shop', shopUser, 'AuditResult', AUDIT_DATA, KEYS.shopSender],
    ] as const) {
      dataOf(
        await call(
          SUBSCRIBE_IN,
          {
            input: {
              app,
              openid,
              results: [
                { templateId, status: 'ACCEPT' },
                { templateId, status: 'ACCEPT' },
              ],
            },
          },
          key,
        ),
      );
      const sent = dataOf(await call(SEND_IN, { input: { openid, templateId, data } }, key)) as {
        sendSubscribeMessage: AppMessage;
      };
      if (app === 'clinic') clinicMessage = sent.sendSubscribeMessage;
      else shopMessage = sent.sendSubscribeMessage;
    }
    expect(clinicMessage.app.name).toBe('clinic');
    expect(shopMessage.app.name).toBe('shop');
  });

  describe('reading', () => {
    it('apps lists only the key’s apps', async () => {
      const names = async (key: string) =>
        dataOf(
          (await call(APPS_QUERY, {}, key)) as GqlResult<{ apps: { name: string }[] }>,
        ).apps.map((a) => a.name);
      expect(await names(KEYS.shopReader)).toEqual(['shop']);
      expect(await names(KEYS.clinicSender)).toEqual(['clinic']);
      expect(await names(KEYS.bothReader)).toEqual(['shop', 'clinic']);
      expect(await names(KEYS.admin)).toEqual(['shop', 'clinic']);
    });

    it('templates without app lists only the key’s apps; template(id) never finds the other app’s', async () => {
      const list = dataOf(
        (await call(TEMPLATES_OF, {}, KEYS.shopReader)) as GqlResult<{
          templates: { app: { name: string } }[];
        }>,
      ).templates;
      expect(list.length).toBeGreaterThan(0);
      expect(new Set(list.map((x) => x.app.name))).toEqual(new Set(['shop']));
      // Without app, a shop key means shop: the clinic template is not there.
      for (const id of [CLINIC_TEMPLATE_IDS.VisitReminder, 'VisitReminder']) {
        const found = dataOf(
          (await call(TEMPLATE_OF, { id }, KEYS.shopReader)) as GqlResult<{ template: unknown }>,
        );
        expect(found.template).toBeNull();
      }
      const own = dataOf(
        (await call(TEMPLATE_OF, { id: 'AuditResult' }, KEYS.shopReader)) as GqlResult<{
          template: { id: string };
        }>,
      );
      expect(own.template.id).toBe(TEMPLATE_IDS.AuditResult);
    });

    it('subscriptions and messages list only the key’s app, whatever the filter or cursor', async () => {
      const t = gateway();
      const entries = await listOf<AppSubscription>(
        t,
        SUBSCRIPTIONS_OF,
        'subscriptions',
        {},
        KEYS.shopReader,
      );
      expect(entries.length).toBeGreaterThan(0);
      expect(new Set(entries.map((x) => x.app.name))).toEqual(new Set(['shop']));
      const log = await listOf<AppMessage>(t, MESSAGES_OF, 'messages', {}, KEYS.shopReader);
      expect(log.map((x) => x.id)).toContain(shopMessage.id);
      expect(new Set(log.map((x) => x.app.name))).toEqual(new Set(['shop']));
      // Filters naming clinic's user or template find nothing of clinic's.
      for (const filter of [
        { openid: clinicUser },
        { templateId: CLINIC_TEMPLATE_IDS.VisitReminder },
      ]) {
        expect(
          await listOf(t, SUBSCRIPTIONS_OF, 'subscriptions', { filter }, KEYS.shopReader),
        ).toEqual([]);
        expect(await listOf(t, MESSAGES_OF, 'messages', { filter }, KEYS.shopReader)).toEqual([]);
      }
      // A cursor taken from clinic's list (by an admin) still pages only through shop's records.
      for (const [query, field] of [
        [MESSAGES_OF, 'messages'],
        [SUBSCRIPTIONS_OF, 'subscriptions'],
      ] as const) {
        const clinicPage = dataOf(
          (await call(query, { app: 'clinic', first: 1 }, KEYS.admin)) as GqlResult<
            Record<string, { edges: { cursor: string }[] }>
          >,
        )[field]!;
        const after = clinicPage.edges[0]!.cursor;
        const page = await listOf<{ app: { name: string } }>(
          t,
          query,
          field,
          { after },
          KEYS.shopReader,
        );
        expect(page.filter((x) => x.app.name !== 'shop')).toEqual([]);
      }
    });

    it('message(id) of another app is null; of its own app, found', async () => {
      const other = dataOf(
        (await call(MESSAGE_BY_ID, { id: clinicMessage.id }, KEYS.shopReader)) as GqlResult<{
          message: unknown;
        }>,
      );
      expect(other.message).toBeNull();
      const own = dataOf(
        (await call(MESSAGE_BY_ID, { id: shopMessage.id }, KEYS.shopReader)) as GqlResult<{
          message: AppMessage;
        }>,
      );
      expect(own.message.id).toBe(shopMessage.id);
      const both = dataOf(
        (await call(MESSAGE_BY_ID, { id: clinicMessage.id }, KEYS.bothReader)) as GqlResult<{
          message: AppMessage;
        }>,
      );
      expect(both.message.app.name).toBe('clinic');
    });
  });

  describe('naming the other app is FORBIDDEN, by name or by app id, and changes nothing', () => {
    const byName = 'clinic';
    const operations: [string, string, (app: string) => Variables, string][] = [
      ['templates', TEMPLATES_OF, (app) => ({ app }), 'shopReader'],
      ['template', TEMPLATE_OF, (app) => ({ app, id: 'VisitReminder' }), 'shopReader'],
      ['subscriptions', SUBSCRIPTIONS_OF, (app) => ({ app }), 'shopReader'],
      ['messages', MESSAGES_OF, (app) => ({ app }), 'shopReader'],
      ['syncTemplates', SYNC_OF, (app) => ({ app }), 'shopAdmin'],
      [
        'subscribe',
        SUBSCRIBE_IN,
        (app) => ({
          input: {
            app,
            openid: clinicUser,
            results: [{ templateId: 'VisitReminder', status: 'ACCEPT' }],
          },
        }),
        'shopSender',
      ],
      [
        'sendSubscribeMessage',
        SEND_IN,
        (app) => ({
          input: {
            app,
            openid: clinicUser,
            templateId: 'VisitReminder',
            data: CLINIC_DATA.VisitReminder,
          },
        }),
        'shopSender',
      ],
    ];
    for (const [operation, query, variables, key] of operations) {
      it(`${operation}`, async () => {
        const before = await clinicState();
        for (const app of [byName, clinicIds.appId]) {
          const result = await call(query, variables(app), KEYS[key as keyof typeof KEYS]);
          const error = errorOf(result, 'FORBIDDEN');
          expect(error.message).toMatch(/clinic/);
          expect(JSON.stringify(result.body)).not.toContain(clinicUser);
        }
        expect(await clinicState()).toEqual(before);
      });
    }

    it('typed send<Name> of the other app', async () => {
      const before = await clinicState();
      const result = await call(
        SEND_VISIT_REMINDER,
        { input: { openid: clinicUser, data: CLINIC_DATA.VisitReminder } },
        KEYS.shopSender,
      );
      errorOf(result, 'FORBIDDEN');
      expect(await clinicState()).toEqual(before);
      // And the other way round: a clinic key cannot send a shop template.
      const shopSends = await call(
        SEND_AUDIT_RESULT,
        { input: { openid: shopUser, data: AUDIT_DATA } },
        KEYS.clinicSender,
      );
      errorOf(shopSends, 'FORBIDDEN');
    });
  });

  it('an unknown template names only apps the key may see', async () => {
    const input = {
      openid: shopUser,
      templateId: 'VisitReminder',
      data: CLINIC_DATA.VisitReminder,
    };
    const scoped = await call(SEND_IN, { input }, KEYS.shopSender);
    expect(errorOf(scoped, 'TEMPLATE_NOT_FOUND').message).toBe(
      'Unknown template in app shop: VisitReminder',
    );
    const unscoped = await call(SEND_IN, { input: { ...input, app: 'shop' } }, KEYS.admin);
    expect(errorOf(unscoped, 'TEMPLATE_NOT_FOUND').message).toMatch(/pass app: clinic$/);
  });

  it('a role too weak is FORBIDDEN naming the role required and the key’s role', async () => {
    const result = await call(
      SEND_IN,
      { input: { openid: shopUser, templateId: 'AuditResult', data: AUDIT_DATA } },
      KEYS.shopReader,
    );
    const error = errorOf(result, 'FORBIDDEN');
    expect(error.message).toBe(
      'Mutation.sendSubscribeMessage needs the sender role; this API key is reader',
    );
    expect(error.extensions).toMatchObject({ requiredRole: 'sender', role: 'reader' });
    const sync = errorOf(await call(SYNC_OF, {}, KEYS.shopSender), 'FORBIDDEN');
    expect(sync.message).toMatch(/needs the admin role; this API key is sender/);
  });

  describe('which app an operation means without app', () => {
    it('a key of one app acts on it, even when it is not DEFAULT_APP', async () => {
      const openid = newOpenid();
      const [entry] = dataOf(
        (await call(
          SUBSCRIBE_IN,
          { input: { openid, results: [{ templateId: 'LabReportReady', status: 'ACCEPT' }] } },
          KEYS.clinicSender,
        )) as GqlResult<{ subscribe: AppSubscription[] }>,
      ).subscribe;
      expect(entry!.app.name).toBe('clinic');
      const sent = dataOf(
        (await call(
          SEND_IN,
          { input: { openid, templateId: 'LabReportReady', data: CLINIC_DATA.LabReportReady } },
          KEYS.clinicSender,
        )) as GqlResult<{ sendSubscribeMessage: AppMessage }>,
      ).sendSubscribeMessage;
      expect(sent).toMatchObject({ status: 'SENT', app: { name: 'clinic' } });
    });

    it('a key of several apps gets DEFAULT_APP (the sandbox’s shop)', async () => {
      const found = dataOf(
        (await call(TEMPLATE_OF, { id: 'AuditResult' }, KEYS.bothReader)) as GqlResult<{
          template: { app: { name: string } };
        }>,
      );
      expect(found.template.app.name).toBe('shop');
    });
  });
});
