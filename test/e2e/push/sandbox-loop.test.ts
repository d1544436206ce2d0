import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startTestGateway } from '../../helpers/gateway.js';
import {
  GatewayView,
  PUSH_AES_KEY,
  PUSH_TOKEN,
  newOpenid,
  type MessageView,
} from '../../helpers/push-harness.js';
import { describeEachStore } from '../../helpers/stores.js';
import { AUDIT } from '../../helpers/demo-templates.js';

const MODES = [
  ['plaintext', { WECHAT_PUSH_TOKEN: PUSH_TOKEN }],
  ['safe mode', { WECHAT_PUSH_TOKEN: PUSH_TOKEN, WECHAT_PUSH_AES_KEY: PUSH_AES_KEY }],
] as const;

for (const [mode, env] of MODES) {
  describeEachStore(
    (store) => `sandbox loop: the simulator pushes to the gateway (${store}, ${mode})`,
    (store) => {
      let view: GatewayView;
      beforeAll(async () => {
        view = new GatewayView(await startTestGateway({ store, env: { ...env } }));
      });
      afterAll(() => view.close());

      const simulator = () => view.t.gateway.simulator!.instance;

      /** The message once the simulator's sent-event push has landed (it follows the reply). */
      async function settled(id: string): Promise<MessageView | null> {
        await simulator().whenIdle();
        let message = await view.message(id);
        for (let i = 0; i < 50 && message?.status === 'SENT'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          message = await view.message(id);
        }
        return message;
      }

      it('a tap on the simulator alone shows up as a credit (no subscribe mutation)', async () => {
        const openid = newOpenid();
        await view.t.sim('subscribe', { openid, templateIds: [AUDIT.name] });
        expect(await view.entry(openid, AUDIT.id)).toEqual({
          templateId: AUDIT.id,
          status: 'ACCEPT',
          remaining: 1,
          accepted: 1,
          source: 'EVENTS',
        });
      });

      it('quick repeated taps by one user each count', async () => {
        const openid = newOpenid();
        for (let i = 0; i < 3; i++) {
          await view.t.sim('subscribe', { openid, templateIds: [AUDIT.name] });
        }
        expect(await view.entry(openid, AUDIT.id)).toMatchObject({ remaining: 3, accepted: 3 });
      });

      it('the subscribe mutation (which replays the tap) counts it once', async () => {
        const openid = newOpenid();
        await view.subscribe(openid, AUDIT.name);
        expect(await view.entry(openid, AUDIT.id)).toMatchObject({ remaining: 1, accepted: 1 });
      });

      it('a send ends DELIVERED with deliveredAt, through the sent-event push', async () => {
        const openid = newOpenid();
        await view.t.sim('subscribe', { openid, templateIds: [AUDIT.name, 'OrderShipped'] });
        await view.t.sim('subscribe', { openid, templateIds: [AUDIT.name] });
        const first = await view.sendAudit(openid);
        const second = await view.sendAudit(openid);
        for (const sent of [first, second]) {
          expect(sent).toMatchObject({ status: 'SENT' });
          const message = await settled(sent.id);
          expect(message).toMatchObject({
            status: 'DELIVERED',
            msgid: sent.msgid,
            deliveryErrorCode: 0,
            deliveryErrorStatus: 'success',
          });
          expect(message?.deliveredAt).toEqual(expect.any(String));
        }
      });

      it('turning a template off in the simulator zeroes the credit', async () => {
        const openid = newOpenid();
        await view.t.sim('subscribe', { openid, templateIds: [AUDIT.name] });
        await view.t.sim('unsubscribe', { openid, templateId: AUDIT.name });
        expect(await view.entry(openid, AUDIT.id)).toMatchObject({
          status: 'REJECT',
          remaining: 0,
          source: 'EVENTS',
        });
      });

      it('no push was refused or retried along the way', () => {
        const trouble = view.t.logger.lines.filter(
          (l) => l.level === 'warn' || l.level === 'error',
        );
        expect(trouble).toEqual([]);
      });

      // Last: the lost answer is logged as a warning, which the test above forbids.
      it('a later send whose answer was lost is UNKNOWN until its sent event settles it, credit counted', async () => {
        const openid = newOpenid();
        for (let i = 0; i < 2; i++)
          await view.t.sim('subscribe', { openid, templateIds: [AUDIT.name] });
        // WeChat delivers it and pushes the event, but its answer to the send never arrives.
        await view.t.sim('hangups', { times: 1 });
        const { scheduleAuditResult: scheduled } = await view.gql<{
          scheduleAuditResult: { id: string };
        }>(
          `mutation($o:String!){ scheduleAuditResult(input:{openid:$o, data:{phrase2:"审核通过", thing3:"资料齐全"}, when:{delaySeconds:1}}) { id } }`,
          { o: openid },
        );
        const state = async () =>
          (
            await view.gql<{
              message: { status: string; msgid: string | null; errmsg: string | null };
            }>(`query($id:ID!){ message(id:$id) { status msgid errmsg } }`, { id: scheduled.id })
          ).message;
        let message = await state();
        for (let i = 0; i < 200 && message.status !== 'DELIVERED'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          message = await state();
        }
        expect(message).toEqual({
          status: 'DELIVERED',
          msgid: expect.stringMatching(/^\d+$/),
          errmsg: null,
        });
        expect(await view.entry(openid, AUDIT.id)).toMatchObject({ remaining: 1, accepted: 2 });
        expect(view.t.logger.lines.some((l) => l.msg === 'UNKNOWN message reconciled')).toBe(true);
      });
    },
  );
}
