import { startGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { serveParent } from './child-process.js';
import { createProfiler } from './profiler.js';

/**
 * Entry point of the measured gateway: the real composition root, configured from the env the
 * bench passes (live mode against the stub). Its only addition is the IPC channel through which
 * the bench reads this process's CPU time before and after a load run (and, with --profile,
 * takes a CPU profile of the measured runs only).
 */
// The transport comes from WECHAT_HTTP_TRANSPORT, as in production. BENCH_GRAPHQL_LIMITS=off
// (bench only, no production setting does this) starts it without any GraphQL limit, to measure
// what the limits cost.
const loaded = loadConfig(process.env);
const config =
  process.env.BENCH_GRAPHQL_LIMITS === 'off' ? { ...loaded, graphqlLimits: null } : loaded;
const gateway = await startGateway(config);
const profiler = createProfiler();
serveParent(
  {
    graphqlUrl: gateway.graphqlUrl,
    store: gateway.store,
    transport: config.transport,
    limits: config.graphqlLimits !== null,
  },
  {
    cpu: () => {
      const { user, system } = process.cpuUsage();
      return { cpuUs: user + system, rssBytes: process.memoryUsage().rss };
    },
    profileStart: () => profiler.start(),
    profileStop: (file) => profiler.stop(file as string),
    stop: () => gateway.close(),
  },
);
