import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from '@jest/globals';
import { connectQueueRedis } from '../../../src/infra/redis/queue-connection.js';
import {
  startDeliveryHarness,
  TEMPLATE,
  type DeliveryHarness,
} from '../../helpers/delivery-harness.js';
import { startPrivateRedis, type PrivateRedis } from '../../helpers/private-redis.js';
import { parsePrometheus, sumOf, type Sample } from '../../helpers/prometheus-text.js';
import { deletePrefix, describeRedis, testRedisUrl, uniquePrefix } from '../../helpers/redis.js';
import { startWeChatStub, type WeChatStub } from '../../helpers/wechat-stub.js';
import { spawnTsProcess, until, type RunningProcess } from '../../helpers/worker-process.js';

const WORKER_MAIN = new URL('../../../src/worker-main.ts', import.meta.url).pathname;
const METRICS_TOKEN = 'worker-metrics-0123456789abcdef';
const TEMPLATE_NAME = 'ShipNotice';
const SEND_PATH = '/cgi-bin/message/subscribe/send';

interface ReadyBody {
  status: string;
  failed: string[];
  checks: Record<string, { ok: boolean; reason?: string; [detail: string]: unknown }>;
}

describeRedis('a worker-only process: /healthz, /readyz and /metrics', () => {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  let templatesDir = '';

  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    if (templatesDir) await rm(templatesDir, { recursive: true, force: true });
    templatesDir = '';
  });

  /** The harness's template, named, in a file the worker loads with TEMPLATES_FILE. */
  async function templatesFile(): Promise<string> {
    templatesDir = await mkdtemp(join(tmpdir(), 'worker-ops-'));
    const file = join(templatesDir, 'templates.json');
    await writeFile(
      file,
      JSON.stringify({
        templates: [
          {
            priTmplId: TEMPLATE.id,
            name: TEMPLATE_NAME,
            title: TEMPLATE.title,
            content: TEMPLATE.content,
            type: 2,
          },
        ],
      }),
    );
    return file;
  }

  async function startStub(): Promise<WeChatStub> {
    const stub = await startWeChatStub();
    cleanups.push(() => stub.close());
    return stub;
  }

  /** The API side on the shared Redis: schedules, never works jobs. */
  async function startApi(stub: WeChatStub, prefix: string): Promise<DeliveryHarness> {
    const api = await startDeliveryHarness('bullmq', { runWorkers: false, prefix, stub });
    cleanups.push(async () => {
      await api.close();
      const client = await connectQueueRedis(testRedisUrl!);
      await deletePrefix(client, prefix);
      await client.close();
    });
    return api;
  }

  /** `npm run worker` as an operator starts it, its operations listener on a free port. */
  async function startWorker(
    stub: WeChatStub,
    env: Record<string, string>,
  ): Promise<RunningProcess & { opsUrl: string }> {
    const running = await spawnTsProcess(
      WORKER_MAIN,
      {
        WECHAT_APP_ID: stub.appId,
        WECHAT_APP_SECRET: stub.appSecret,
        WECHAT_API_BASE: stub.url,
        LOG_LEVEL: 'silent',
        WORKER_OPS_PORT: '0',
        ...env,
      },
      /\/metrics at (http:\/\/[\d.]+:\d+)/,
    );
    children.push(running.child);
    return { ...running, opsUrl: running.ready[1]! };
  }

  const schedule = (api: DeliveryHarness, openid: string) =>
    api.delivery.service.schedule({
      openid,
      templateId: api.templateId,
      data: { thing1: '已发货' },
      when: { sendAt: new Date() },
    });

  async function probe(url: string, path: '/healthz' | '/readyz') {
    const response = await fetch(`${url}${path}`);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: response.status, body: (await response.json()) as ReadyBody };
  }

  async function scrape(url: string): Promise<Sample[]> {
    const response = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return parsePrometheus(await response.text());
  }

  it('is live and ready, counts the scheduled send it made, and closes its listener on SIGTERM', async () => {
    const stub = await startStub();
    const prefix = uniquePrefix('worker-ops');
    const api = await startApi(stub, prefix);
    const worker = await startWorker(stub, {
      REDIS_URL: testRedisUrl!,
      REDIS_PREFIX: prefix,
      TEMPLATES_FILE: await templatesFile(),
      METRICS_TOKEN,
    });

    expect(await probe(worker.opsUrl, '/healthz')).toEqual({
      status: 200,
      body: { status: 'ok', mode: 'live' },
    });
    const ready = await probe(worker.opsUrl, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ready',
      failed: [],
      checks: {
        redis: { ok: true },
        templates: { ok: true, count: { default: 1 } },
        token: { ok: true },
        shutdown: { ok: true },
      },
    });

    for (const authorization of [undefined, 'Bearer wrong-token-0123456789abcdef']) {
      const refused = await fetch(`${worker.opsUrl}/metrics`, {
        headers: authorization ? { authorization } : {},
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await refused.text()).not.toContain('wsg_');
    }

    const message = await schedule(api, 'oWorkerOps');
    expect((await api.waitFor(message.id, ['SENT', 'FAILED', 'UNKNOWN'])).status).toBe('SENT');

    const app = stub.appId;
    const samples = await scrape(worker.opsUrl);
    expect(
      sumOf(samples, 'wsg_sends_total', {
        app,
        template: TEMPLATE_NAME,
        status: 'SENT',
        errcode: 'none',
      }),
    ).toBe(1);
    expect(sumOf(samples, 'wsg_send_duration_seconds_count', { status: 'SENT' })).toBe(1);
    expect(
      sumOf(samples, 'wsg_wechat_request_duration_seconds_count', {
        endpoint: SEND_PATH,
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(
      sumOf(samples, 'wsg_token_fetches_total', { app, outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    // The queue gauges are read from the engine when scraped: every state, the sent one gone.
    const states = samples
      .filter((s) => s.name === 'wsg_delivery_messages' && s.labels.app === app)
      .map((s) => s.labels.state)
      .sort();
    expect(states).toEqual(['held', 'queued', 'scheduled', 'sending', 'unknown']);
    expect(sumOf(samples, 'wsg_delivery_messages', { app })).toBe(0);
    expect(samples.filter((s) => s.name === 'wsg_delivery_paused')).toEqual([
      { name: 'wsg_delivery_paused', labels: { app }, value: 0 },
    ]);
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);

    // SIGTERM with a send in flight: the listener goes first, then the send finishes.
    stub.sendDelayMs = 4000;
    const inFlight = await schedule(api, 'oWorkerOpsInFlight');
    await until(() => stub.sendLog.length === 2, 'the second send to reach WeChat', 20_000);
    worker.child.kill('SIGTERM');
    await until(
      () =>
        fetch(`${worker.opsUrl}/healthz`).then(
          () => false,
          () => true,
        ),
      'the operations listener to close',
      20_000,
    );
    expect((await api.stores.messages.get(api.appId, inFlight.id))?.status).toBe('SENDING');
    expect(await worker.exited).toBe(0);
    expect((await api.stores.messages.get(api.appId, inFlight.id))?.status).toBe('SENT');
  });

  it('names the templates check without templates, and the token check while a refusal is remembered', async () => {
    const stub = await startStub();
    const prefix = uniquePrefix('worker-ops');
    const api = await startApi(stub, prefix);
    const worker = await startWorker(stub, { REDIS_URL: testRedisUrl!, REDIS_PREFIX: prefix });

    const bare = await probe(worker.opsUrl, '/readyz');
    expect(bare.status).toBe(503);
    expect(bare.body.failed).toEqual(['templates']);
    expect(bare.body.checks.templates!.reason).toMatch(/TEMPLATES_FILE/);
    // syncTemplates is a mutation of the API, which a worker does not serve.
    expect(bare.body.checks.templates!.reason).not.toMatch(/syncTemplates/);

    stub.tokenErrorAlways = 40164;
    await schedule(api, 'oWorkerOpsRefused');
    await until(
      async () => (await probe(worker.opsUrl, '/readyz')).body.failed.includes('token'),
      'the worker to remember the refusal',
      20_000,
    );
    const refused = await probe(worker.opsUrl, '/readyz');
    expect(refused.status).toBe(503);
    expect(refused.body.failed).toEqual(['templates', 'token']);
    expect(refused.body.checks.token).toMatchObject({
      ok: false,
      errcode: 40164,
      apps: ['default'],
    });
    // No METRICS_TOKEN: /metrics is open, as the gateway's is.
    const open = await fetch(`${worker.opsUrl}/metrics`);
    expect(open.status).toBe(200);
    const samples = parsePrometheus(await open.text());
    expect(
      sumOf(samples, 'wsg_token_refusals_total', { app: stub.appId, errcode: '40164' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sumOf(samples, 'wsg_token_fetches_total', { app: stub.appId, outcome: 'refused' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('answers 503 naming redis while its Redis is down, and stays live', async () => {
    const stub = await startStub();
    const redis: PrivateRedis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    const worker = await startWorker(stub, {
      REDIS_URL: redis.url,
      REDIS_PREFIX: uniquePrefix('worker-ops'),
      TEMPLATES_FILE: await templatesFile(),
    });
    expect((await probe(worker.opsUrl, '/readyz')).status).toBe(200);

    await redis.stop();
    const down = await probe(worker.opsUrl, '/readyz');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not ready');
    expect(down.body.failed).toEqual(['redis']);
    expect(down.body.checks.redis).toMatchObject({ ok: false, reason: expect.any(String) });
    expect((await probe(worker.opsUrl, '/healthz')).status).toBe(200);
  });

  it('refuses to start on a taken WORKER_OPS_PORT, naming the setting', async () => {
    const stub = await startStub();
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => taken.close(resolve)));
    const port = (taken.address() as { port: number }).port;
    const prefix = uniquePrefix('worker-ops');
    // The worker opens its queue before it finds the port taken: its keys go with the test.
    cleanups.push(async () => {
      const client = await connectQueueRedis(testRedisUrl!);
      await deletePrefix(client, prefix);
      await client.close();
    });
    await expect(
      startWorker(stub, {
        REDIS_URL: testRedisUrl!,
        REDIS_PREFIX: prefix,
        WORKER_OPS_PORT: String(port),
      }),
    ).rejects.toThrow(
      new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use.*set WORKER_OPS_PORT`),
    );
  });
});
