import type { ChildProcess } from 'node:child_process';
import { afterEach, expect, it } from '@jest/globals';
import { connectQueueRedis } from '../../../src/infra/redis/queue-connection.js';
import { startDeliveryHarness, type DeliveryHarness } from '../../helpers/delivery-harness.js';
import { deletePrefix, describeRedis, testRedisUrl, uniquePrefix } from '../../helpers/redis.js';
import { startWeChatStub, type WeChatStub } from '../../helpers/wechat-stub.js';
import { spawnTsProcess, until, WORKER_CHILD } from '../../helpers/worker-process.js';

const WORKER_MAIN = new URL('../../../src/worker-main.ts', import.meta.url).pathname;

describeRedis('delivery workers in processes of their own', () => {
  let stub: WeChatStub | null = null;
  let api: DeliveryHarness | null = null;
  let prefix = '';
  const children: ChildProcess[] = [];

  /** The API side (schedules, never works jobs) and a worker env on one prefix and stub. */
  async function setUp() {
    stub = await startWeChatStub();
    prefix = uniquePrefix('workers');
    api = await startDeliveryHarness('bullmq', { runWorkers: false, prefix, stub });
    const childEnv = {
      STUB_URL: stub.url,
      APP_ID: stub.appId,
      APP_SECRET: stub.appSecret,
      REDIS_URL: testRedisUrl!,
      PREFIX: prefix,
      LOCK_MS: '1000',
    };
    const startChild = async () => {
      const running = await spawnTsProcess(WORKER_CHILD, childEnv, /ready/);
      children.push(running.child);
      return running;
    };
    return { stub, api, startChild };
  }

  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await api?.close();
    await stub?.close();
    const client = await connectQueueRedis(testRedisUrl!);
    await deletePrefix(client, prefix);
    await client.close();
    api = null;
    stub = null;
  });

  const schedule = (h: DeliveryHarness, openid: string) =>
    h.delivery.service.schedule({
      openid,
      templateId: h.templateId,
      data: { thing1: '已发货' },
      when: { sendAt: new Date() },
    });

  it('kill -9 mid-send: the next worker marks the message UNKNOWN and never resends it', async () => {
    const { stub, api, startChild } = await setUp();
    stub.sendDelayMs = Infinity; // WeChat receives the request and never answers
    const first = await startChild();
    const message = await schedule(api, 'oKilledMidSend');
    await until(async () => stub.sendLog.length === 1, 'the send to reach WeChat', 20_000);
    expect((await api.stores.messages.get(api.appId, message.id))?.status).toBe('SENDING');
    first.child.kill('SIGKILL');
    await first.exited;

    stub.sendDelayMs = 0;
    await startChild();
    const settled = await api.waitFor(message.id, ['UNKNOWN', 'SENT', 'FAILED']);
    expect(settled.status).toBe('UNKNOWN');
    await new Promise((resolve) => setTimeout(resolve, 1500)); // another stall check or two
    expect(stub.sendLog).toEqual([{ touser: 'oKilledMidSend', templateId: api.templateId }]);
    expect((await api.stores.messages.get(api.appId, message.id))?.status).toBe('UNKNOWN');
  });

  it('SIGTERM: the worker finishes the send in flight, then exits 0', async () => {
    const { stub, api, startChild } = await setUp();
    stub.sendDelayMs = 1500;
    const worker = await startChild();
    const message = await schedule(api, 'oStoppedGracefully');
    await until(async () => stub.sendLog.length === 1, 'the send to reach WeChat', 20_000);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect((await api.stores.messages.get(api.appId, message.id))?.status).toBe('SENT');
    expect(stub.counts.sends).toBe(1);
  });

  it('npm run worker (worker-main): works the queue and exits 0 on SIGTERM', async () => {
    const { stub, api } = await setUp();
    const worker = await spawnTsProcess(
      WORKER_MAIN,
      {
        WECHAT_APP_ID: stub.appId,
        WECHAT_APP_SECRET: stub.appSecret,
        WECHAT_API_BASE: stub.url,
        REDIS_URL: testRedisUrl!,
        REDIS_PREFIX: prefix,
        LOG_LEVEL: 'silent',
        WORKER_CONCURRENCY: '2',
        SEND_RATE_LIMIT: '50/1s',
        WORKER_OPS_PORT: '0',
      },
      /worker for app/,
    );
    children.push(worker.child);
    const message = await schedule(api, 'oWorkerMain');
    expect((await api.waitFor(message.id, ['SENT', 'FAILED', 'UNKNOWN'])).status).toBe('SENT');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});
