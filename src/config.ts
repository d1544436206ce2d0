/**
 * Environment parsed once, at the boundary, into a typed read-only object. Every problem is
 * collected and reported together so an operator fixes a bad deployment in one round trip.
 * Pure: takes the env as an argument and never exits the process (only main.ts does that).
 */
export type TokenMode = 'stable' | 'classic';
export type HttpTransportKind = 'got' | 'undici';
export type QuotaPolicy = 'track' | 'enforce';
export type LedgerSourceSetting = 'client' | 'events';
export type Role = 'admin' | 'sender' | 'reader';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ApiKey {
  readonly role: Role;
  readonly key: string;
}

export interface PushConfig {
  readonly path: string;
  readonly token: string;
  readonly aesKey: string | null;
  readonly replayWindowSeconds: number;
  /** Refuse plaintext pushes: their URL signature does not cover the body. */
  readonly requireEncryption: boolean;
}

/** Bounds on one GraphQL operation, checked before it runs (see README, Limits). */
export interface GraphQLLimits {
  readonly maxAliases: number;
  readonly maxDepth: number;
  readonly maxTokens: number;
  readonly maxDirectives: number;
  readonly maxCost: number;
  readonly maxSendsPerRequest: number;
  /** Read work (query cost, characters of fresh documents) per second, shared by all callers. */
  readonly readCostPerSecond: number;
  /** For authenticated callers; anonymous callers never get it. */
  readonly introspection: boolean;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  /** `sandbox` when no WeChat credentials are given: the embedded simulator stands in for WeChat. */
  readonly mode: 'sandbox' | 'live';
  readonly wechat: {
    readonly appId: string | null;
    readonly appSecret: string | null;
    readonly apiBase: string;
    readonly tokenMode: TokenMode;
    /** The HTTP library behind the WeChat client (see docs/benchmarks.md for their CPU cost). */
    readonly transport: HttpTransportKind;
  };
  readonly redisUrl: string | null;
  readonly redisPrefix: string;
  readonly logLevel: LogLevel;
  readonly templatesFile: string | null;
  readonly templatesSync: boolean;
  readonly quotaPolicy: QuotaPolicy;
  readonly apiKeys: readonly ApiKey[];
  readonly playground: boolean;
  readonly push: PushConfig | null;
  readonly ledgerSource: LedgerSourceSetting;
  /** Null only when code (a benchmark) turns every limit off; no env setting gives it. */
  readonly graphqlLimits: GraphQLLimits | null;
  /** How long in-flight requests may run on after SIGTERM before their connections are cut. */
  readonly shutdownGraceSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];
const ROLES: readonly Role[] = ['admin', 'sender', 'reader'];
export const DEFAULT_WECHAT_API_BASE = 'https://api.weixin.qq.com';

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  url(name: string, fallback: string | null, protocols: readonly string[]): string | null {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) throw new Error('protocol');
      return name === 'REDIS_URL' ? value : value.replace(/\/+$/, '');
    } catch {
      // The value may embed a password (REDIS_URL), so it is not echoed back.
      this.problems.push(`${name} must be a ${protocols.join(' or ')} URL`);
      return fallback;
    }
  }
}

function parseApiKeys(reader: Reader): ApiKey[] {
  const value = reader.raw('GATEWAY_API_KEYS');
  if (value === undefined) return [];
  const keys: ApiKey[] = [];
  value.split(',').forEach((pair, index) => {
    const entry = pair.trim();
    const colon = entry.indexOf(':');
    const role = colon > 0 ? entry.slice(0, colon) : '';
    const key = colon > 0 ? entry.slice(colon + 1) : '';
    // Never echo a key: only its position and the role are named.
    if (!(ROLES as readonly string[]).includes(role)) {
      reader.problems.push(
        `GATEWAY_API_KEYS entry ${index + 1} must be role:key with role one of ${ROLES.join(', ')}`,
      );
    } else if (key.length < 16) {
      reader.problems.push(
        `GATEWAY_API_KEYS entry ${index + 1} (${role}) has a key shorter than 16 characters`,
      );
    } else if (keys.some((k) => k.key === key)) {
      reader.problems.push(`GATEWAY_API_KEYS entry ${index + 1} repeats an earlier key`);
    } else {
      keys.push({ role: role as Role, key });
    }
  });
  return keys;
}

