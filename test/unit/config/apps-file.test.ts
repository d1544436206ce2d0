import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { projectFile } from '../../../src/shared/project-file.js';
import { ConfigError, loadConfig } from '../../../src/config.js';

const FILE = '/etc/gateway/apps.json';
const KEYS = 'admin:admin-key-0123456789';

/**
 * loadConfig with WECHAT_APPS_FILE read from `document` instead of the disk; every other file
 * exists unless its path has a `missing` directory.
 */
function load(document: unknown, env: Record<string, string> = {}) {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  return loadConfig(
    { WECHAT_APPS_FILE: FILE, GATEWAY_API_KEYS: KEYS, ...env },
    {
      readText: (path) => {
        if (path !== FILE) throw new Error(`unexpected read of ${path}`);
        return text;
      },
      readable: (path) => !path.includes('/missing/'),
    },
  );
}

function problemsOf(run: () => unknown): { problems: readonly string[]; text: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return { problems: (error as ConfigError).problems, text: (error as Error).message };
  }
  throw new Error('expected a ConfigError');
}

const SHOP = {
  name: 'shop',
  appId: 'wxshop000000000001',
  appSecret: '${SHOP_APP_SECRET}',
  templatesFile: 'shop-templates.json',
  push: { token: '${SHOP_PUSH_TOKEN}' },
};
const CLINIC = {
  name: 'clinic',
  appId: 'wxclinic0000000002',
  appSecret: '${CLINIC_APP_SECRET}',
  sendRateLimit: '20/1s',
  tokenMode: 'classic',
};
const SECRETS = {
  SHOP_APP_SECRET: 'shop-secret-value-0001',
  CLINIC_APP_SECRET: 'clinic-secret-value-0002',
  SHOP_PUSH_TOKEN: 'ShopPushToken01',
};

