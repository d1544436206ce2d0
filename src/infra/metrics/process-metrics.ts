import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | null = null;

/**
 * Node's default process metrics (CPU, memory, event-loop lag, GC), collected once per process:
 * they describe the process, not a gateway, and prom-client's collectors (a GC observer, an
 * event-loop monitor) cannot be stopped, so one set per gateway would pile up in tests that
 * start many gateways in one process.
 */
export function processMetricsRegistry(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
