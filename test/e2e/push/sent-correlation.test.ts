import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  ManualPushWorld,
  newOpenid,
  postPush,
  recorded,
  sealRaw,
} from '../../helpers/push-harness.js';
import { describeEachStore } from '../../helpers/stores.js';
import { AUDIT } from '../../helpers/demo-templates.js';

const OK = { status: 200, text: 'success' };

describeEachStore(
  (store) => `subscribe_msg_sent_event correlation by exact msgid (${store})`,
  (store) => {
    let world: ManualPushWorld;
    beforeAll(async () => {
      world = await ManualPushWorld.start({ store, aes: true });
    });
    afterAll(() => world.close());

    function sentPush(openid: string, msgid: string, createTime: number, errorCode = '0') {
      const plain = recorded('sent.json', {
        openid,
        templates: { 'BEwX0BO-T3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8': AUDIT.id },
        // Unquoted: a bare 64-bit number, the form that a JSON.parse would round.
        msgIds: { '"1864323726461255680"': msgid },
        createTime,
      }).replace('"ErrorCode": "0"', `"ErrorCode": "${errorCode}"`);
      return postPush(world.pushUrl, sealRaw(plain, { format: 'json', mode: 'safe' }));
    }

    it('a msgid one off ours (the same JS number) does not touch our message; ours does', async () => {
      const openid = newOpenid();
      const message = await world.sentMessage(openid);
      // The double nearest our msgid, or the integer after it: either way another id that a
      // JSON.parse would turn into the very same JS number.
      const rounded = BigInt(Number(message.msgid));
      const neighbour = String(rounded === BigInt(message.msgid) ? rounded + 1n : rounded);
      expect(neighbour).not.toBe(message.msgid);
      expect(Number(neighbour)).toBe(Number(message.msgid));

      expect(await sentPush(openid, neighbour, 1_700_000_001)).toEqual(OK);
      expect(await world.message(message.id)).toEqual(message);

      expect(await sentPush(openid, message.msgid, 1_700_000_002)).toEqual(OK);
      expect(await world.message(message.id)).toEqual({
        ...message,
        status: 'DELIVERED',
        deliveredAt: new Date(1_700_000_002_000).toISOString(),
        deliveryErrorCode: 0,
        deliveryErrorStatus: 'success',
      });
    });

    it('a non-zero ErrorCode marks the message DELIVERY_FAILED with the code and status', async () => {
      const openid = newOpenid();
      const message = await world.sentMessage(openid);
      expect(await sentPush(openid, message.msgid, 1_700_000_003, '50002')).toEqual(OK);
      expect(await world.message(message.id)).toMatchObject({
        status: 'DELIVERY_FAILED',
        msgid: message.msgid,
        deliveredAt: new Date(1_700_000_003_000).toISOString(),
        deliveryErrorCode: 50002,
        deliveryErrorStatus: 'success',
      });
    });

    it('a delivery result naming another user than the message is ignored', async () => {
      const openid = newOpenid();
      const message = await world.sentMessage(openid);
      expect(await sentPush(newOpenid(), message.msgid, 1_700_000_004)).toEqual(OK);
      expect(await world.message(message.id)).toEqual(message);
    });
  },
);
