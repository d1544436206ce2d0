import { describe, expect, it } from '@jest/globals';
import { dataOf, errorOf, newOpenid } from '../../helpers/api.js';
import { CLINIC_DATA } from '../../helpers/apps.js';
import { useGateway } from '../../helpers/stores.js';

const KEYS = {
  admin: 'admin-all-apps-Ue7rT6yY5uU4',
  shopAdmin: 'admin-shop-only-Ii3oO2pP1aA0',
  clinicAdmin: 'admin-clinic-only-Ss9dD8fF7gG6',
};
const GATEWAY_API_KEYS = [
  `admin:${KEYS.admin}`,
  `admin@shop:${KEYS.shopAdmin}`,
  `admin@clinic:${KEYS.clinicAdmin}`,
].join(',');

const SCHEDULE = `mutation($input: ScheduleSubscribeMessageInput!) {
  scheduleSubscribeMessage(input: $input) { id key status app { name } }
}`;
const UPSERT = `mutation($input: RecurringScheduleInput!) {
  upsertRecurringSchedule(input: $input) { key }
}`;
const RECURRING = `query($app: ID) { recurringSchedules(app: $app, first: 50) {
  edges { node { key app { name } template { app { name } } } } } }`;

/**
 * The delivery engine's operations under keys scoped to one app: a shop key neither reads nor
 * changes clinic's scheduled messages, triggers, schedules or health (the sandbox's two apps).
 */
