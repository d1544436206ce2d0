import type { Config } from '../../config.js';
import { createPrometheusMetrics } from '../../infra/metrics/prometheus-observer.js';
import type { RedisClient } from '../../infra/redis/redis-connection.js';
import { RequestLogScope } from '../../infra/request-scoped-logger.js';
import type { Logger } from '../../shared/logger.js';
import type { Observer } from '../../shared/observer.js';
import { createAuthenticator } from '../authenticate.js';
import type { Route } from '../router.js';
import { graphqlTelemetryPlugin } from './graphql-telemetry-plugin.js';
import { healthRoute, metricsRoute, readinessRoute } from './ops-routes.js';
import { Readiness, type ReadinessCheck } from './readiness.js';
import { withRequestTelemetry, type RequestHandler } from './request-telemetry.js';
import { routeLabeler } from './route-label.js';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';
export const METRICS_PATH = '/metrics';

export interface ReadinessSources {
  redis?: RedisClient;
  templateCount(): number;
  /** The token endpoint's remembered refusal, while it lasts. */
  tokenRefusal(): { errcode: number; message: string; until: number } | null;
}

/**
 * What operators see of a gateway: request ids and access lines, metrics, health and readiness.
 * Made before the services (they take its logger and observer), installed once the routes exist.
 */
export type Operations = ReturnType<typeof createOperations>;

export function createOperations(config: Config, baseLogger: Logger) {
  const scope = new RequestLogScope();
  const metrics = createPrometheusMetrics();
  const observer: Observer = metrics.observer;
  let readiness: Readiness | null = null;
  return {
    /** Writes through the current request's logger, so its lines carry the request id. */
    logger: scope.wrap(baseLogger),
    observer,
    graphqlPlugin: graphqlTelemetryPlugin(scope, observer),

    /** Adds /healthz, /readyz and /metrics; returns the router wrapped with request telemetry. */
    install(
      routes: Map<string, Route>,
      sources: ReadinessSources,
      router: RequestHandler,
      filePrefixes: readonly string[] = [],
    ): RequestHandler {
      readiness = new Readiness(readinessChecks(sources));
      routes.set(HEALTH_PATH, healthRoute(config.mode));
      routes.set(READY_PATH, readinessRoute(readiness));
      routes.set(
        METRICS_PATH,
        metricsRoute({
          render: () => metrics.render(),
          authenticate: config.metricsToken
            ? createAuthenticator([{ role: 'admin', key: config.metricsToken }])
            : null,
        }),
      );
      return withRequestTelemetry(router, {
        logger: baseLogger,
        scope,
        observer,
        routeOf: routeLabeler(() => routes.keys(), filePrefixes),
        quietRoutes: new Set([HEALTH_PATH, READY_PATH, METRICS_PATH]),
      });
    },

    markShuttingDown(): void {
      readiness?.markShuttingDown();
    },
  };
}

function readinessChecks(sources: ReadinessSources): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [];
  const { redis } = sources;
  if (redis) {
    checks.push({
      name: 'redis',
      async run() {
        const started = performance.now();
        await redis.ping();
        return { ok: true, ms: Math.round(performance.now() - started) };
      },
    });
  }
  checks.push({
    name: 'templates',
    run() {
      const count = sources.templateCount();
      return count > 0
        ? { ok: true, count }
        : { ok: false, reason: 'no templates loaded: set TEMPLATES_FILE or TEMPLATES_SYNC=true' };
    },
  });
  checks.push({
    name: 'token',
    run() {
      const refusal = sources.tokenRefusal();
      if (!refusal) return { ok: true };
      return {
        ok: false,
        reason: refusal.message,
        errcode: refusal.errcode,
        retryInSeconds: Math.max(0, Math.ceil((refusal.until - Date.now()) / 1000)),
      };
    },
  });
  return checks;
}
