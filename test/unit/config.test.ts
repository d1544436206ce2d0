import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config.js';

const live = {
  WECHAT_APP_ID: 'wx1234567890abcdef',
  WECHAT_APP_SECRET: 'secret-0123456789',
  GATEWAY_API_KEYS: 'admin:admin-key-0123456789',
};

describe('loadConfig', () => {
  it('defaults to sandbox mode with the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      mode: 'sandbox',
      wechat: {
        appId: null,
        appSecret: null,
        apiBase: 'https://api.weixin.qq.com',
        tokenMode: 'stable',
        transport: 'undici',
      },
      redisUrl: null,
      logLevel: 'info',
      quotaPolicy: 'track',
      playground: true,
      push: null,
      ledgerSource: 'client',
      apiKeys: [],
      graphqlLimits: {
        maxAliases: 15,
        maxDepth: 10,
        maxTokens: 1000,
        maxDirectives: 20,
        maxCost: 5_000,
        maxSendsPerRequest: 10,
        readCostPerSecond: 20_000,
        introspection: true,
      },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.wechat)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...live,
      PORT: '8080',
      HOST: '0.0.0.0',
      WECHAT_API_BASE: 'http://127.0.0.1:9999/',
      WECHAT_TOKEN_MODE: 'classic',
      WECHAT_HTTP_TRANSPORT: 'got',
      REDIS_URL: 'redis://127.0.0.1:6379/2',
      LOG_LEVEL: 'debug',
      QUOTA_POLICY: 'enforce',
      TEMPLATES_FILE: 'templates/demo.json',
      TEMPLATES_SYNC: 'true',
      GATEWAY_API_KEYS: 'admin:admin-key-0123456789, reader:reader-key-0123456789',
      WECHAT_PUSH_TOKEN: 'pushtoken123',
      WECHAT_PUSH_AES_KEY: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      mode: 'live',
      wechat: { apiBase: 'http://127.0.0.1:9999', tokenMode: 'classic', transport: 'got' },
      redisUrl: 'redis://127.0.0.1:6379/2',
      logLevel: 'debug',
      quotaPolicy: 'enforce',
      templatesFile: 'templates/demo.json',
      templatesSync: true,
      playground: false,
      push: { path: '/wechat/push', token: 'pushtoken123', replayWindowSeconds: 300 },
      ledgerSource: 'events',
    });
    expect(config.apiKeys).toEqual([
      { role: 'admin', key: 'admin-key-0123456789' },
      { role: 'reader', key: 'reader-key-0123456789' },
    ]);
  });

  it('reports every problem at once, without echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        WECHAT_APP_ID: 'wx1',
        WECHAT_TOKEN_MODE: 'fast',
        REDIS_URL: 'http://user:hunter2@host',
        LOG_LEVEL: 'loud',
        QUOTA_POLICY: 'strict',
        GATEWAY_API_KEYS: 'root:supersecretvalue123,admin:k3yZq',
        WECHAT_PUSH_AES_KEY: 'nope',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/WECHAT_APP_SECRET is missing/);
    expect(problems.join('\n')).toMatch(/WECHAT_TOKEN_MODE must be one of stable, classic/);
    expect(problems.join('\n')).toMatch(/REDIS_URL must be a redis: or rediss: URL/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/QUOTA_POLICY/);
    expect(problems.join('\n')).toMatch(/GATEWAY_API_KEYS entry 1/);
    expect(problems.join('\n')).toMatch(/GATEWAY_API_KEYS entry 2 \(admin\) has a key shorter/);
    expect(problems.join('\n')).toMatch(/WECHAT_PUSH_AES_KEY/);
    expect(problems.length).toBeGreaterThanOrEqual(9);
    const text = (error as Error).message;
    for (const secret of ['hunter2', 'supersecretvalue123', 'k3yZq'])
      expect(text).not.toContain(secret);
  });

  it('refuses real credentials without API keys, naming the variable', () => {
    expect(() => loadConfig({ WECHAT_APP_ID: 'wx1', WECHAT_APP_SECRET: 's' })).toThrow(
      /GATEWAY_API_KEYS is required/,
    );
  });

  it('turns the playground on explicitly in live mode', () => {
    expect(loadConfig({ ...live, PLAYGROUND: 'true' }).playground).toBe(true);
    expect(() => loadConfig({ PLAYGROUND: 'maybe' })).toThrow(/PLAYGROUND must be true or false/);
  });

  it('can refuse plaintext pushes, but only with an AES key to decrypt the others', () => {
    const push = { WECHAT_PUSH_TOKEN: 'abc123', WECHAT_PUSH_REQUIRE_ENCRYPTION: 'true' };
    expect(() => loadConfig(push)).toThrow(
      /WECHAT_PUSH_REQUIRE_ENCRYPTION=true needs WECHAT_PUSH_AES_KEY/,
    );
    const config = loadConfig({
      ...push,
      WECHAT_PUSH_AES_KEY: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
    });
    expect(config.push?.requireEncryption).toBe(true);
    expect(loadConfig({ WECHAT_PUSH_TOKEN: 'abc123' }).push?.requireEncryption).toBe(false);
  });

  it('reads the GraphQL limits and reports bad ones together', () => {
    expect(
      loadConfig({ MAX_SENDS_PER_REQUEST: '3', GRAPHQL_INTROSPECTION: 'false' }).graphqlLimits,
    ).toMatchObject({ maxSendsPerRequest: 3, introspection: false });
    expect(() => loadConfig({ MAX_SENDS_PER_REQUEST: '0', GRAPHQL_MAX_COST: 'lots' })).toThrow(
      /GRAPHQL_MAX_COST must be an integer[\s\S]*MAX_SENDS_PER_REQUEST must be an integer from 1/,
    );
  });

  it('needs the push endpoint for LEDGER_SOURCE=events', () => {
    expect(() => loadConfig({ LEDGER_SOURCE: 'events' })).toThrow(/WECHAT_PUSH_TOKEN/);
    expect(loadConfig({ WECHAT_PUSH_TOKEN: 'abc123', LEDGER_SOURCE: 'client' }).ledgerSource).toBe(
      'client',
    );
  });
});
