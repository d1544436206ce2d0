import { describe, expect, it } from '@jest/globals';
import { Counter, Histogram, Registry } from 'prom-client';
import { TalliedCounter, TalliedHistogram } from '../../../../src/infra/metrics/tallies.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The same metrics twice: prom-client's own, and the tallied ones, each in its registry. */
function pair() {
  const own = new Registry();
  const tallied = new Registry();
  const config = {
    counter: {
      name: 'test_requests_total',
      help: 'Requests, by route and status',
      labelNames: ['route', 'status'] as const,
    },
    histogram: {
      name: 'test_duration_seconds',
      help: 'Durations\\ with "odd" help\nacross lines',
      labelNames: ['endpoint', 'outcome'] as const,
      buckets: BUCKETS,
    },
  };
  const promCounter = new Counter({ ...config.counter, registers: [own] });
  const promHistogram = new Histogram({ ...config.histogram, registers: [own] });
  const counter = new TalliedCounter({ ...config.counter, registers: [tallied] });
  const histogram = new TalliedHistogram({ ...config.histogram, registers: [tallied] });
  return {
    own,
    tallied,
    count(route: string, status: string) {
      promCounter.inc({ route, status });
      counter.inc(route, status);
    },
    observe(value: number, endpoint: string, outcome: string) {
      promHistogram.observe({ endpoint, outcome }, value);
      histogram.observe(value, endpoint, outcome);
    },
  };
}

async function expectSameExport(own: Registry, tallied: Registry): Promise<void> {
  expect(await tallied.metrics()).toBe(await own.metrics());
  expect(await tallied.getMetricsAsJSON()).toEqual(await own.getMetricsAsJSON());
}

describe('tallied metrics', () => {
  it('export what prom-client exports for the same observations, read after read', async () => {
    const metrics = pair();
    await expectSameExport(metrics.own, metrics.tallied);

    const values = [0, 0.005, 0.0051, 0.01, 0.3, 1, 2.5, 9.99, 10, 10.01, 1234.5, 0.1 + 0.2];
    values.forEach((value, i) => {
      metrics.observe(value, i % 3 ? 'subscribe/send' : 'stable_token', i % 2 ? 'ok' : 'refused');
      metrics.count(i % 2 ? '/graphql' : '/wechat/push', String(200 + (i % 3)));
    });
    await expectSameExport(metrics.own, metrics.tallied);

    // New label sets after a read land after the earlier ones, in the order first seen.
    metrics.count('other', '404');
    metrics.count('/graphql', '200');
    metrics.observe(0.07, 'a"quoted\\endpoint\n', 'transport');
    metrics.observe(0.02, 'stable_token', 'ok');
    await expectSameExport(metrics.own, metrics.tallied);
    await expectSameExport(metrics.own, metrics.tallied);
  });

  it('render the same once merged with another registry, as /metrics merges them', async () => {
    const metrics = pair();
    metrics.count('/graphql', '200');
    metrics.observe(0.04, 'subscribe/send', 'ok');
    const other = new Registry();
    new Counter({ name: 'test_other_total', help: 'Other', registers: [other] }).inc();
    expect(await Registry.merge([metrics.tallied, other]).metrics()).toBe(
      await Registry.merge([metrics.own, other]).metrics(),
    );
  });

  it('refuse a value that is not a number, as prom-client does', () => {
    const histogram = new TalliedHistogram({
      name: 'test_nan_seconds',
      help: 'NaN',
      labelNames: ['route'] as const,
      buckets: BUCKETS,
      registers: [],
    });
    expect(() => histogram.observe(Number.NaN, '/graphql')).toThrow(TypeError);
    expect(() => histogram.observe(Number.POSITIVE_INFINITY, '/graphql')).toThrow(TypeError);
  });
});
