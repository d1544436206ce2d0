import 'reflect-metadata';
import { ConfigError, loadConfig } from './config.js';
import { runWorkerProcess } from './worker.js';

/**
 * `npm run worker`: a process that only works the delivery queue, for scaling sends out; its HTTP
 * is health, readiness and metrics on WORKER_OPS_PORT, no API. The same as starting the gateway
 * with GATEWAY_ROLE=worker.
 */
try {
  const config = loadConfig({ ...process.env, GATEWAY_ROLE: 'worker' });
  await runWorkerProcess(config, (line) => console.log(line));
} catch (error) {
  console.error(
    error instanceof ConfigError
      ? error.message
      : `Failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}
