import { Counter, Gauge, Registry } from 'prom-client';
import type { DeliverySnapshot, Observer } from '../../shared/observer.js';
import { processMetricsRegistry } from './process-metrics.js';
import { operationLabel } from './operation-label.js';
import { TalliedCounter, TalliedHistogram } from './tallies.js';

export interface PrometheusMetrics {
  observer: Observer;
  /** Where the delivery gauges read from when scraped; set once the engines exist. */
  readDeliveryFrom(source: () => Promise<DeliverySnapshot[]>): void;
  /** The gateway's series and the process's, in Prometheus text format. */
  render(): Promise<{ contentType: string; body: string }>;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The metrics adapter: one prom-client Registry per gateway (never the global one), so several
 * gateways in one process keep separate counts.
 */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  const registers = [registry];
  const sends = new TalliedCounter({
    name: 'wsg_sends_total',
    help: 'Subscribe-message sends that reached an outcome, by app, template, status and WeChat errcode ("none" when WeChat gave none)',
    labelNames: ['app', 'template', 'status', 'errcode'] as const,
    registers,
  });
  const sendDuration = new TalliedHistogram({
    name: 'wsg_send_duration_seconds',
    help: 'Time from accepting a send to its outcome, by status',
    labelNames: ['status'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const wechatCalls = new TalliedHistogram({
    name: 'wsg_wechat_request_duration_seconds',
    help: 'WeChat API calls, by endpoint and outcome (ok, refused, transport)',
    labelNames: ['endpoint', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const tokenFetches = new Counter({
    name: 'wsg_token_fetches_total',
    help: 'Access-token fetches from WeChat, by app and outcome (ok, refused, unavailable)',
    labelNames: ['app', 'outcome'] as const,
    registers,
  });
  const tokenRefusals = new Counter({
    name: 'wsg_token_refusals_total',
    help: 'Refusals of the access-token endpoint, by app and errcode',
    labelNames: ['app', 'errcode'] as const,
    registers,
  });
  const pushes = new Counter({
    name: 'wsg_push_deliveries_total',
    help: 'WeChat message-push deliveries, by event kind and outcome',
    labelNames: ['event', 'outcome'] as const,
    registers,
  });
  const httpRequests = new TalliedCounter({
    name: 'wsg_http_requests_total',
    help: 'HTTP requests, by route ("other" for unknown paths) and status',
    labelNames: ['route', 'status'] as const,
    registers,
  });
  const httpDuration = new TalliedHistogram({
    name: 'wsg_http_request_duration_seconds',
    help: 'HTTP request duration, by route',
    labelNames: ['route'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const graphqlOperations = new TalliedCounter({
    name: 'wsg_graphql_operations_total',
    help: 'GraphQL operations, by operation name and outcome (ok, error, rejected)',
    labelNames: ['operation', 'outcome'] as const,
    registers,
  });
  const pruned = new Counter({
    name: 'wsg_messages_pruned_total',
    help: 'Messages deleted from the log by MESSAGE_RETENTION_DAYS, by this process',
    registers,
  });
  const quotaWaits = new Counter({
    name: 'wsg_delivery_quota_waits_total',
    help: 'Engine sends WeChat refused for quota, by app and scope (minute: 45011 wait; day: 45009 pause)',
    labelNames: ['app', 'scope'] as const,
    registers,
  });
  // Read from the engines when scraped: what is waiting now, not what happened.
  let deliverySource: (() => Promise<DeliverySnapshot[]>) | null = null;
  const snapshots = () => deliverySource?.() ?? Promise.resolve([]);
  // Rebuilt from the snapshots on every scrape, so an app or state that went away drops out.
  const deliveryGauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    points: (snapshot: DeliverySnapshot) => Array<[Record<L, string>, number]>,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        this.reset();
        for (const snapshot of await snapshots()) {
          for (const [labels, value] of points(snapshot)) this.set(labels, value);
        }
      },
    });
  deliveryGauge(
    'wsg_delivery_messages',
    'Messages of the delivery engine by app and state (scheduled, held, queued, sending, unknown)',
    ['app', 'state'],
    (s) => Object.entries(s.counts).map(([state, count]) => [{ app: s.appId, state }, count]),
  );
  deliveryGauge(
    'wsg_delivery_rate_limited',
    '1 while the app’s queue waits for its rate limit or WeChat’s minute quota',
    ['app'],
    (s) => [[{ app: s.appId }, s.rateLimited ? 1 : 0]],
  );
  deliveryGauge(
    'wsg_delivery_paused',
    '1 while the app’s queue is paused because WeChat’s daily quota is used up',
    ['app'],
    (s) => [[{ app: s.appId }, s.paused ? 1 : 0]],
  );
  const operation = operationLabel();

  const observer: Observer = {
    send(o) {
      const errcode = o.errcode === null ? 'none' : String(o.errcode);
      sends.inc(o.appId, o.template, o.status, errcode);
      sendDuration.observe(o.durationMs / 1000, o.status);
    },
    wechatCall(o) {
      wechatCalls.observe(o.durationMs / 1000, o.endpoint, o.outcome);
    },
    tokenFetch(o) {
      tokenFetches.inc({ app: o.appId, outcome: o.outcome });
      if (o.outcome === 'refused') {
        tokenRefusals.inc({ app: o.appId, errcode: String(o.errcode ?? 'none') });
      }
    },
    push(o) {
      pushes.inc({ event: o.event, outcome: o.outcome });
    },
    http(o) {
      httpRequests.inc(o.route, String(o.status));
      httpDuration.observe(o.durationMs / 1000, o.route);
    },
    graphql(o) {
      graphqlOperations.inc(operation(o.operation), o.outcome);
    },
    messagesPruned(o) {
      pruned.inc(o.count);
    },
    quotaWait(o) {
      quotaWaits.inc({ app: o.appId, scope: o.scope });
    },
  };

  return {
    observer,
    readDeliveryFrom(source: () => Promise<DeliverySnapshot[]>): void {
      deliverySource = source;
    },
    async render() {
      const merged = Registry.merge([registry, processMetricsRegistry()]);
      return { contentType: merged.contentType, body: await merged.metrics() };
    },
  };
}