function parsePush(reader: Reader): PushConfig | null {
  const token = reader.raw('WECHAT_PUSH_TOKEN');
  const aesKey = reader.raw('WECHAT_PUSH_AES_KEY') ?? null;
  const path = reader.string('WECHAT_PUSH_PATH', '/wechat/push');
  const replayWindowSeconds = reader.integer('WECHAT_PUSH_REPLAY_WINDOW', 300, 1, 86_400);
  const requireEncryption = reader.boolean('WECHAT_PUSH_REQUIRE_ENCRYPTION', false);
  if (requireEncryption && aesKey === null) {
    reader.problems.push('WECHAT_PUSH_REQUIRE_ENCRYPTION=true needs WECHAT_PUSH_AES_KEY');
  }
  if (!path.startsWith('/') || path === '/graphql') {
    reader.problems.push(`WECHAT_PUSH_PATH must start with / and not be /graphql (got "${path}")`);
  }
  if (aesKey !== null && !/^[A-Za-z0-9+/]{43}$/.test(aesKey)) {
    reader.problems.push('WECHAT_PUSH_AES_KEY must be the 43-character EncodingAESKey');
  }
  if (token === undefined) {
    if (aesKey !== null)
      reader.problems.push('WECHAT_PUSH_AES_KEY is set but WECHAT_PUSH_TOKEN is not');
    return null;
  }
  if (!/^[A-Za-z0-9]{3,32}$/.test(token)) {
    reader.problems.push('WECHAT_PUSH_TOKEN must be 3 to 32 letters or digits (WeChat’s rule)');
  }
  return { path, token, aesKey, replayWindowSeconds, requireEncryption };
}

function parseGraphQLLimits(reader: Reader): GraphQLLimits {
  return {
    maxAliases: reader.integer('GRAPHQL_MAX_ALIASES', 15, 1, 10_000),
    maxDepth: reader.integer('GRAPHQL_MAX_DEPTH', 10, 1, 1_000),
    maxTokens: reader.integer('GRAPHQL_MAX_TOKENS', 1_000, 100, 1_000_000),
    maxDirectives: reader.integer('GRAPHQL_MAX_DIRECTIVES', 20, 0, 10_000),
    maxCost: reader.integer('GRAPHQL_MAX_COST', 5_000, 1, 100_000_000),
    maxSendsPerRequest: reader.integer('MAX_SENDS_PER_REQUEST', 10, 1, 10_000),
    readCostPerSecond: reader.integer('GRAPHQL_READ_COST_PER_SECOND', 20_000, 100, 100_000_000),
    introspection: reader.boolean('GRAPHQL_INTROSPECTION', true),
  };
}

export function loadConfig(env: Env): Config {
  const reader = new Reader(env);
  const appId = reader.raw('WECHAT_APP_ID') ?? null;
  const appSecret = reader.raw('WECHAT_APP_SECRET') ?? null;
  if ((appId === null) !== (appSecret === null)) {
    reader.problems.push(
      `${appId === null ? 'WECHAT_APP_ID' : 'WECHAT_APP_SECRET'} is missing: set both WECHAT_APP_ID and WECHAT_APP_SECRET for live mode, or neither for sandbox mode`,
    );
  }
  const mode = appId !== null && appSecret !== null ? 'live' : 'sandbox';
  const apiKeys = parseApiKeys(reader);
  if (mode === 'live' && apiKeys.length === 0 && reader.raw('GATEWAY_API_KEYS') === undefined) {
    reader.problems.push(
      'GATEWAY_API_KEYS is required with real WeChat credentials (comma-separated role:key pairs, roles admin, sender, reader)',
    );
  }
  const push = parsePush(reader);
  const config: Config = {
    port: reader.integer('PORT', 4000, 0, 65_535),
    host: reader.string('HOST', '127.0.0.1'),
    mode,
    wechat: {
      appId,
      appSecret,
      apiBase: reader.url('WECHAT_API_BASE', DEFAULT_WECHAT_API_BASE, ['http:', 'https:'])!,
      tokenMode: reader.oneOf<TokenMode>('WECHAT_TOKEN_MODE', ['stable', 'classic'], 'stable'),
      transport: reader.oneOf<HttpTransportKind>(
        'WECHAT_HTTP_TRANSPORT',
        ['got', 'undici'],
        'undici',
      ),
    },
    redisUrl: reader.url('REDIS_URL', null, ['redis:', 'rediss:']),
    redisPrefix: reader.string('REDIS_PREFIX', 'wsg'),
    logLevel: reader.oneOf<LogLevel>('LOG_LEVEL', LOG_LEVELS, 'info'),
    templatesFile: reader.raw('TEMPLATES_FILE') ?? null,
    templatesSync: reader.boolean('TEMPLATES_SYNC', false),
    quotaPolicy: reader.oneOf<QuotaPolicy>('QUOTA_POLICY', ['track', 'enforce'], 'track'),
    apiKeys,
    playground: reader.boolean('PLAYGROUND', mode === 'sandbox'),
    push,
    ledgerSource: reader.oneOf<LedgerSourceSetting>(
      'LEDGER_SOURCE',
      ['client', 'events'],
      push ? 'events' : 'client',
    ),
    graphqlLimits: parseGraphQLLimits(reader),
    shutdownGraceSeconds: reader.integer('SHUTDOWN_GRACE_SECONDS', 25, 0, 3600),
  };
  if (config.ledgerSource === 'events' && push === null && reader.raw('LEDGER_SOURCE')) {
    reader.problems.push('LEDGER_SOURCE=events needs the push endpoint: set WECHAT_PUSH_TOKEN');
  }
  if (reader.problems.length > 0) throw new ConfigError(reader.problems);
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
