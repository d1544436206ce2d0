import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  dataOf,
  errorOf,
  grantCredits,
  injectSendError,
  messagesOf,
  newOpenid,
  send,
  sendCalls,
  sendValid,
} from '../../helpers/api.js';
import { describeEachStore, useGateway } from '../../helpers/stores.js';
import { DEMO_TEMPLATE_IDS, VALID_DATA } from '../../helpers/demo-templates.js';

describeEachStore('idempotencyKey', (store) => {
  describe('with QUOTA_POLICY=track', () => {
    const gateway = useGateway(store);

    it('answers a repeated key with the same Message and one WeChat call', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 2);
      const idempotencyKey = randomUUID();
      const before = await sendCalls(t);
      const first = dataOf(await sendValid(t, openid, 'AuditResult', { idempotencyKey }));
      const second = dataOf(await sendValid(t, openid, 'AuditResult', { idempotencyKey }));
      expect(first.sendSubscribeMessage.status).toBe('SENT');
      expect(second.sendSubscribeMessage).toEqual(first.sendSubscribeMessage);
      expect(await sendCalls(t)).toBe(before + 1);
      expect(await messagesOf(t, openid)).toHaveLength(1);
    });

    it('answers 10 concurrent requests with one key with one Message and one WeChat call', async () => {
      const t = gateway();
      const openid = newOpenid();
      // Enough credit that a second call, if made, would visibly succeed.
      await grantCredits(t, openid, 'AuditResult', 10);
      const idempotencyKey = randomUUID();
      const before = await sendCalls(t);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => sendValid(t, openid, 'AuditResult', { idempotencyKey })),
      );
      const messages = results.map((r) => dataOf(r).sendSubscribeMessage);
      expect(new Set(messages.map((m) => m.id)).size).toBe(1);
      expect(messages.every((m) => m.status === 'SENT')).toBe(true);
      expect(await sendCalls(t)).toBe(before + 1);
      expect(await messagesOf(t, openid)).toHaveLength(1);
    });

    it('refuses the same key with different input, naming idempotencyKey, without calling WeChat', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 2);
      const idempotencyKey = randomUUID();
      dataOf(await sendValid(t, openid, 'AuditResult', { idempotencyKey }));
      const before = await sendCalls(t);
      const changed = await send(t, {
        openid,
        templateId: 'AuditResult',
        data: { ...VALID_DATA.AuditResult, thing3: '另一条备注' },
        idempotencyKey,
      });
      expect(errorOf(changed, 'BAD_USER_INPUT').extensions?.field).toBe('idempotencyKey');
      const otherUser = await sendValid(t, newOpenid(), 'AuditResult', { idempotencyKey });
      expect(errorOf(otherUser, 'BAD_USER_INPUT').extensions?.field).toBe('idempotencyKey');
      expect(await sendCalls(t)).toBe(before);
    });

    it('treats the { value } form of the same data as the same input', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 2);
      const idempotencyKey = randomUUID();
      const first = dataOf(await sendValid(t, openid, 'AuditResult', { idempotencyKey }));
      const wrapped = dataOf(
        await send(t, {
          openid,
          templateId: DEMO_TEMPLATE_IDS.AuditResult,
          data: { thing3: { value: '资料齐全' }, phrase2: { value: '已通过' } },
          idempotencyKey,
        }),
      );
      expect(wrapped.sendSubscribeMessage.id).toBe(first.sendSubscribeMessage.id);
    });

    it('does not burn a key on a request refused before WeChat', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 1);
      const idempotencyKey = randomUUID();
      const invalid = await send(t, {
        openid,
        templateId: 'AuditResult',
        data: { phrase2: '审核已经通过了', thing3: '资料齐全' },
        idempotencyKey,
      });
      expect(errorOf(invalid, 'BAD_USER_INPUT').extensions?.field).toBe('phrase2');
      const corrected = dataOf(await sendValid(t, openid, 'AuditResult', { idempotencyKey }));
      expect(corrected.sendSubscribeMessage.status).toBe('SENT');
    });

    it('keeps a WeChat refusal as the key’s outcome', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 1);
      await injectSendError(t, 45168);
      const idempotencyKey = randomUUID();
      const first = dataOf(await sendValid(t, openid, 'AuditResult', { idempotencyKey }));
      expect(first.sendSubscribeMessage).toMatchObject({ status: 'FAILED', errcode: 45168 });
      const before = await sendCalls(t);
      const again = dataOf(await sendValid(t, openid, 'AuditResult', { idempotencyKey }));
      expect(again.sendSubscribeMessage).toEqual(first.sendSubscribeMessage);
      expect(await sendCalls(t)).toBe(before);
    });

    it('a batch of aliased sends that fails on one: a retry with the same keys sends none twice', async () => {
      const t = gateway();
      const [first, second, third] = [newOpenid(), newOpenid(), newOpenid()];
      // Enough credit that a second send of `a`, if made, would go through.
      await grantCredits(t, first, 'AuditResult', 2);
      await grantCredits(t, second, 'AuditResult', 1);
      await grantCredits(t, third, 'AuditResult', 1);
      const BATCH = `mutation Batch($a: SendSubscribeMessageInput!, $b: SendSubscribeMessageInput!, $c: SendSubscribeMessageInput!) {
        a: sendSubscribeMessage(input: $a) { id status }
        b: sendSubscribeMessage(input: $b) { id status }
        c: sendSubscribeMessage(input: $c) { id status }
      }`;
      const a = {
        openid: first,
        templateId: 'AuditResult',
        data: VALID_DATA.AuditResult,
        idempotencyKey: randomUUID(),
      };
      const b = {
        openid: second,
        templateId: 'AuditResult',
        data: { ...VALID_DATA.AuditResult, phrase2: 'not a phrase, far too long for one' },
        idempotencyKey: randomUUID(),
      };
      const c = { ...a, openid: third, idempotencyKey: randomUUID() };
      const before = await sendCalls(t);
      // `a` was sent, `b` fails validation and its non-null Message! nulls the whole data; `c`,
      // after it, does not run.
      const failed = await t.gql(BATCH, { a, b, c });
      expect(failed.body.data).toBeNull();
      expect(errorOf(failed, 'BAD_USER_INPUT').path).toEqual(['b']);
      expect(await sendCalls(t)).toBe(before + 1);

      // The client cannot tell what went through and retries the batch with b corrected.
      const fixed = { ...b, data: VALID_DATA.AuditResult };
      const retried = dataOf(
        await t.gql<Record<'a' | 'b' | 'c', { id: string; status: string }>>(BATCH, {
          a,
          b: fixed,
          c,
        }),
      );
      expect([retried.a.status, retried.b.status, retried.c.status]).toEqual([
        'SENT',
        'SENT',
        'SENT',
      ]);
      expect(await sendCalls(t)).toBe(before + 3);
      expect((await messagesOf(t, first)).map((m) => m.id)).toEqual([retried.a.id]);
      expect(await messagesOf(t, second)).toHaveLength(1);
      expect(await messagesOf(t, third)).toHaveLength(1);
    });

    it('sends twice without a key', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 2);
      const a = dataOf(await sendValid(t, openid, 'AuditResult'));
      const b = dataOf(await sendValid(t, openid, 'AuditResult'));
      expect(a.sendSubscribeMessage.id).not.toBe(b.sendSubscribeMessage.id);
      expect(b.sendSubscribeMessage.status).toBe('SENT');
    });

    it('refuses an empty key, and one of only spaces, without calling WeChat', async () => {
      const t = gateway();
      const before = await sendCalls(t);
      for (const idempotencyKey of ['', '   ', '\u200b']) {
        const result = await sendValid(t, newOpenid(), 'AuditResult', { idempotencyKey });
        expect(errorOf(result, 'BAD_USER_INPUT').extensions?.field).toBe('idempotencyKey');
      }
      expect(await sendCalls(t)).toBe(before);
    });
  });

  describe('with QUOTA_POLICY=enforce', () => {
    const gateway = useGateway(store, { QUOTA_POLICY: 'enforce' });

    it('does not burn a key on a NO_SUBSCRIPTION refusal', async () => {
      const t = gateway();
      const openid = newOpenid();
      const idempotencyKey = randomUUID();
      errorOf(await sendValid(t, openid, 'AuditResult', { idempotencyKey }), 'NO_SUBSCRIPTION');
      await grantCredits(t, openid, 'AuditResult', 1);
      const retried = dataOf(await sendValid(t, openid, 'AuditResult', { idempotencyKey }));
      expect(retried.sendSubscribeMessage.status).toBe('SENT');
    });

    it('spends one credit for 10 concurrent requests with one key', async () => {
      const t = gateway();
      const openid = newOpenid();
      await grantCredits(t, openid, 'AuditResult', 3);
      const idempotencyKey = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => sendValid(t, openid, 'AuditResult', { idempotencyKey })),
      );
      expect(new Set(results.map((r) => dataOf(r).sendSubscribeMessage.id)).size).toBe(1);
      const { subscriptions } = dataOf(
        await t.gql<{ subscriptions: { edges: { node: { remaining: number } }[] } }>(
          `query($o: String!) { subscriptions(filter: { openid: $o }) { edges { node { remaining } } } }`,
          { o: openid },
        ),
      );
      expect(subscriptions.edges[0]!.node.remaining).toBe(2);
    });
  });
});
