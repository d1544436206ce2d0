import type { Server } from 'node:http';
import type { HttpLimits } from '../../config.js';
import type { Logger } from '../../shared/logger.js';
import { createEdgeServer, listeningUrl, startListening } from '../edge-server.js';
import { createRouter, type Route } from '../router.js';
import type { Operations, ReadinessSources } from './create-operations.js';

export interface OperationsServer {
  url: string;
  /** Stops accepting connections; resolves once the requests in flight are answered. */
  close(): Promise<void>;
}

export interface OperationsListen {
  port: number;
  host: string;
  /** The variable that chose the port, named when the port is taken. */
  portSetting: string;
  limits: HttpLimits;
  /** How long requests in flight may take once closing starts before their connections are cut. */
  graceMs: number;
}

/**
 * A listener with /healthz, /readyz and /metrics and nothing else: what a process that serves no
 * API (a queue worker) offers its orchestrator and Prometheus. The routes, limits and access lines
 * are the gateway's own.
 */
export async function serveOperations(
  ops: Operations,
  sources: ReadinessSources,
  listen: OperationsListen,
  logger: Logger,
): Promise<OperationsServer> {
  const edge = createEdgeServer({ limits: listen.limits, logger });
  const routes = new Map<string, Route>();
  edge.serve(ops.install(routes, sources, createRouter(routes, null, logger)));
  await startListening(edge.server, listen.port, listen.host, logger, listen.portSetting);
  return {
    url: listeningUrl(edge.server, listen.host),
    close: () => closeServer(edge.server, listen.graceMs),
  };
}

/** Idle keep-alive connections (a scraper's) close at once; busy ones get `graceMs` to finish. */
function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
