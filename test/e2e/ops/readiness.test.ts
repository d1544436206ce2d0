import { afterEach, describe, expect, it } from '@jest/globals';
import { errorOf, newOpenid, send } from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { startPrivateRedis, type PrivateRedis } from '../../helpers/private-redis.js';
import { describeRedis, uniquePrefix } from '../../helpers/redis.js';
import { STUB_ADMIN_KEY, startStubGateway, type StubGateway } from '../../helpers/stub-gateway.js';

interface ReadyBody {
  status: string;
  failed: string[];
  checks: Record<string, { ok: boolean; reason?: string; [detail: string]: unknown }>;
}

async function probe(t: TestGateway, path: '/healthz' | '/readyz') {
  const response = await fetch(`${t.gateway.url}${path}`);
  return { status: response.status, body: (await response.json()) as ReadyBody };
}

describe('/healthz and /readyz', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a healthy gateway is live and ready, with every check named', async () => {
    const t = await startTestGateway();
    cleanups.push(() => t.close());
    expect(await probe(t, '/healthz')).toEqual({
      status: 200,
      body: { status: 'ok', mode: 'sandbox' },
    });
    const ready = await probe(t, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      failed: [],
      checks: { templates: { ok: true }, token: { ok: true }, shutdown: { ok: true } },
    });
    // Templates are counted per app (the sandbox serves more than one demo app).
    const counts = Object.values(ready.body.checks.templates!.count as Record<string, number>);
    expect(counts.length).toBeGreaterThan(0);
    for (const count of counts) expect(count).toBeGreaterThan(0);
    // No Redis configured: nothing to check there.
    expect(ready.body.checks.redis).toBeUndefined();
  });

  it('fails readiness at once when shutdown starts, while liveness holds', async () => {
    const t = await startTestGateway();
    cleanups.push(() => t.close());
    t.gateway.markShuttingDown();
    const ready = await probe(t, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'not ready',
      failed: ['shutdown'],
      checks: { shutdown: { ok: false, reason: 'shutting down' } },
    });
    expect((await probe(t, '/healthz')).status).toBe(200);
  });

  it('is not ready without templates', async () => {
    const live: StubGateway = await startStubGateway({ templates: false });
    cleanups.push(() => live.close());
    const ready = await probe(live.t, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.failed).toEqual(['templates']);
    expect(ready.body.checks.templates!.reason).toMatch(/TEMPLATES_FILE.*syncTemplates/);
  });

  it('is not ready while a refusal of the token endpoint is remembered, and asks WeChat nothing', async () => {
    const live = await startStubGateway();
    cleanups.push(() => live.close());
    live.stub.tokenErrorAlways = 40164;
    const refused = await send(
      live.t,
      { openid: newOpenid(), templateId: 'AuditResult', data: VALID_DATA.AuditResult },
      STUB_ADMIN_KEY,
    );
    errorOf(refused, 'WECHAT_CREDENTIALS_REJECTED');
    const tokenCalls = live.stub.counts.stable;
    const ready = await probe(live.t, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.failed).toEqual(['token']);
    expect(ready.body.checks.token).toMatchObject({ ok: false, errcode: 40164, apps: ['default'] });
    expect(ready.body.checks.token!.reason).toMatch(/whitelist|IP/i);
    expect(live.stub.counts.stable).toBe(tokenCalls);
  });
});

describeRedis('/readyz and Redis', () => {
  let redis: PrivateRedis | null = null;
  let t: TestGateway | null = null;
  afterEach(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('names Redis when it stops answering, and is ready again once it is back', async () => {
    redis = await startPrivateRedis();
    t = await startTestGateway({
      env: { REDIS_URL: redis.url, REDIS_PREFIX: uniquePrefix('ready') },
    });
    const ready = await probe(t, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.redis).toMatchObject({ ok: true });

    await redis.stop();
    const down = await probe(t, '/readyz');
    expect(down.status).toBe(503);
    expect(down.body.failed).toEqual(['redis']);
    expect(down.body.checks.redis!.reason).toEqual(expect.any(String));
    // Liveness does not depend on Redis: restarting the process would not bring Redis back.
    expect((await probe(t, '/healthz')).status).toBe(200);

    await redis.start();
    let again = await probe(t, '/readyz');
    for (let i = 0; i < 100 && again.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      again = await probe(t, '/readyz');
    }
    expect(again.status).toBe(200);
  });
});
