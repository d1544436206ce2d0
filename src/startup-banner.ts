import type { Gateway } from './app.js';

/**
 * What `npm start` prints once the gateway listens: where everything is, every app with its app
 * id and push URL, and a first curl to paste (with the Authorization header it will need).
 */
export function startupBanner(gateway: Gateway): string {
  const sandbox = gateway.mode === 'sandbox';
  const lines = [
    `wechat-subscribe-gateway listening on ${gateway.url}`,
    `  mode:       ${sandbox ? 'sandbox (an embedded WeChat simulator per demo app)' : 'live'}`,
    `  store:      ${gateway.store === 'redis' ? 'Redis' : 'memory (set REDIS_URL to share state across processes)'}`,
    `  playground: ${gateway.playgroundUrl ?? 'off (PLAYGROUND=true turns it on)'}`,
    `  auth:       ${gateway.auth ? 'on (Authorization: Bearer <key>)' : 'off (sandbox: anonymous requests are admin)'}`,
    `  apps:`,
  ];
  for (const app of gateway.apps) {
    const simulator = gateway.simulators.get(app.name);
    const parts = [
      `app id ${app.appId}`,
      `push ${app.pushUrl ?? 'off'}`,
      ...(simulator ? [`simulator ${simulator.url}`] : []),
    ];
    const isDefault = gateway.apps.length > 1 && app.appId === gateway.appId;
    lines.push(
      `    ${app.name.padEnd(10)} ${parts.join(', ')}${isDefault ? ' (the default app)' : ''}`,
    );
  }
  const auth = gateway.auth ? ` -H 'Authorization: Bearer <key>'` : '';
  lines.push(
    `  try:        curl -s ${gateway.graphqlUrl} -H 'content-type: application/json'${auth} -d '{"query":"{ templates { name title fields { key rule } } }"}'`,
  );
  return lines.join('\n');
}
