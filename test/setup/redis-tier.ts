import { createConnection } from 'node:net';

const DEFAULT_URL = 'redis://127.0.0.1:6379';

function ping(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * Decides once per run whether the Redis tier runs. Tests read WSG_TEST_REDIS_URL: set means
 * "run against this Redis". In CI, or when REDIS_URL is given, a missing Redis fails the run.
 */
export default async function redisTier(): Promise<void> {
  const required = Boolean(process.env.REDIS_URL) || process.env.CI === 'true';
  const url = process.env.REDIS_URL || DEFAULT_URL;
  if (await ping(url)) {
    process.env.WSG_TEST_REDIS_URL = url;
    return;
  }
  if (required) {
    throw new Error(
      `Redis tier required (CI or REDIS_URL set) but no Redis answers at ${url}. Start one: ` +
        `redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`,
    );
  }
  delete process.env.WSG_TEST_REDIS_URL;
  process.stdout.write(
    `\nRedis tier SKIPPED: no Redis at ${url}. Start Redis and run \`REDIS_URL=${DEFAULT_URL} npm test\` to include it.\n`,
  );
}