describe('delivery operations under keys scoped to apps', () => {
  const gateway = useGateway('memory', { GATEWAY_API_KEYS });
  const as = (key: string, query: string, variables: Record<string, unknown> = {}) =>
    gateway().gql(query, variables, { key });

  it('keeps clinic’s scheduled message, its key, its trigger and its health from a shop key', async () => {
    const messageKey = `scoped-${newOpenid()}`;
    const { scheduleSubscribeMessage: clinicMessage } = dataOf(
      await as(KEYS.clinicAdmin, SCHEDULE, {
        input: {
          openid: newOpenid(),
          templateId: 'VisitReminder',
          data: CLINIC_DATA.VisitReminder,
          key: messageKey,
          when: {
            trigger: {
              name: 'visit-confirmed',
              matchKey: 'order-1',
              timeoutAt: new Date(Date.now() + 3_600_000).toISOString(),
            },
          },
        },
      }),
    ) as { scheduleSubscribeMessage: { id: string; status: string; app: { name: string } } };
    expect(clinicMessage).toMatchObject({ status: 'HELD', app: { name: 'clinic' } });

    const forbidden = [
      [`query { messageByKey(app: "clinic", key: "${messageKey}") { id } }`],
      [`mutation { cancelMessage(app: "clinic", key: "${messageKey}") { outcome } }`],
      [
        `mutation { rescheduleMessage(app: "clinic", key: "${messageKey}", sendAt: "${new Date(Date.now() + 7_200_000).toISOString()}") { id } }`,
      ],
      [`mutation { fireTrigger(app: "clinic", name: "visit-confirmed", matchKey: "order-1") }`],
      [
        `mutation { resolveUnknownMessage(app: "clinic", id: "${clinicMessage.id}", resolution: MARK_SENT) { id } }`,
      ],
      [`query { deliveryHealth(app: "clinic") { engine } }`],
      [`mutation { deleteRecurringSchedule(app: "clinic", key: "any") }`],
      [`query { recurringSchedules(app: "clinic") { totalCount } }`],
      [`query { campaigns(app: "clinic") { totalCount } }`],
    ];
    for (const [query] of forbidden) {
      errorOf(await as(KEYS.shopAdmin, query!), 'FORBIDDEN');
    }
    // Without `app`, the shop key means shop: clinic's message is not found there.
    const { messageByKey } = dataOf(
      await as(KEYS.shopAdmin, `query { messageByKey(key: "${messageKey}") { id } }`),
    ) as { messageByKey: null };
    expect(messageByKey).toBeNull();
    const { fireTrigger } = dataOf(
      await as(
        KEYS.shopAdmin,
        `mutation { fireTrigger(name: "visit-confirmed", matchKey: "order-1") }`,
      ),
    ) as { fireTrigger: number };
    expect(fireTrigger).toBe(0);
    const { message } = dataOf(
      await as(KEYS.shopAdmin, `query { message(id: "${clinicMessage.id}") { id } }`),
    ) as { message: null };
    expect(message).toBeNull();
    // Nothing changed: clinic's message still waits for its trigger.
    const { messageByKey: still } = dataOf(
      await as(KEYS.clinicAdmin, `query { messageByKey(key: "${messageKey}") { status } }`),
    ) as { messageByKey: { status: string } };
    expect(still.status).toBe('HELD');
  });

  it('acts on a message named by id in whichever app holds it, and only in apps the key may see', async () => {
    const schedule = async () =>
      (
        dataOf(
          await as(KEYS.admin, SCHEDULE, {
            input: {
              app: 'clinic',
              openid: newOpenid(),
              templateId: 'VisitReminder',
              data: CLINIC_DATA.VisitReminder,
              when: { sendAt: new Date(Date.now() + 3_600_000).toISOString() },
            },
          }),
        ) as { scheduleSubscribeMessage: { id: string } }
      ).scheduleSubscribeMessage.id;
    // The all-apps key's default app is shop; these messages are clinic's.
    const moved = await schedule();
    const sendAt = new Date(Date.now() + 7_200_000).toISOString();
    const { rescheduleMessage } = dataOf(
      await as(
        KEYS.admin,
        `mutation { rescheduleMessage(id: "${moved}", sendAt: "${sendAt}") { sendAt app { name } } }`,
      ),
    ) as { rescheduleMessage: { sendAt: string; app: { name: string } } };
    expect(rescheduleMessage).toEqual({ sendAt, app: { name: 'clinic' } });
    const unknown = errorOf(
      await as(
        KEYS.admin,
        `mutation { resolveUnknownMessage(id: "${moved}", resolution: MARK_FAILED) { id } }`,
      ),
      'BAD_USER_INPUT',
    );
    expect(unknown.message).toMatch(/UNKNOWN/);

    const cancelled = await schedule();
    const cancel = `mutation { cancelMessage(id: "${cancelled}") { outcome message { status } } }`;
    // A shop key cannot see clinic's message: not found, and nothing changes.
    expect(dataOf(await as(KEYS.shopAdmin, cancel))).toEqual({
      cancelMessage: { outcome: 'NOT_FOUND', message: null },
    });
    expect(dataOf(await as(KEYS.admin, cancel))).toEqual({
      cancelMessage: { outcome: 'CANCELLED', message: { status: 'CANCELLED' } },
    });
    expect(
      dataOf(await as(KEYS.admin, `mutation { cancelMessage(id: "no-such-message") { outcome } }`)),
    ).toEqual({ cancelMessage: { outcome: 'NOT_FOUND' } });
  });

  it('lists recurring schedules of the apps a key may see only, and refuses upserting into another app', async () => {
    const input = (app: string, templateId: string, data: Record<string, string>) => ({
      app,
      key: `weekly-${app}`,
      openid: newOpenid(),
      templateId,
      data,
      cron: '0 9 * * 1',
      timezone: 'Asia/Shanghai',
    });
    dataOf(
      await as(KEYS.admin, UPSERT, {
        input: input('clinic', 'VisitReminder', CLINIC_DATA.VisitReminder),
      }),
    );
    dataOf(
      await as(KEYS.admin, UPSERT, {
        input: input('shop', 'AuditResult', { phrase2: '已通过', thing3: '资料齐全' }),
      }),
    );
    errorOf(
      await as(KEYS.shopAdmin, UPSERT, {
        input: input('clinic', 'VisitReminder', CLINIC_DATA.VisitReminder),
      }),
      'FORBIDDEN',
    );
    type Listing = {
      recurringSchedules: { edges: { node: { key: string; app: { name: string } } }[] };
    };
    const keysOf = async (key: string) =>
      (dataOf(await as(key, RECURRING)) as Listing).recurringSchedules.edges.map((e) => e.node.key);
    expect(await keysOf(KEYS.admin)).toEqual(
      expect.arrayContaining(['weekly-clinic', 'weekly-shop']),
    );
    expect(await keysOf(KEYS.shopAdmin)).toEqual(['weekly-shop']);
    expect(await keysOf(KEYS.clinicAdmin)).toEqual(['weekly-clinic']);
    // Schedules of two apps may share a key: each says whose it is.
    const all = (dataOf(await as(KEYS.admin, RECURRING)) as Listing).recurringSchedules.edges;
    for (const { node } of all.filter((e) => e.node.key.startsWith('weekly-')))
      expect(node.key).toBe(`weekly-${node.app.name}`);
  });
});
