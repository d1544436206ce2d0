import type { Config } from '../../config.js';
import { createPrometheusMetrics } from '../../infra/metrics/prometheus-observer.js';
import type { RedisClient } from '../../infra/redis/redis-connection.js';
import type { Logger } from '../../shared/logger.js';
import type { DeliveryHealth } from '../../services/delivery/delivery-service.js';
import type { TemplateCatalog } from '../../services/templates/template-catalog.js';
import type { DeliverySnapshot, Observer } from '../../shared/observer.js';
import { createAuthenticator } from '../authenticate.js';
import type { Route } from '../router.js';
import { healthRoute, metricsRoute, readinessRoute } from './ops-routes.js';
import { Readiness, type ReadinessCheck } from './readiness.js';
import { withRequestTelemetry, type RequestHandler } from './request-telemetry.js';
import { routeLabeler } from './route-label.js';

export const HEALTH_PATH = '/healthz';
export const READY_PATH = '/readyz';
export const METRICS_PATH = '/metrics';

/** What readiness checks of one mini-program. */
export interface AppHealth {
  name: string;
  templateCount: number;
  /** The token endpoint's remembered refusal, while it lasts. */
  tokenRefusal: { errcode: number; message: string; until: number } | null;
}

/** Readiness's view of one app: how many templates its catalogue holds, and its tokens' refusal. */
export function appHealthOf(
  name: string,
  catalog: TemplateCatalog,
  tokens: { readonly refusal: AppHealth['tokenRefusal'] },
): AppHealth {
  return { name, templateCount: catalog.registry.list().length, tokenRefusal: tokens.refusal };
}

/** What /metrics shows of an app's delivery queue. */
export async function deliverySnapshotOf(
  appId: string,
  delivery: { health(): Promise<DeliveryHealth> },
): Promise<DeliverySnapshot> {
  const { scheduled, held, queued, sending, unknown, rateLimitedUntil, paused } =
    await delivery.health();
  return {
    appId,
    counts: { scheduled, held, queued, sending, unknown },
    rateLimited: rateLimitedUntil !== null,
    paused,
  };
}

export interface ReadinessSources {
  redis?: RedisClient;
  apps(): AppHealth[];
  /** The delivery engines' queues, read when /metrics is scraped. */
  delivery?(): Promise<DeliverySnapshot[]>;
  /** False in a worker: the syncTemplates mutation is the API's, so readiness does not offer it. */
  servesApi?: boolean;
}

/**
 * What operators see of a process (a gateway, or a worker serving no API): request ids and access
 * lines, metrics, health and readiness. Made before the services (they take its observer),
 * installed once the routes exist.
 */
export type Operations = ReturnType<typeof createOperations>;

export function createOperations(config: Config, baseLogger: Logger) {
  const metrics = createPrometheusMetrics();
  const observer: Observer = metrics.observer;
  let readiness: Readiness | null = null;
  return {
    observer,

    /** Adds /healthz, /readyz and /metrics; returns the router wrapped with request telemetry. */
    install(
      routes: Map<string, Route>,
      sources: ReadinessSources,
      router: RequestHandler,
      filePrefixes: readonly string[] = [],
    ): RequestHandler {
      readiness = new Readiness(readinessChecks(sources));
      if (sources.delivery) metrics.readDeliveryFrom(sources.delivery);
      routes.set(HEALTH_PATH, healthRoute(config.mode));
      routes.set(READY_PATH, readinessRoute(readiness));
      routes.set(
        METRICS_PATH,
        metricsRoute({
          render: () => metrics.render(),
          authenticate: config.metricsToken
            ? createAuthenticator([{ role: 'admin', key: config.metricsToken, apps: null }])
            : null,
        }),
      );
      return withRequestTelemetry(router, {
        logger: baseLogger,
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
  const orSyncTemplates = sources.servesApi === false ? '' : ', or run syncTemplates';
  checks.push({
    name: 'templates',
    run() {
      const apps = sources.apps();
      const counts = Object.fromEntries(apps.map((app) => [app.name, app.templateCount]));
      const empty = apps.filter((app) => app.templateCount === 0).map((app) => app.name);
      if (empty.length === 0) return { ok: true, count: counts };
      return {
        ok: false,
        reason: `no templates loaded for ${empty.join(', ')}: set TEMPLATES_FILE or TEMPLATES_SYNC=true (or the app's templatesFile or templatesSync)${orSyncTemplates}`,
        count: counts,
      };
    },
  });
  checks.push({
    name: 'token',
    run() {
      const refused = sources.apps().filter((app) => app.tokenRefusal !== null);
      if (refused.length === 0) return { ok: true };
      const [first] = refused;
      const refusal = first!.tokenRefusal!;
      return {
        ok: false,
        reason: refusal.message,
        errcode: refusal.errcode,
        retryInSeconds: Math.max(0, Math.ceil((refusal.until - Date.now()) / 1000)),
        apps: refused.map((app) => app.name),
      };
    },
  });
  return checks;
}
