import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { deleteTestPrefix, describeRedis, uniquePrefix } from '../../helpers/redis.js';
import {
  ManualPushWorld,
  newOpenid,
  postPush,
  recorded,
  sealRaw,
  type Mode,
} from '../../helpers/push-harness.js';
import { describeEachStore } from '../../helpers/stores.js';
import { AUDIT } from '../../helpers/demo-templates.js';

const FIXTURE_TEMPLATE = 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc';

function popupFor(openid: string, createTime: number): string {
  return recorded('popup.xml', {
    openid,
    templates: { [FIXTURE_TEMPLATE]: AUDIT.id },
    createTime,
  });
}

const seal = (plain: string, mode: Mode = 'safe') => sealRaw(plain, { format: 'xml', mode });
const OK = { status: 200, text: 'success' };

describeEachStore(
  (store) => `duplicate deliveries are applied once (${store})`,
  (store) => {
    let world: ManualPushWorld;
    beforeAll(async () => {
      world = await ManualPushWorld.start({ store, aes: true });
    });
    afterAll(() => world.close());

    it('the same request delivered twice is refused as a replay and credits once', async () => {
      const openid = newOpenid();
      const request = seal(popupFor(openid, 1_700_000_000));
      expect(await postPush(world.pushUrl, request)).toEqual(OK);
      expect(await postPush(world.pushUrl, request)).toEqual({ status: 401, text: 'unauthorized' });
      expect(await world.entry(openid, AUDIT.id)).toMatchObject({ remaining: 1, accepted: 1 });
    });

    it("WeChat's retries (signed and encrypted afresh, even in another mode) credit once", async () => {
      const openid = newOpenid();
      const plain = popupFor(openid, 1_700_000_000);
      const responses = await Promise.all([
        postPush(world.pushUrl, seal(plain)),
        postPush(world.pushUrl, seal(plain)),
        postPush(world.pushUrl, seal(plain, 'plaintext')),
      ]);
      expect(responses).toEqual([OK, OK, OK]);
      expect(await world.entry(openid, AUDIT.id)).toMatchObject({ remaining: 1, accepted: 1 });
    });

    it('a second tap (another CreateTime) is a new delivery and credits again', async () => {
      const openid = newOpenid();
      expect(await postPush(world.pushUrl, seal(popupFor(openid, 1_700_000_000)))).toEqual(OK);
      expect(await postPush(world.pushUrl, seal(popupFor(openid, 1_700_000_007)))).toEqual(OK);
      expect(await world.entry(openid, AUDIT.id)).toMatchObject({ remaining: 2, accepted: 2 });
    });
  },
);

describeRedis('duplicate deliveries across two gateway instances sharing one Redis', () => {
  const prefix = uniquePrefix('push-shared');
  let first: ManualPushWorld;
  let second: ManualPushWorld;
  beforeAll(async () => {
    first = await ManualPushWorld.start({ store: 'redis', env: { REDIS_PREFIX: prefix } });
    second = await ManualPushWorld.start({ store: 'redis', env: { REDIS_PREFIX: prefix } });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await deleteTestPrefix(prefix);
  });

  it('one push retried against each instance is applied once', async () => {
    const openid = newOpenid();
    const plain = popupFor(openid, 1_700_000_000);
    expect(
      await Promise.all([
        postPush(first.pushUrl, seal(plain, 'plaintext')),
        postPush(second.pushUrl, seal(plain, 'plaintext')),
      ]),
    ).toEqual([OK, OK]);
    expect(await postPush(second.pushUrl, seal(plain, 'plaintext'))).toEqual(OK);
    // Both instances read the one shared ledger.
    for (const world of [first, second]) {
      expect(await world.entry(openid, AUDIT.id)).toMatchObject({ remaining: 1, accepted: 1 });
    }
  });

  it('a captured query replayed against the other instance with a forged body is refused', async () => {
    const genuine = newOpenid();
    const request = seal(popupFor(genuine, 1_700_000_000), 'plaintext');
    expect(await postPush(first.pushUrl, request)).toEqual(OK);
    const forgedUsers = [newOpenid(), newOpenid()];
    for (const forged of forgedUsers) {
      const replayed = { ...request, body: popupFor(forged, 1_700_000_000) };
      expect(await postPush(second.pushUrl, replayed)).toEqual({
        status: 401,
        text: 'unauthorized',
      });
    }
    expect(await first.entry(genuine, AUDIT.id)).toMatchObject({ remaining: 1 });
    for (const forged of forgedUsers) expect(await second.entry(forged, AUDIT.id)).toBeUndefined();
  });

  it('distinct deliveries split across the instances all count', async () => {
    const openid = newOpenid();
    expect(
      await postPush(first.pushUrl, seal(popupFor(openid, 1_700_000_000), 'plaintext')),
    ).toEqual(OK);
    expect(
      await postPush(second.pushUrl, seal(popupFor(openid, 1_700_000_001), 'plaintext')),
    ).toEqual(OK);
    expect(await first.entry(openid, AUDIT.id)).toMatchObject({ remaining: 2, accepted: 2 });
  });
});
