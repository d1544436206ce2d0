/**
 * One gateway process for the cluster token test: connects to the shared Redis and, when the
 * parent writes "go", fires N concurrent sends through the real stack and reports the outcome.
 * With APPS (a JSON list of { appId, appSecret }) it holds one stack per app, as a gateway with
 * several apps does, fires N sends through each and reports per app.
 */
import { silentLogger } from '../../src/shared/logger.js';
import { connectRedis } from '../../src/infra/redis/redis-connection.js';
import { createWeChatStack } from '../../src/services/wechat/wechat-stack.js';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`token-child needs ${name}`);
  return value;
}
const redis = await connectRedis({ url: env('REDIS_URL') });
const apps: { appId: string; appSecret: string }[] = process.env.APPS
  ? (JSON.parse(process.env.APPS) as { appId: string; appSecret: string }[])
  : [{ appId: env('APP_ID'), appSecret: env('APP_SECRET') }];
const stacks = apps.map((app) =>
  createWeChatStack({
    apiBase: env('STUB_URL'),
    ...app,
    tokenMode: env('TOKEN_MODE') === 'classic' ? 'classic' : 'stable',
    logger: silentLogger,
    redis,
    prefix: env('PREFIX'),
  }),
);
process.stdout.write('ready\n');
process.stdin.once('data', async () => {
  const reports = await Promise.all(
    stacks.map(async (stack) => {
      const results = await Promise.allSettled(
        Array.from({ length: Number(env('SENDS')) }, () =>
          stack.wechat.sendSubscribeMessage({
            touser: 'o-user',
            templateId: 'tmpl',
            data: { thing1: 'x' },
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      return { ok, failed: results.length - ok };
    }),
  );
  const report = process.env.APPS
    ? Object.fromEntries(apps.map((app, index) => [app.appId, reports[index]]))
    : reports[0];
  process.stdout.write(`${JSON.stringify(report)}\n`);
  for (const stack of stacks) await stack.close();
  await redis.close();
  process.exit(0);
});
