import type { Server, ServerResponse } from 'node:http';

/**
 * Graceful stop for a node:http server. `drain` stops accepting connections at once, closes idle
 * keep-alive connections, lets the requests in flight finish (each answered with
 * `Connection: close`), and cuts whatever is still open once the grace period is over.
 */
export function trackForDrain(server: Server): { drain(graceMs: number): Promise<void> } {
  const active = new Set<ServerResponse>();
  let draining = false;
  let settled: (() => void) | null = null;

  const closeAfter = (response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('connection', 'close');
  };
  server.on('request', (_request, response: ServerResponse) => {
    active.add(response);
    if (draining) closeAfter(response);
    response.once('close', () => {
      active.delete(response);
      if (draining && active.size === 0) settled?.();
    });
  });

  return {
    async drain(graceMs) {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const response of active) closeAfter(response);
      if (active.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (settled = resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
        ]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
