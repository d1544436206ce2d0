/**
 * `npm run simulator`: the WeChat API simulator on its own, for pointing a gateway (or curl) at.
 * Its environment is described in src/simulator/standalone.ts.
 */
import { resolve } from 'node:path';
import pino from 'pino';
import { defaultTemplatesFile } from './simulator/default-templates-file.js';
import { createSimulator } from './simulator/index.js';
import { gatewayEnvFor, standaloneSettings } from './simulator/standalone.js';

async function main(): Promise<void> {
  const { port, host, options } = standaloneSettings(process.env);
  const simulator = createSimulator({
    ...options,
    logger: pino({ level: process.env.LOG_LEVEL ?? 'info' }),
  });
  const baseUrl = await simulator.listen(port, host);

  console.log(`WeChat API simulator listening on ${baseUrl}`);
  console.log('Start a gateway in live mode against it with this environment:');
  const gatewayEnv = gatewayEnvFor(baseUrl, simulator);
  for (const [name, value] of gatewayEnv) console.log(`  ${name}=${value}`);
  const apiKey = new Map(gatewayEnv).get('GATEWAY_API_KEYS')!.split(':')[1];
  console.log(`Then call the gateway with the header  Authorization: Bearer ${apiKey}`);
  const templates = simulator.state.library.all();
  console.log(`Templates served: ${templates.map((t) => `${t.name} (${t.id})`).join(', ')}`);
  // A synced gateway only learns ids and titles from WeChat, so it names templates by id.
  const example = templates[0]?.name ?? 'AuditResult';
  console.log(
    `  With TEMPLATES_SYNC=true the gateway names them by id (Tmpl_…); to use the names above (send${example}, templateId: "${example}"), set TEMPLATES_FILE=${resolve(options.templatesFile ?? defaultTemplatesFile())} instead of TEMPLATES_SYNC.`,
  );
  const quota = simulator.state.sendQuota.snapshot();
  console.log(
    `subscribe/send quota: ${quota.perMinute ?? 'no limit'} a minute, ${quota.perDay ?? 'no limit'} a day`,
  );
  console.log(`Delivered messages: ${baseUrl}/__sim/inbox`);
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
