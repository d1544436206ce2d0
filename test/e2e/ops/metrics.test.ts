import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  dataOf,
  grantCredits,
  injectSendError,
  newOpenid,
  send,
  sendValid,
} from '../../helpers/api.js';
import { VALID_DATA } from '../../helpers/demo-templates.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { parsePrometheus, sumOf, type Sample } from '../../helpers/prometheus-text.js';
import { PUSH_TOKEN } from '../../helpers/push-harness.js';
import { STUB_ADMIN_KEY, startStubGateway } from '../../helpers/stub-gateway.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

async function scrape(t: TestGateway, token: string | null = METRICS_TOKEN): Promise<Sample[]> {
  const response = await fetch(`${t.gateway.url}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await response.text());
}

describe('/metrics', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({
      env: { METRICS_TOKEN, WECHAT_PUSH_TOKEN: PUSH_TOKEN },
    });
  });
  afterAll(() => t.close());

  it('needs Authorization: Bearer <METRICS_TOKEN> when one is set', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789abcdef' },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${t.gateway.url}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await response.text()).not.toContain('wsg_');
    }
    await scrape(t);
  });

  it('counts sends by app, template, status and errcode, WeChat calls, token fetches and pushes', async () => {
    const openid = newOpenid();
    await grantCredits(t, openid, 'AuditResult', 2);
    expect(dataOf(await sendValid(t, openid, 'AuditResult')).sendSubscribeMessage.status).toBe(
      'SENT',
    );
    await injectSendError(t, 43101);
    expect(dataOf(await sendValid(t, openid, 'AuditResult')).sendSubscribeMessage.errcode).toBe(
      43101,
    );
    // The simulator pushes the sent event of the first send to the gateway.
    await t.gateway.simulator!.instance.whenIdle();

    const samples = await scrape(t);
    const app = t.gateway.appId;
    expect(
      sumOf(samples, 'wsg_sends_total', {
        app,
        template: 'AuditResult',
        status: 'SENT',
        errcode: 'none',
      }),
    ).toBe(1);
    expect(
      sumOf(samples, 'wsg_sends_total', {
        template: 'AuditResult',
        status: 'FAILED',
        errcode: '43101',
      }),
    ).toBe(1);
    const send = '/cgi-bin/message/subscribe/send';
    expect(
      sumOf(samples, 'wsg_wechat_request_duration_seconds_count', {
        endpoint: send,
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(
      sumOf(samples, 'wsg_wechat_request_duration_seconds_count', {
        endpoint: send,
        outcome: 'refused',
      }),
    ).toBe(1);
    expect(
      sumOf(samples, 'wsg_wechat_request_duration_seconds_bucket', {
        endpoint: send,
        outcome: 'ok',
        le: '+Inf',
      }),
    ).toBe(1);
    expect(
      sumOf(samples, 'wsg_token_fetches_total', { app, outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sumOf(samples, 'wsg_token_refusals_total')).toBe(0);
    expect(
      sumOf(samples, 'wsg_push_deliveries_total', { event: 'sent', outcome: 'applied' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('counts HTTP requests by route and status, unknown paths as "other"', async () => {
    const before = await scrape(t);
    await fetch(`${t.gateway.url}/no/such/thing`);
    await fetch(`${t.gateway.url}/another/${Math.random()}`);
    await fetch(`${t.gateway.url}/healthz`);
    const after = await scrape(t);
    const delta = (labels: Record<string, string>) =>
      sumOf(after, 'wsg_http_requests_total', labels) -
      sumOf(before, 'wsg_http_requests_total', labels);
    expect(delta({ route: 'other', status: '404' })).toBe(2);
    expect(delta({ route: '/healthz', status: '200' })).toBe(1);
    // The scrape that produced `before` is counted once it has been answered.
    expect(delta({ route: '/metrics', status: '200' })).toBe(1);
    const routes = new Set(
      after.filter((s) => s.name === 'wsg_http_requests_total').map((s) => s.labels.route),
    );
    expect([...routes].every((route) => route === 'other' || route!.startsWith('/'))).toBe(true);
    expect([...routes].some((route) => route!.includes('such'))).toBe(false);
  });

  it('counts GraphQL operations by sanitised name and outcome', async () => {
    const before = await scrape(t);
    const post = (body: unknown) =>
      fetch(t.gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    await post({ query: 'query ListTemplates { templates { name } }' });
    await post({ query: 'query ListTemplates { templates { nope } }' });
    await post({ query: '{ templates { name } }' });
    await post({ query: 'query Broken {', operationName: 'Bro"ken\n{x}' });
    const after = await scrape(t);
    const delta = (labels: Record<string, string>) =>
      sumOf(after, 'wsg_graphql_operations_total', labels) -
      sumOf(before, 'wsg_graphql_operations_total', labels);
    expect(delta({ operation: 'ListTemplates', outcome: 'ok' })).toBe(1);
    expect(delta({ operation: 'ListTemplates', outcome: 'rejected' })).toBe(1);
    expect(delta({ operation: 'anonymous', outcome: 'ok' })).toBe(1);
    expect(delta({ operation: 'Brokenx', outcome: 'rejected' })).toBe(1);
  });

  it('includes the default process metrics', async () => {
    const samples = await scrape(t);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(samples.some((sample) => sample.name === name)).toBe(true);
    }
  });

  it('keeps separate counts for each gateway in one process, and is open when no token is set', async () => {
    const other = await startStubGateway();
    try {
      const samples = await scrape(other.t, null);
      expect(sumOf(samples, 'wsg_sends_total')).toBe(0);
      expect(sumOf(samples, 'wsg_wechat_request_duration_seconds_count')).toBe(0);
      expect(samples.some((sample) => sample.name === 'process_cpu_user_seconds_total')).toBe(true);
      expect(sumOf(await scrape(t), 'wsg_sends_total')).toBe(2);
    } finally {
      await other.close();
    }
  });
});

it('counts token endpoint refusals and transport failures', async () => {
  const live = await startStubGateway();
  try {
    const once = () =>
      send(
        live.t,
        { openid: newOpenid(), templateId: 'AuditResult', data: VALID_DATA.AuditResult },
        STUB_ADMIN_KEY,
      );
    live.stub.sendHangUps = 1;
    await once();
    live.stub.tokenErrorAlways = 40164;
    live.stub.sendErrors.push(40001);
    await once();
    const samples = await scrape(live.t, null);
    const app = live.stub.appId;
    expect(sumOf(samples, 'wsg_token_fetches_total', { app, outcome: 'ok' })).toBe(1);
    expect(sumOf(samples, 'wsg_token_fetches_total', { app, outcome: 'refused' })).toBe(1);
    expect(sumOf(samples, 'wsg_token_refusals_total', { app, errcode: '40164' })).toBe(1);
    expect(
      sumOf(samples, 'wsg_wechat_request_duration_seconds_count', {
        endpoint: '/cgi-bin/message/subscribe/send',
        outcome: 'transport',
      }),
    ).toBe(1);
    expect(sumOf(samples, 'wsg_sends_total', { status: 'FAILED', errcode: 'none' })).toBe(2);
  } finally {
    await live.close();
  }
});
