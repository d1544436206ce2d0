/**
 * One gateway process for the cluster token test: connects to the shared Redis and, when the
 * parent writes "go", fires N concurrent sends through the real stack and reports the outcome.
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
const stack = createWeChatStack({
  apiBase: env('STUB_URL'),
  appId: env('APP_ID'),
  appSecret: env('APP_SECRET'),
  tokenMode: env('TOKEN_MODE') === 'classic' ? 'classic' : 'stable',
  logger: silentLogger,
  redis,
  prefix: env('PREFIX'),
});
process.stdout.write('ready\n');
process.stdin.once('data', async () => {
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
  process.stdout.write(`${JSON.stringify({ ok, failed: results.length - ok })}\n`);
  await stack.close();
  await redis.close();
  process.exit(0);
});
