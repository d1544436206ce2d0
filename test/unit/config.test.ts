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
      transport: 'undici',
      redisUrl: null,
      logLevel: 'info',
      playground: true,
      apiKeys: [],
      defaultApp: 'shop',
    });
    expect(config.apps.map((app) => app.name)).toEqual(['shop', 'clinic']);
    expect(config.apps[0]).toMatchObject({
      appId: null,
      appSecret: null,
      apiBase: 'https://api.weixin.qq.com',
      tokenMode: 'stable',
      quotaPolicy: 'track',
      push: null,
      ledgerSource: 'client',
      sendRateLimit: { max: 100, perSeconds: 1 },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.apps[0])).toBe(true);
  });

  it('reads the GraphQL limits, with defaults, and reports bad ones together', () => {
    expect(loadConfig({}).graphqlLimits).toEqual({
      maxAliases: 15,
      maxDepth: 10,
      maxTokens: 1000,
      maxDirectives: 20,
      maxCost: 5_000,
      maxSendsPerRequest: 10,
      readCostPerSecond: 20_000,
      introspection: true,
    });
    expect(
      loadConfig({ MAX_SENDS_PER_REQUEST: '3', GRAPHQL_INTROSPECTION: 'false' }).graphqlLimits,
    ).toMatchObject({ maxSendsPerRequest: 3, introspection: false });
    expect(() => loadConfig({ MAX_SENDS_PER_REQUEST: '0', GRAPHQL_MAX_COST: 'lots' })).toThrow(
      /GRAPHQL_MAX_COST must be an integer[\s\S]*MAX_SENDS_PER_REQUEST must be an integer from 1/,
    );
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
      transport: 'got',
      redisUrl: 'redis://127.0.0.1:6379/2',
      logLevel: 'debug',
      playground: false,
      defaultApp: 'default',
    });
    expect(config.apps).toHaveLength(1);
    expect(config.apps[0]).toMatchObject({
      name: 'default',
      appId: 'wx1234567890abcdef',
      apiBase: 'http://127.0.0.1:9999',
      tokenMode: 'classic',
      quotaPolicy: 'enforce',
      templatesFile: 'templates/demo.json',
      templatesSync: true,
      push: { path: '/wechat/push', token: 'pushtoken123', replayWindowSeconds: 300 },
      ledgerSource: 'events',
    });
    expect(config.apiKeys).toEqual([
      { role: 'admin', key: 'admin-key-0123456789', apps: null },
      { role: 'reader', key: 'reader-key-0123456789', apps: null },
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
    expect(config.apps[0]!.push?.requireEncryption).toBe(true);
    expect(loadConfig({ WECHAT_PUSH_TOKEN: 'abc123' }).apps[0]!.push?.requireEncryption).toBe(
      false,
    );
  });

  it('refuses plaintext pushes by default once an AES key is set, unless explicitly allowed', () => {
    const push = {
      WECHAT_PUSH_TOKEN: 'abc123',
      WECHAT_PUSH_AES_KEY: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
    };
    expect(loadConfig(push).apps[0]!.push?.requireEncryption).toBe(true);
    expect(
      loadConfig({ ...push, WECHAT_PUSH_REQUIRE_ENCRYPTION: 'false' }).apps[0]!.push
        ?.requireEncryption,
    ).toBe(false);
  });

  it('reads the recovery and housekeeping settings, with their defaults', () => {
    expect(loadConfig({}).operations).toEqual({
      idempotencyLeaseSeconds: 30,
      messageRetentionDays: 90,
    });
    expect(
      loadConfig({
        IDEMPOTENCY_LEASE_SECONDS: '5',
        MESSAGE_RETENTION_DAYS: '7',
      }).operations,
    ).toEqual({ idempotencyLeaseSeconds: 5, messageRetentionDays: 7 });
    expect(() =>
      loadConfig({ IDEMPOTENCY_LEASE_SECONDS: '0', MESSAGE_RETENTION_DAYS: 'forever' }),
    ).toThrow(/IDEMPOTENCY_LEASE_SECONDS must be an integer[\s\S]*MESSAGE_RETENTION_DAYS/);
  });

  it('needs the push endpoint for LEDGER_SOURCE=events', () => {
    expect(() => loadConfig({ LEDGER_SOURCE: 'events' })).toThrow(/WECHAT_PUSH_TOKEN/);
    expect(
      loadConfig({ WECHAT_PUSH_TOKEN: 'abc123', LEDGER_SOURCE: 'client' }).apps[0]!.ledgerSource,
    ).toBe('client');
  });

  it('reports a bad shared variable once, though every sandbox demo app reads it', () => {
    let error: unknown;
    try {
      loadConfig({ LEDGER_SOURCE: 'bogus' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([
      'LEDGER_SOURCE must be one of client, events (got "bogus")',
    ]);
  });

  it('reports a TEMPLATES_FILE that is not there with the other problems, in either mode', () => {
    for (const env of [{}, live]) {
      let error: unknown;
      try {
        loadConfig({ ...env, TEMPLATES_FILE: '/nowhere/templates.json', LOG_LEVEL: 'loud' });
      } catch (e) {
        error = e;
      }
      expect((error as ConfigError).problems).toEqual([
        'TEMPLATES_FILE /nowhere/templates.json does not exist or cannot be read',
        expect.stringMatching(/^LOG_LEVEL must be one of/),
      ]);
    }
  });
});

describe('loadConfig: HTTP limits', () => {
  it('has explicit defaults: 100 KiB bodies, a 30 s request timeout', () => {
    expect(loadConfig({}).http).toEqual({
      maxBodyBytes: 102_400,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 4096,
    });
  });

  it('reads every limit', () => {
    expect(
      loadConfig({
        MAX_BODY_BYTES: '2048',
        HTTP_HEADERS_TIMEOUT_MS: '500',
        HTTP_REQUEST_TIMEOUT_MS: '1500',
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000',
        HTTP_MAX_CONNECTIONS: '10',
      }).http,
    ).toEqual({
      maxBodyBytes: 2048,
      headersTimeoutMs: 500,
      requestTimeoutMs: 1500,
      keepAliveTimeoutMs: 5000,
      maxConnections: 10,
    });
    // A short request timeout pulls the default headers timeout down with it.
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '300' }).http.headersTimeoutMs).toBe(300);
  });

  it('reports bad limits together', () => {
    let message = '';
    try {
      loadConfig({
        MAX_BODY_BYTES: '100kb',
        HTTP_HEADERS_TIMEOUT_MS: '20000',
        HTTP_REQUEST_TIMEOUT_MS: '1000',
        HTTP_MAX_CONNECTIONS: '0',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('MAX_BODY_BYTES must be an integer');
    expect(message).toContain('HTTP_MAX_CONNECTIONS must be an integer');
    expect(message).toContain(
      'HTTP_HEADERS_TIMEOUT_MS (20000) must not exceed HTTP_REQUEST_TIMEOUT_MS (1000)',
    );
  });

  describe('delivery engine settings', () => {
    it('defaults to every role, 8 concurrent sends and no webhook', () => {
      expect(loadConfig({})).toMatchObject({
        delivery: { role: 'all', workerConcurrency: 8 },
        statusWebhook: null,
      });
    });

    it('reads GATEWAY_ROLE, WORKER_CONCURRENCY and the status webhook', () => {
      const config = loadConfig({
        WECHAT_APP_ID: 'wx1234567890abcdef',
        WECHAT_APP_SECRET: 'secret-0123456789',
        GATEWAY_API_KEYS: 'admin:admin-key-0123456789',
        REDIS_URL: 'redis://127.0.0.1:6379',
        GATEWAY_ROLE: 'api',
        WORKER_CONCURRENCY: '32',
        STATUS_WEBHOOK_URL: 'https://hooks.example.com/wechat',
        STATUS_WEBHOOK_SECRET: 'hook-secret-0123456789',
      });
      expect(config.delivery).toEqual({ role: 'api', workerConcurrency: 32, workerOpsPort: 4001 });
      expect(config.statusWebhook).toEqual({
        url: 'https://hooks.example.com/wechat',
        secret: 'hook-secret-0123456789',
      });
    });

    it('refuses api and worker roles in the sandbox, whose simulators live in one process', () => {
      for (const role of ['api', 'worker']) {
        let error: unknown;
        try {
          loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', GATEWAY_ROLE: role });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toEqual([
          `GATEWAY_ROLE=${role} needs WeChat credentials (WECHAT_APP_ID and WECHAT_APP_SECRET, or WECHAT_APPS_FILE): each sandbox process has simulators of its own, so a sandbox runs with GATEWAY_ROLE=all`,
        ]);
      }
    });

    it('lets a worker-only process run without API keys', () => {
      const config = loadConfig({
        WECHAT_APP_ID: 'wx1234567890abcdef',
        WECHAT_APP_SECRET: 'secret-0123456789',
        REDIS_URL: 'redis://127.0.0.1:6379',
        GATEWAY_ROLE: 'worker',
      });
      expect(config.delivery.role).toBe('worker');
    });

    it('reads WORKER_OPS_PORT, whose default is not PORT’s, and names a bad one', () => {
      const live = {
        WECHAT_APP_ID: 'wx1234567890abcdef',
        WECHAT_APP_SECRET: 'secret-0123456789',
        REDIS_URL: 'redis://127.0.0.1:6379',
        GATEWAY_ROLE: 'worker',
      };
      const defaults = loadConfig(live);
      expect(defaults.delivery.workerOpsPort).toBe(4001);
      expect(defaults.port).toBe(4000);
      expect(loadConfig({ ...live, WORKER_OPS_PORT: '9464' }).delivery.workerOpsPort).toBe(9464);
      expect(loadConfig({ ...live, WORKER_OPS_PORT: '0' }).delivery.workerOpsPort).toBe(0);
      expect(() => loadConfig({ ...live, WORKER_OPS_PORT: '70000' })).toThrow(
        'WORKER_OPS_PORT must be an integer from 0 to 65535 (got "70000")',
      );
    });

    it('reports bad settings together, never echoing the webhook secret', () => {
      let error: unknown;
      try {
        loadConfig({
          GATEWAY_ROLE: 'worker',
          WORKER_CONCURRENCY: '0',
          STATUS_WEBHOOK_URL: 'ftp://x',
          STATUS_WEBHOOK_SECRET: 'shortsecret',
        });
      } catch (e) {
        error = e;
      }
      const text = (error as ConfigError).problems.join('\n');
      expect(text).toMatch(/GATEWAY_ROLE=worker needs REDIS_URL/);
      expect(text).toMatch(/WORKER_CONCURRENCY must be an integer from 1 to 1000/);
      expect(text).toMatch(/STATUS_WEBHOOK_URL must be a http: or https: URL/);
      expect(text).toMatch(/needs STATUS_WEBHOOK_SECRET \(at least 16 characters\)/);
      expect(text).not.toMatch(/STATUS_WEBHOOK_URL is not/);
      expect(text).not.toContain('shortsecret');
      expect(() =>
        loadConfig({ STATUS_WEBHOOK_URL: 'https://h.example.com', STATUS_WEBHOOK_SECRET: 'short' }),
      ).toThrow(/needs STATUS_WEBHOOK_SECRET \(at least 16 characters\)/);
    });

    it('reports only the URL when STATUS_WEBHOOK_URL is not a URL beside a good secret', () => {
      let error: unknown;
      try {
        loadConfig({
          STATUS_WEBHOOK_URL: 'notaurl',
          STATUS_WEBHOOK_SECRET: 'hook-secret-0123456789',
        });
      } catch (e) {
        error = e;
      }
      expect((error as ConfigError).problems).toEqual([
        'STATUS_WEBHOOK_URL must be a http: or https: URL',
      ]);
      expect(() => loadConfig({ STATUS_WEBHOOK_SECRET: 'hook-secret-0123456789' })).toThrow(
        'STATUS_WEBHOOK_SECRET is set but STATUS_WEBHOOK_URL is not',
      );
    });
  });
});
