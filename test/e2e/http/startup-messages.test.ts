import { describe, expect, it } from '@jest/globals';
import { startGatewayProcess } from '../../helpers/gateway-process.js';
import { writeAppsFile } from '../../helpers/gateway.js';
import { startWeChatStub } from '../../helpers/wechat-stub.js';

/** What an operator sees in the terminal: `src/main.ts` run as its own process. */
/** What the process printed before it exited (log lines, then the reason), without the helper's own first line. */
async function failedStart(env: Record<string, string>): Promise<string> {
  const error = await startGatewayProcess(env).then(
    () => {
      throw new Error('the gateway started');
    },
    (e: unknown) => e as Error,
  );
  return error.message.slice(error.message.indexOf('\n') + 1).trim();
}

/**
 * The last line the process wrote in words. Its JSON log lines (stdout) and its last words
 * (stderr) reach the test through two pipes, so where a log line lands among them is not the
 * process's order.
 */
const lastWords = (output: string): string | undefined =>
  output
    .split('\n')
    .filter((line) => !line.startsWith('{'))
    .at(-1);

describe('start-up messages', () => {
  it('the sandbox banner lists each demo app with its app id, push URL and simulator', async () => {
    const gateway = await startGatewayProcess({ WECHAT_PUSH_TOKEN: 'SandboxPush01' });
    try {
      const output = gateway.output();
      expect(output).toMatch(
        new RegExp(
          `shop +app id wxsandbox000000001, push ${gateway.url}/wechat/push, simulator http://127\\.0\\.0\\.1:\\d+ \\(the default app\\)`,
        ),
      );
      expect(output).toMatch(
        new RegExp(
          `clinic +app id wxsandbox000000002, push ${gateway.url}/wechat/push/clinic, simulator http://127\\.0\\.0\\.1:\\d+`,
        ),
      );
      // No key is needed in the sandbox, so the curl carries none.
      expect(output).not.toContain("Authorization: Bearer <key>' -d");
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  it('the live banner lists every app of the apps file, and its curl carries the Authorization header', async () => {
    const file = writeAppsFile({
      apps: [
        {
          name: 'shop',
          appId: 'wxshop00000000001',
          appSecret: '${SHOP_SECRET}',
          push: { token: 'ShopPush01' },
        },
        { name: 'clinic', appId: 'wxclinic000000002', appSecret: 'clinic-secret-in-file' },
      ],
    });
    const gateway = await startGatewayProcess({
      WECHAT_APPS_FILE: file.path,
      SHOP_SECRET: 'shop-secret-from-env',
      GATEWAY_API_KEYS: 'admin:admin-key-for-banner-0001',
      DEFAULT_APP: 'clinic',
    });
    try {
      const output = gateway.output();
      expect(output).toMatch(
        new RegExp(`shop +app id wxshop00000000001, push ${gateway.url}/wechat/push/shop\\n`),
      );
      expect(output).toMatch(/clinic +app id wxclinic000000002, push off \(the default app\)/);
      expect(output).toContain(
        `curl -s ${gateway.url}/graphql -H 'content-type: application/json' -H 'Authorization: Bearer <key>' -d`,
      );
      for (const secret of [
        'shop-secret-from-env',
        'clinic-secret-in-file',
        'admin-key-for-banner-0001',
      ])
        expect(output).not.toContain(secret);
    } finally {
      await gateway.stop();
      file.remove();
    }
  }, 60_000);

  it('a Redis that cannot be reached is one clear line, and nothing after it', async () => {
    const start = startGatewayProcess({
      REDIS_URL: 'redis://:hunter2@127.0.0.1:1',
      LOG_LEVEL: 'info',
    });
    const error = await start.then(
      () => {
        throw new Error('the gateway started without Redis');
      },
      (e: unknown) => e as Error,
    );
    const output = error.message.slice(error.message.indexOf('\n') + 1).trim();
    expect(output.split('\n')).toEqual([
      expect.stringMatching(
        /^Failed to start: Cannot connect to Redis at redis:\/\/.*127\.0\.0\.1:1: /,
      ),
    ]);
    expect(output).not.toContain('hunter2');
  }, 60_000);

  describe('WeChat refusing an app id at start names the setting to fix', () => {
    const SHOP = { appId: 'wxshop00000000001', appSecret: 'shop-secret-0123456789' };
    // With one app the stub would answer any app id; a second makes it check.
    const OTHER = { appId: 'wxother0000000001', appSecret: 'other-secret-0123456789' };

    it('with an apps file: the app and its appId in the file, not WECHAT_APP_ID', async () => {
      const stub = await startWeChatStub({ apps: [SHOP, OTHER] });
      const file = writeAppsFile({
        apps: [
          { name: 'shop', ...SHOP, apiBase: stub.url },
          {
            name: 'clinic',
            appId: 'wxclinicTypo00002',
            appSecret: '${CLINIC_SECRET}',
            apiBase: stub.url,
            templatesSync: true,
          },
        ],
      });
      try {
        const output = await failedStart({
          WECHAT_APPS_FILE: file.path,
          CLINIC_SECRET: 'clinic-secret-0123456789',
          GATEWAY_API_KEYS: 'admin:admin-key-for-start-0001',
        });
        expect(lastWords(output)).toBe(
          'Failed to start: Cannot get a WeChat access token for app "clinic": WeChat rejected the AppID: check the appId of app "clinic" in WECHAT_APPS_FILE for typos and letter case (errcode 40013)',
        );
      } finally {
        file.remove();
        await stub.close();
      }
    }, 60_000);

    it('a secret read from a variable is named by that variable', async () => {
      const stub = await startWeChatStub({ apps: [SHOP, OTHER] });
      const file = writeAppsFile({
        apps: [
          {
            name: 'shop',
            appId: SHOP.appId,
            appSecret: '${SHOP_SECRET}',
            apiBase: stub.url,
            templatesSync: true,
          },
        ],
      });
      try {
        const output = await failedStart({
          WECHAT_APPS_FILE: file.path,
          SHOP_SECRET: 'not-the-shop-secret-0000',
          GATEWAY_API_KEYS: 'admin:admin-key-for-start-0001',
        });
        expect(output).toContain(
          'Cannot get a WeChat access token for app "shop": WeChat rejected the AppSecret: check SHOP_SECRET (the appSecret of app "shop" in WECHAT_APPS_FILE)',
        );
        expect(output).not.toContain('not-the-shop-secret-0000');
      } finally {
        file.remove();
        await stub.close();
      }
    }, 60_000);

    it('with one app from the environment: WECHAT_APP_ID, as before', async () => {
      const stub = await startWeChatStub({ apps: [SHOP, OTHER] });
      try {
        const output = await failedStart({
          WECHAT_APP_ID: 'wxshopTypo0000001',
          WECHAT_APP_SECRET: SHOP.appSecret,
          WECHAT_API_BASE: stub.url,
          TEMPLATES_SYNC: 'true',
          GATEWAY_API_KEYS: 'admin:admin-key-for-start-0001',
        });
        expect(lastWords(output)).toBe(
          'Failed to start: Cannot get a WeChat access token: WeChat rejected the AppID: check WECHAT_APP_ID for typos and letter case (errcode 40013)',
        );
      } finally {
        await stub.close();
      }
    }, 60_000);
  });
});
