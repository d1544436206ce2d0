import { startGateway } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { installLastResortHandlers } from './infra/last-resort.js';
import { createLogger } from './infra/pino-logger.js';
import { startupBanner } from './startup-banner.js';
import { runWorkerProcess } from './worker.js';

/** The process boundary: the only place that reads process.env, prints and exits. */
async function main(): Promise<void> {
  // At 'error' whatever LOG_LEVEL says: a crash is never silent.
  installLastResortHandlers(process, createLogger('error'), (code) => process.exit(code));
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (config.delivery.role === 'worker')
    return runWorkerProcess(config, (line) => console.log(line));
  const gateway = await startGateway(config);
  console.log(startupBanner(gateway));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceSeconds = config.shutdownGraceSeconds;
    console.log(`${signal}: shutting down (requests in flight get up to ${graceSeconds} s)`);
    // Past the grace period connections are cut; if closing Redis or WeChat still hangs after
    // that, exit anyway rather than hold the process hostage.
    setTimeout(() => process.exit(1), (graceSeconds + 10) * 1000).unref();
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `Failed to start: ${error.message}` : error);
  process.exit(1);
});
