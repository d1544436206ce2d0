import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { dataOf, grantCredits, ledgerEntry, newOpenid, send } from '../../helpers/api.js';
import { VALID_DATA, type DemoTemplate } from '../../helpers/demo-templates.js';
import { connectTestRedis, describeRedis } from '../../helpers/redis.js';
import { STUB_ADMIN_KEY, startStubGateway, type StubGateway } from '../../helpers/stub-gateway.js';

/**
 * The corners of a direct send where WeChat's side is uncertain or transient, each against the
 * scriptable stub: what WeChat saw, what the client is told and what the ledger keeps.
 */
function sendValid(
  g: StubGateway,
  openid: string,
  templateId: DemoTemplate,
  extra: { idempotencyKey?: string } = {},
) {
  return send(g.t, { openid, templateId, data: VALID_DATA[templateId], ...extra }, STUB_ADMIN_KEY);
}

describe('direct sends at the edges of WeChat’s answers', () => {
  let g: StubGateway;
  beforeAll(async () => {
    g = await startStubGateway({ env: { QUOTA_POLICY: 'enforce' } });
  });
  afterAll(() => g.close());
  const key = STUB_ADMIN_KEY;

  it('a send that reached WeChat but got no answer: one send seen, UPSTREAM_UNAVAILABLE, the credit stays spent, and the same idempotencyKey makes no second call', async () => {
    const openid = newOpenid();
    await grantCredits(g.t, openid, 'AuditResult', 1, key);
    const before = g.stub.counts.sends;
    g.stub.sendHangUps = 1;
    const first = await g.t.gql(
      `mutation($input: SendSubscribeMessageInput!) { sendSubscribeMessage(input: $input) { id status } }`,
      {
        input: {
          openid,
          templateId: 'AuditResult',
          data: { phrase2: '已通过', thing3: '资料齐全' },
          idempotencyKey: 'hang-up-1',
        },
      },
      { key },
    );
    expect(first.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(g.stub.counts.sends - before).toBe(1);
    // WeChat may have delivered it: the credit is not handed back.
    expect(await ledgerEntry(g.t, openid, 'AuditResult', key)).toMatchObject({
      remaining: 0,
      hasQuota: false,
    });
    await sendValid(g, openid, 'AuditResult', { idempotencyKey: 'hang-up-1' });
    expect(g.stub.counts.sends - before).toBe(1);
  });

  it('a -1 (system busy) answer is retried once: the message is SENT with attempts 2', async () => {
    const openid = newOpenid();
    await grantCredits(g.t, openid, 'AuditResult', 1, key);
    const before = g.stub.counts.sends;
    g.stub.sendErrors = [-1];
    const { sendSubscribeMessage } = dataOf(await sendValid(g, openid, 'AuditResult'));
    expect(sendSubscribeMessage).toMatchObject({ status: 'SENT', attempts: 2 });
    expect(g.stub.counts.sends - before).toBe(2);
  });

  it('43101 on a long-term template revokes it in the ledger', async () => {
    const openid = newOpenid();
    await grantCredits(g.t, openid, 'CourseGradeReleased', 1, key);
    expect(await ledgerEntry(g.t, openid, 'CourseGradeReleased', key)).toMatchObject({
      hasQuota: true,
    });
    g.stub.sendErrors = [43101];
    const { sendSubscribeMessage } = dataOf(await sendValid(g, openid, 'CourseGradeReleased'));
    expect(sendSubscribeMessage).toMatchObject({ status: 'FAILED', errcode: 43101 });
    expect(await ledgerEntry(g.t, openid, 'CourseGradeReleased', key)).toMatchObject({
      hasQuota: false,
    });
  });
});

describeRedis('the idempotency window', () => {
  let g: StubGateway;
  beforeAll(async () => {
    g = await startStubGateway({ store: 'redis' });
  });
  afterAll(() => g.close());

  it('keeps a finished send’s idempotencyKey for 24 hours', async () => {
    const openid = newOpenid();
    const idempotencyKey = `window-${openid}`;
    dataOf(await sendValid(g, openid, 'AuditResult', { idempotencyKey }));
    const redis = await connectTestRedis();
    try {
      const keys: string[] = [];
      for await (const batch of redis.scanIterator({ MATCH: `*:idem:${idempotencyKey}` }))
        keys.push(...batch);
      expect(keys).toHaveLength(1);
      const ttl = await redis.ttl(keys[0]!);
      expect(ttl).toBeGreaterThan(86_400 - 60);
      expect(ttl).toBeLessThanOrEqual(86_400);
    } finally {
      await redis.close();
    }
  });
});