describe('WECHAT_APPS_FILE', () => {
  it('reads each app, with ${VAR} from the environment, a push path per app and paths relative to the file', () => {
    const config = load({ apps: [SHOP, CLINIC] }, SECRETS);
    expect(config.mode).toBe('live');
    expect(config.apps.map((app) => app.name)).toEqual(['shop', 'clinic']);
    expect(config.apps[0]).toMatchObject({
      appId: 'wxshop000000000001',
      appSecret: 'shop-secret-value-0001',
      templatesFile: '/etc/gateway/shop-templates.json',
      push: { path: '/wechat/push/shop', token: 'ShopPushToken01', aesKey: null },
      ledgerSource: 'events',
    });
    expect(config.apps[1]).toMatchObject({
      appSecret: 'clinic-secret-value-0002',
      tokenMode: 'classic',
      sendRateLimit: { max: 20, perSeconds: 1 },
      push: null,
      ledgerSource: 'client',
    });
    // Two apps and no DEFAULT_APP: an operation on one app must name it.
    expect(config.defaultApp).toBeNull();
    expect(load({ apps: [SHOP, CLINIC] }, { ...SECRETS, DEFAULT_APP: 'clinic' }).defaultApp).toBe(
      'clinic',
    );
    // One app is the default by itself.
    expect(load({ apps: [CLINIC] }, SECRETS).defaultApp).toBe('clinic');
  });

  it('reports every mistake of every app at once, with the app and the field, echoing no secret', () => {
    const { problems, text } = problemsOf(() =>
      load(
        {
          apps: [
            {
              ...SHOP,
              appSecret: '${SHOP_SECRET_NOT_SET}',
              tokenMode: 'fast',
              push: { token: 'tok!en-literal-secret', aesKey: 'short-aes-secret' },
              colour: 'blue',
            },
            { ...CLINIC, name: 'shop', appSecret: 'clinic-literal-secret' },
            { name: '2fast', appId: 'not-an-app-id', appSecret: 42 },
            {
              name: 'pharmacy',
              appId: 'wxshop000000000001',
              appSecret: 'pharmacy-literal-secret',
              sendRateLimit: 'lots',
              ledgerSource: 'events',
              templatesSync: 'yes',
            },
          ],
        },
        SECRETS,
      ),
    );
    const all = problems.join('\n');
    expect(all).toMatch(
      /app "shop" \(apps\[0\]\) appSecret reads \$\{SHOP_SECRET_NOT_SET\}, which is not set/,
    );
    expect(all).toMatch(/app "shop" \(apps\[0\]\) tokenMode must be one of stable, classic/);
    expect(all).toMatch(/app "shop" \(apps\[0\]\) push\.token must be 3 to 32 letters or digits/);
    expect(all).toMatch(/app "shop" \(apps\[0\]\) push\.aesKey must be the 43-character/);
    expect(all).toMatch(/app "shop" \(apps\[0\]\) has an unknown field "colour"/);
    expect(all).toMatch(/apps\[1\].*name.*apps\[0\]/);
    expect(all).toMatch(/\(apps\[2\]\) name must be a letter/);
    expect(all).toMatch(/\(apps\[2\]\) appId must be the mini-program's app id/);
    expect(all).toMatch(/\(apps\[2\]\) appSecret must be a string/);
    expect(all).toMatch(/app "pharmacy" \(apps\[3\]\) sendRateLimit must look like/);
    expect(all).toMatch(/app "pharmacy" \(apps\[3\]\) ledgerSource events needs push/);
    expect(all).toMatch(/app "pharmacy" \(apps\[3\]\) templatesSync must be true or false/);
    expect(all).toMatch(/apps\[3\].*appId.*apps\[0\]/);
    for (const secret of [
      'tok!en-literal-secret',
      'short-aes-secret',
      'clinic-literal-secret',
      'pharmacy-literal-secret',
      ...Object.values(SECRETS),
    ])
      expect(text).not.toContain(secret);
  });

  it('names a missing ${VAR} wherever it is used, and never the value of one that is set', () => {
    const { problems, text } = problemsOf(() =>
      load(
        { apps: [{ ...SHOP, push: { token: '${SHOP_PUSH_TOKEN}', aesKey: '${SHOP_AES}' } }] },
        {
          SHOP_PUSH_TOKEN: 'ShopPushToken01',
        },
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /app "shop" \(apps\[0\]\) appSecret reads \$\{SHOP_APP_SECRET\}, which is not set in the environment/,
      ),
      expect.stringMatching(
        /app "shop" \(apps\[0\]\) push\.aesKey reads \$\{SHOP_AES\}, which is not set in the environment/,
      ),
    ]);
    expect(text).not.toContain('ShopPushToken01');
  });

  it('checks the other fields beside a missing ${VAR}, and a templatesFile that is not there, all at once', () => {
    const { problems } = problemsOf(() =>
      load(
        {
          apps: [
            {
              ...SHOP,
              templatesFile: 'missing/shop.json',
              push: { token: '${SHOP_PUSH_TOKEN}', aesKey: 'abc' },
            },
            { ...CLINIC, templatesFile: '/srv/missing/clinic.json', tokenMode: 'fast' },
          ],
        },
        { SHOP_APP_SECRET: SECRETS.SHOP_APP_SECRET, CLINIC_APP_SECRET: SECRETS.CLINIC_APP_SECRET },
      ),
    );
    expect(problems).toEqual([
      'WECHAT_APPS_FILE: app "shop" (apps[0]) templatesFile /etc/gateway/missing/shop.json does not exist or cannot be read (a relative path is relative to WECHAT_APPS_FILE)',
      'WECHAT_APPS_FILE: app "shop" (apps[0]) push.token reads ${SHOP_PUSH_TOKEN}, which is not set in the environment',
      'WECHAT_APPS_FILE: app "shop" (apps[0]) push.aesKey must be the 43-character EncodingAESKey',
      'WECHAT_APPS_FILE: app "clinic" (apps[1]) templatesFile /srv/missing/clinic.json does not exist or cannot be read (a relative path is relative to WECHAT_APPS_FILE)',
      'WECHAT_APPS_FILE: app "clinic" (apps[1]) tokenMode must be one of stable, classic',
    ]);
    // An aesKey whose own ${VAR} is missing is reported once, as missing, beside requireEncryption.
    const unset = problemsOf(() =>
      load(
        {
          apps: [
            {
              ...SHOP,
              push: { token: '${SHOP_PUSH_TOKEN}', aesKey: '${SHOP_AES}', requireEncryption: true },
            },
          ],
        },
        SECRETS,
      ),
    ).problems;
    expect(unset).toEqual([
      'WECHAT_APPS_FILE: app "shop" (apps[0]) push.aesKey reads ${SHOP_AES}, which is not set in the environment',
    ]);
  });

  it('refuses the file together with the single-app variables, naming them', () => {
    const { problems } = problemsOf(() =>
      load(
        { apps: [SHOP] },
        { ...SECRETS, WECHAT_APP_ID: 'wx1234567890abcdef', TEMPLATES_FILE: 'x.json' },
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(/WECHAT_APPS_FILE is set, and so is WECHAT_APP_ID, TEMPLATES_FILE/),
    ]);
  });

  it('takes SEND_RATE_LIMIT, like QUOTA_POLICY and WECHAT_API_BASE, as every app’s default', () => {
    const config = load(
      { apps: [SHOP, CLINIC] },
      {
        ...SECRETS,
        SEND_RATE_LIMIT: '6000/1m',
        QUOTA_POLICY: 'enforce',
        WECHAT_API_BASE: 'http://127.0.0.1:9999/',
      },
    );
    expect(config.apps.map((app) => [app.name, app.sendRateLimit, app.quotaPolicy])).toEqual([
      ['shop', { max: 6000, perSeconds: 60 }, 'enforce'],
      // The app's own sendRateLimit wins.
      ['clinic', { max: 20, perSeconds: 1 }, 'enforce'],
    ]);
    expect(config.apps[0]!.apiBase).toBe('http://127.0.0.1:9999');
    const { problems } = problemsOf(() =>
      load({ apps: [SHOP] }, { ...SECRETS, SEND_RATE_LIMIT: 'lots' }),
    );
    expect(problems).toEqual([expect.stringMatching(/^SEND_RATE_LIMIT must look like 100\/1s/)]);
  });

  it('refuses a DEFAULT_APP that names no app, listing the apps', () => {
    const { problems } = problemsOf(() =>
      load({ apps: [SHOP, CLINIC] }, { ...SECRETS, DEFAULT_APP: 'pharmacy' }),
    );
    expect(problems).toEqual([expect.stringMatching(/DEFAULT_APP .*pharmacy.*shop, clinic/)]);
    expect(() => loadConfig({ DEFAULT_APP: 'default' })).toThrow(/DEFAULT_APP .*shop, clinic/);
  });

  it('reads scoped keys and refuses a scope naming an unknown app, never echoing the key', () => {
    const config = load(
      { apps: [SHOP, CLINIC] },
      {
        ...SECRETS,
        GATEWAY_API_KEYS:
          'admin:admin-key-0123456789,sender@shop:shop-sender-key-0001,reader@shop+clinic:both-reader-key-0001',
      },
    );
    expect(config.apiKeys).toEqual([
      { role: 'admin', key: 'admin-key-0123456789', apps: null },
      { role: 'sender', key: 'shop-sender-key-0001', apps: ['shop'] },
      { role: 'reader', key: 'both-reader-key-0001', apps: ['shop', 'clinic'] },
    ]);
    const { problems, text } = problemsOf(() =>
      load(
        { apps: [SHOP, CLINIC] },
        {
          ...SECRETS,
          GATEWAY_API_KEYS:
            'sender@pharmacy:pharmacy-key-00000001,reader@shop+:empty-scope-key-0001',
        },
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /entry 1 \(sender\) is scoped to unknown app pharmacy; apps: shop, clinic/,
      ),
      expect.stringMatching(/entry 2 \(reader\) is scoped to an empty app name/),
    ]);
    expect(text).not.toContain('pharmacy-key-00000001');
    expect(text).not.toContain('empty-scope-key-0001');
  });

  it('reports only the broken field of an app with problems, not the keys and DEFAULT_APP that name it', () => {
    const { problems } = problemsOf(() =>
      load(
        { apps: [SHOP, CLINIC] },
        {
          CLINIC_APP_SECRET: SECRETS.CLINIC_APP_SECRET,
          SHOP_APP_SECRET: SECRETS.SHOP_APP_SECRET,
          DEFAULT_APP: 'shop',
          GATEWAY_API_KEYS: 'admin:admin-key-0123456789,sender@shop:shop-sender-key-0001',
        },
      ),
    );
    expect(problems).toEqual([
      'WECHAT_APPS_FILE: app "shop" (apps[0]) push.token reads ${SHOP_PUSH_TOKEN}, which is not set in the environment',
    ]);
  });

  it.each([
    ['is not JSON', '{ "apps": [', /WECHAT_APPS_FILE \/etc\/gateway\/apps.json is not valid JSON/],
    ['has no apps', { apps: [] }, /must be \{ "apps": \[ … \] \} with at least one app/],
    ['lists something else than objects', { apps: ['shop'] }, /apps\[0\] must be an object/],
  ])('says so when the file %s', (_label, document, pattern) => {
    expect(problemsOf(() => load(document, SECRETS)).problems).toEqual([
      expect.stringMatching(pattern),
    ]);
  });

  it('says when the file cannot be read', () => {
    const { problems } = problemsOf(() =>
      loadConfig(
        { WECHAT_APPS_FILE: '/nowhere/apps.json', GATEWAY_API_KEYS: KEYS },
        {
          readText: () => {
            throw new Error('ENOENT');
          },
          readable: () => true,
        },
      ),
    );
    expect(problems).toEqual([expect.stringMatching(/\/nowhere\/apps.json cannot be read/)]);
  });

  it('accepts the README’s two-app example and its scoped keys as written', () => {
    const readme = readFileSync(projectFile('README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Several mini-programs'));
    const example = /```json\n([\s\S]*?)\n```/.exec(section)![1]!;
    const config = load(example, {
      SHOP_APP_SECRET: 's1',
      SHOP_PUSH_TOKEN: 'ShopToken1',
      SHOP_PUSH_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      CLINIC_APP_SECRET: 's2',
      DEFAULT_APP: 'shop',
      GATEWAY_API_KEYS:
        'admin:admin-key-0123456789,sender@shop:shop-key-0123456789,reader@shop+clinic:both-key-0123456789',
    });
    expect(config.apps.map((app) => [app.name, app.push?.path ?? null])).toEqual([
      ['shop', '/wechat/push/shop'],
      ['clinic', null],
    ]);
    expect(config.defaultApp).toBe('shop');
  });
});
