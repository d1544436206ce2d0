/**
 * `npm run simulator`: the WeChat API simulator on its own, for pointing a gateway (or curl) at.
 * Environment: SIMULATOR_PORT (4100), SIMULATOR_HOST (127.0.0.1), SIMULATOR_APP_ID,
 * SIMULATOR_APP_SECRET, SIMULATOR_TOKEN_EXPIRES_IN (seconds, 7200), SIMULATOR_TEMPLATES_FILE
 * (templates/demo.json).
 */
import pino from 'pino';
import { createSimulator, type SimulatorOptions } from './simulator/index.js';

function integerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function optionsFromEnv(): SimulatorOptions {
  const env = process.env;
  const options: SimulatorOptions = {
    logger: pino({ level: env.LOG_LEVEL ?? 'info' }),
    tokenExpiresInSeconds: integerFromEnv('SIMULATOR_TOKEN_EXPIRES_IN', 7200),
  };
  if (env.SIMULATOR_APP_ID) options.appId = env.SIMULATOR_APP_ID;
  if (env.SIMULATOR_APP_SECRET) options.appSecret = env.SIMULATOR_APP_SECRET;
  if (env.SIMULATOR_TEMPLATES_FILE) options.templatesFile = env.SIMULATOR_TEMPLATES_FILE;
  return options;
}

async function main(): Promise<void> {
  const port = integerFromEnv('SIMULATOR_PORT', 4100);
  const host = process.env.SIMULATOR_HOST || '127.0.0.1';
  const simulator = createSimulator(optionsFromEnv());
  const baseUrl = await simulator.listen(port, host);

  console.log(
    `WeChat API simulator listening on ${baseUrl}; point a live-mode gateway at it with:`,
  );
  console.log(`  WECHAT_API_BASE=${baseUrl}`);
  console.log(`  WECHAT_APP_ID=${simulator.appId}`);
  console.log(`  WECHAT_APP_SECRET=${simulator.appSecret}`);
  console.log(
    `  templates: ${simulator.state.library
      .all()
      .map((t) => `${t.name} (${t.id})`)
      .join(', ')}`,
  );
  console.log(`Control surface: ${baseUrl}/__sim/`);
  for (const endpoint of simulator.controlEndpoints) {
    console.log(`  ${endpoint.method.padEnd(4)} ${endpoint.path.padEnd(22)} ${endpoint.summary}`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the simulator`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
