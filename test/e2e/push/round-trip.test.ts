import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  ManualPushWorld,
  newOpenid,
  postPush,
  recorded,
  sealRaw,
  type BodyFormat,
  type Mode,
} from '../../helpers/push-harness.js';
import { describeEachStore } from '../../helpers/stores.js';
import { AUDIT, ORDER } from '../../helpers/demo-templates.js';

// Fixture ids (from WeChat's documented examples, docs/wechat.md §6.4) and the demo templates
// that stand in for them.
const POPUP_ACCEPTED = {
  'popup.xml': 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
  'popup.json': 'hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68',
  'popup-mixed-scalars.json': 'hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68',
  'popup-legacy-array.json': 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
} as const;
const POPUP_REJECTED: Partial<Record<keyof typeof POPUP_ACCEPTED, string>> = {
  'popup.xml': '9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI',
  'popup-mixed-scalars.json': 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
  'popup-legacy-array.json': '9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI',
};
const CHANGED = {
  'change.xml': 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
  'change.json': 'NQezXFstp4zZV2q7u5aSprQZEx061ODkFJGLdungfoI',
} as const;
const SENT = ['sent.xml', 'sent.json', 'sent-nested-legacy.json'] as const;
const SENT_TEMPLATE = 'BEwX0BO-T3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8';
const SENT_MSGID = '1864323726461255680';
const MODES: Mode[] = ['plaintext', 'safe'];

const formatOf = (name: string): BodyFormat => (name.endsWith('.xml') ? 'xml' : 'json');
const cases = <T extends string>(names: readonly T[]) =>
  names.flatMap((name) => MODES.map((mode) => [name, mode] as [T, Mode]));

describeEachStore(
  (store) => `recorded pushes round-trip through /wechat/push (${store})`,
  (store) => {
    let world: ManualPushWorld;
    beforeAll(async () => {
      world = await ManualPushWorld.start({ store, aes: true });
    });
    afterAll(() => world.close());

    async function push(plain: string, name: string, mode: Mode) {
      return postPush(world.pushUrl, sealRaw(plain, { format: formatOf(name), mode }));
    }

    it.each(cases(Object.keys(POPUP_ACCEPTED) as (keyof typeof POPUP_ACCEPTED)[]))(
      'popup %s (%s): accept credits the template, reject is recorded, both from EVENTS',
      async (name, mode) => {
        const openid = newOpenid();
        const rejected = POPUP_REJECTED[name];
        const plain = recorded(name, {
          openid,
          templates: {
            [POPUP_ACCEPTED[name]]: AUDIT.id,
            ...(rejected ? { [rejected]: ORDER.id } : {}),
          },
        });
        expect(await push(plain, name, mode)).toEqual({ status: 200, text: 'success' });
        expect(await world.entry(openid, AUDIT.id)).toEqual({
          templateId: AUDIT.id,
          status: 'ACCEPT',
          remaining: 1,
          accepted: 1,
          source: 'EVENTS',
        });
        const orderEntry = await world.entry(openid, ORDER.id);
        if (rejected) {
          expect(orderEntry).toMatchObject({ status: 'REJECT', remaining: 0, source: 'EVENTS' });
        } else {
          expect(orderEntry).toBeUndefined();
        }
      },
    );

    it.each(cases(Object.keys(CHANGED) as (keyof typeof CHANGED)[]))(
      'change %s (%s): the user turning the template off zeroes its credits',
      async (name, mode) => {
        const openid = newOpenid();
        // Two taps, two popup deliveries (one second apart, so they are not duplicates).
        for (const createTime of [1_700_000_000, 1_700_000_001]) {
          const popup = recorded('popup.json', {
            openid,
            templates: { [POPUP_ACCEPTED['popup.json']]: AUDIT.id },
            createTime,
          });
          expect(await push(popup, 'popup.json', mode)).toEqual({ status: 200, text: 'success' });
        }
        expect(await world.entry(openid, AUDIT.id)).toMatchObject({ remaining: 2 });
        const plain = recorded(name, { openid, templates: { [CHANGED[name]]: AUDIT.id } });
        expect(await push(plain, name, mode)).toEqual({ status: 200, text: 'success' });
        expect(await world.entry(openid, AUDIT.id)).toMatchObject({
          status: 'REJECT',
          remaining: 0,
          accepted: 2,
          source: 'EVENTS',
        });
      },
    );

    it.each(cases(SENT))(
      'sent %s (%s): the message with that exact msgid is DELIVERED',
      async (name, mode) => {
        const openid = newOpenid();
        const message = await world.sentMessage(openid);
        const plain = recorded(name, {
          openid,
          templates: { [SENT_TEMPLATE]: AUDIT.id },
          msgIds: { [SENT_MSGID]: message.msgid },
          createTime: 1_700_000_123,
        });
        expect(await push(plain, name, mode)).toEqual({ status: 200, text: 'success' });
        expect(await world.message(message.id)).toEqual({
          ...message,
          status: 'DELIVERED',
          deliveredAt: new Date(1_700_000_123_000).toISOString(),
          deliveryErrorCode: 0,
          deliveryErrorStatus: 'success',
        });
      },
    );

    it.each(MODES)(
      'sent-bare-msgid.json (%s): bare 64-bit MsgIDs stay exact; a non-zero ErrorCode is DELIVERY_FAILED',
      async (mode) => {
        const openid = newOpenid();
        const first = await world.sentMessage(openid);
        const second = await world.sentMessage(openid);
        // The simulator's msgids are above 2^60: a JSON.parse anywhere would have rounded them.
        expect(BigInt(first.msgid)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
        const plain = recorded('sent-bare-msgid.json', {
          openid,
          templates: {
            [SENT_TEMPLATE]: AUDIT.id,
            '9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI': AUDIT.id,
          },
          msgIds: { [SENT_MSGID]: first.msgid, '1864323726461255681': second.msgid },
        });
        expect(plain).toContain(`"MsgID": ${first.msgid},`);
        expect(await push(plain, 'sent-bare-msgid.json', mode)).toEqual({
          status: 200,
          text: 'success',
        });
        expect(await world.message(first.id)).toMatchObject({
          status: 'DELIVERED',
          msgid: first.msgid,
          deliveryErrorCode: 0,
        });
        expect(await world.message(second.id)).toMatchObject({
          status: 'DELIVERY_FAILED',
          msgid: second.msgid,
          deliveryErrorCode: 10001,
          deliveryErrorStatus: 'failed',
        });
      },
    );
  },
);
