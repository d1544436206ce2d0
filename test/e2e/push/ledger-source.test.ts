import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ManualPushWorld,
  newOpenid,
  postPush,
  recorded,
  sealRaw,
} from '../../helpers/push-harness.js';
import { describeEachStore } from '../../helpers/stores.js';
import { AUDIT, COURSE } from '../../helpers/demo-templates.js';

const OK = { status: 200, text: 'success' };
let clock = 1_700_000_000;

/** A popup push of one template with `status`, as WeChat records the user's tap. */
function popup(world: ManualPushWorld, openid: string, templateId: string, status = 'accept') {
  const plain = recorded('popup.json', {
    openid,
    templates: { 'hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68': templateId },
    createTime: (clock += 1),
  }).replace('"accept"', JSON.stringify(status));
  return postPush(world.pushUrl, sealRaw(plain, { format: 'json', mode: 'safe' }));
}

function change(world: ManualPushWorld, openid: string, templateId: string) {
  const plain = recorded('change.xml', {
    openid,
    templates: { VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc: templateId },
    createTime: (clock += 1),
  });
  return postPush(world.pushUrl, sealRaw(plain, { format: 'xml', mode: 'safe' }));
}

describeEachStore(
  (store) => `ledger effects of push events, seen through GraphQL (${store})`,
  (store) => {
    describe('LEDGER_SOURCE=events (the default with the push endpoint on)', () => {
      let world: ManualPushWorld;
      beforeAll(async () => {
        world = await ManualPushWorld.start({ store, aes: true });
      });
      afterAll(() => world.close());

      it('a popup accept adds a credit with source EVENTS; acceptWith… variants count too', async () => {
        const openid = newOpenid();
        expect(await popup(world, openid, AUDIT.id)).toEqual(OK);
        expect(await popup(world, openid, AUDIT.id, 'acceptWithAudio')).toEqual(OK);
        expect(await world.entry(openid, AUDIT.id)).toEqual({
          templateId: AUDIT.id,
          status: 'ACCEPT',
          remaining: 2,
          accepted: 2,
          source: 'EVENTS',
        });
      });

      it('a long-term template is turned on by accept and off by the change event', async () => {
        const openid = newOpenid();
        expect(await popup(world, openid, COURSE.id)).toEqual(OK);
        expect(await world.entry(openid, COURSE.id)).toMatchObject({
          status: 'ACCEPT',
          remaining: null,
        });
        expect(await change(world, openid, COURSE.id)).toEqual(OK);
        expect(await world.entry(openid, COURSE.id)).toMatchObject({
          status: 'REJECT',
          remaining: null,
          source: 'EVENTS',
        });
      });

      it('a change-event reject zeroes the credits', async () => {
        const openid = newOpenid();
        await popup(world, openid, AUDIT.id);
        await popup(world, openid, AUDIT.id);
        expect(await change(world, openid, AUDIT.id)).toEqual(OK);
        expect(await world.entry(openid, AUDIT.id)).toMatchObject({
          status: 'REJECT',
          remaining: 0,
          source: 'EVENTS',
        });
      });

      it('the subscribe mutation reporting the same tap does not count it twice', async () => {
        const openid = newOpenid();
        expect(await popup(world, openid, AUDIT.id)).toEqual(OK);
        const reported = await world.subscribe(openid, AUDIT.name);
        expect(reported).toEqual([expect.objectContaining({ remaining: 1, source: 'EVENTS' })]);
        expect(await world.entry(openid, AUDIT.id)).toMatchObject({ remaining: 1, accepted: 1 });
      });

      it('the subscribe mutation alone grants nothing: the event carries the credit', async () => {
        const openid = newOpenid();
        await world.subscribe(openid, AUDIT.name);
        expect(await world.entry(openid, AUDIT.id)).toMatchObject({
          status: 'FILTER',
          remaining: 0,
          source: 'CLIENT',
        });
        expect(await popup(world, openid, AUDIT.id)).toEqual(OK);
        expect(await world.entry(openid, AUDIT.id)).toMatchObject({
          status: 'ACCEPT',
          remaining: 1,
          source: 'EVENTS',
        });
      });
    });

    describe('LEDGER_SOURCE=client', () => {
      let world: ManualPushWorld;
      beforeAll(async () => {
        world = await ManualPushWorld.start({ store, env: { LEDGER_SOURCE: 'client' } });
      });
      afterAll(() => world.close());

      it('a popup event adds no credit: the subscribe mutation does, once', async () => {
        const openid = newOpenid();
        const push = (o: string) =>
          postPush(
            world.pushUrl,
            sealRaw(
              recorded('popup.xml', {
                openid: o,
                templates: { VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc: AUDIT.id },
              }),
              { format: 'xml', mode: 'plaintext' },
            ),
          );
        expect(await push(openid)).toEqual(OK);
        expect(await world.ledger(openid)).toEqual([]);
        await world.subscribe(openid, AUDIT.name);
        expect(await world.entry(openid, AUDIT.id)).toMatchObject({
          status: 'ACCEPT',
          remaining: 1,
          source: 'CLIENT',
        });
      });

      it('a change-event reject still zeroes the credits (no client call reports it)', async () => {
        const openid = newOpenid();
        await world.subscribe(openid, AUDIT.name);
        const plain = recorded('change.json', {
          openid,
          templates: { NQezXFstp4zZV2q7u5aSprQZEx061ODkFJGLdungfoI: AUDIT.id },
        });
        expect(
          await postPush(world.pushUrl, sealRaw(plain, { format: 'json', mode: 'plaintext' })),
        ).toEqual(OK);
        expect(await world.entry(openid, AUDIT.id)).toMatchObject({
          status: 'REJECT',
          remaining: 0,
          source: 'EVENTS',
        });
      });
    });
  },
);
