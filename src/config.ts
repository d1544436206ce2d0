/**
 * Environment parsed once, at the boundary, into a typed read-only object. Every problem is
 * collected and reported together so an operator fixes a bad deployment in one round trip.
 * Pure but for reading WECHAT_APPS_FILE (injectable): never exits the process (only main.ts does).
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { parseApiKeys } from './config/api-keys.js';
import {
  DEFAULT_APP_NAME,
  DEFAULT_SEND_RATE_LIMIT,
  parseAppsFile,
  parseRateLimit,
  SANDBOX_APP_NAMES,
  validatePush,
  type AppDefaults,
  type ConfigIO,
} from './config/apps.js';
import { parseGraphQLLimits, type GraphQLLimits } from './config/graphql-limits.js';
import { parseOperations, type OperationsSettings } from './config/operations.js';
import { Reader, type Env } from './config/reader.js';
import type {
  ApiKey,
  AppConfig,
  HttpTransportKind,
  LedgerSourceSetting,
  LogLevel,
  PushConfig,
  QuotaPolicy,
  RateLimitConfig,
  TokenMode,
} from './config/types.js';

export type * from './config/types.js';
export { DEFAULT_APP_NAME, SANDBOX_APP_NAMES, templatesFileSetting } from './config/apps.js';
export type { GraphQLLimits } from './config/graphql-limits.js';
export type { LogFormat } from './config/operations.js';

/** Limits of the HTTP edge: what one client may hold of the server's memory and sockets. */
export interface HttpLimits {
  /** Largest /graphql request body; the push endpoint keeps its own 64 KiB. */
  readonly maxBodyBytes: number;
  readonly headersTimeoutMs: number;
  /** Whole request, body included: a slow upload is cut here. */
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly maxConnections: number;
}

export type GatewayRole = 'all' | 'api' | 'worker';

export const DEFAULT_PORT = 4000;
/** Next to PORT's, so a gateway and a worker started with the defaults on one host both listen. */
export const DEFAULT_WORKER_OPS_PORT = DEFAULT_PORT + 1;

/** The delivery engine's share of this process; each app's SEND_RATE_LIMIT is in its AppConfig. */
export interface DeliveryConfig {
  readonly workerConcurrency: number;
  /** all: HTTP and queue workers; api: HTTP only; worker: queue workers only (npm run worker). */
  readonly role: GatewayRole;
  /**
   * Where a worker-only process serves /healthz, /readyz and /metrics. Not PORT: a worker often
   * shares its host and environment with a gateway, whose PORT it must not take.
   */
  readonly workerOpsPort: number;
}

export interface Config extends OperationsSettings {
  readonly port: number;
  readonly host: string;
  /** `sandbox` when no WeChat credentials are given: the embedded simulator stands in for WeChat. */
  readonly mode: 'sandbox' | 'live';
  /**
   * The mini-programs served: one named `default` from the single-app variables, those of
   * WECHAT_APPS_FILE, or the sandbox's demo apps.
   */
  readonly apps: readonly AppConfig[];
  /** The app an operation acts on when it names none and the caller may see several. */
  readonly defaultApp: string | null;
  /** The HTTP library behind the WeChat client (see docs/benchmarks.md for their CPU cost). */
  readonly transport: HttpTransportKind;
  readonly redisUrl: string | null;
  readonly redisPrefix: string;
  readonly logLevel: LogLevel;
  readonly apiKeys: readonly ApiKey[];
  readonly playground: boolean;
  /**
   * Sandbox mode: where the first demo app's simulator listens (the next ones on the following
   * ports); 0 picks free ports.
   */
  readonly sandboxSimulatorPort: number;
  /** How long in-flight requests may run on after SIGTERM before their connections are cut. */
  readonly shutdownGraceSeconds: number;
  readonly http: HttpLimits;
  /** Recovery and housekeeping: how crashed sends and old messages are handled. */
  readonly operations: OperationsConfig;
  /** Null only when code (a benchmark) turns every limit off; no env setting gives it. */
  readonly graphqlLimits: GraphQLLimits | null;
  readonly delivery: DeliveryConfig;
  /** STATUS_WEBHOOK_URL/SECRET: every final state change is POSTed there, signed. */
  readonly statusWebhook: { readonly url: string; readonly secret: string } | null;
}

export interface OperationsConfig {
  /** How long an idempotency claim holds without renewal: how soon a crashed send frees its key. */
  readonly idempotencyLeaseSeconds: number;
  /** Messages older than this leave the message log. */
  readonly messageRetentionDays: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];
export const DEFAULT_WECHAT_API_BASE = 'https://api.weixin.qq.com';
/** Variables that describe the single app; with WECHAT_APPS_FILE each app says these itself. */
const SINGLE_APP_VARIABLES = [
  'WECHAT_APP_ID',
  'WECHAT_APP_SECRET',
  'TEMPLATES_FILE',
  'WECHAT_PUSH_TOKEN',
  'WECHAT_PUSH_AES_KEY',
  'WECHAT_PUSH_PATH',
  'LEDGER_SOURCE',
];

export type { ConfigIO } from './config/apps.js';

const FILE_SYSTEM: ConfigIO = {
  readText: (path) => readFileSync(path, 'utf8'),
  readable: (path) => {
    try {
      accessSync(path, constants.R_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  },
};

export function loadConfig(env: Env, io: ConfigIO = FILE_SYSTEM): Config {
  const reader = new Reader(env);
  const appsFile = reader.raw('WECHAT_APPS_FILE');
  const singleApp = SINGLE_APP_VARIABLES.filter((name) => reader.raw(name) !== undefined);
  if (appsFile !== undefined && singleApp.length > 0) {
    reader.problems.push(
      `WECHAT_APPS_FILE is set, and so is ${singleApp.join(', ')}: describe every app in the file, or use the single-app variables without the file`,
    );
  }
  const appId = reader.raw('WECHAT_APP_ID') ?? null;
  const appSecret = reader.raw('WECHAT_APP_SECRET') ?? null;
  if (appsFile === undefined && (appId === null) !== (appSecret === null)) {
    reader.problems.push(
      `${appId === null ? 'WECHAT_APP_ID' : 'WECHAT_APP_SECRET'} is missing: set both WECHAT_APP_ID and WECHAT_APP_SECRET for live mode, or neither for sandbox mode`,
    );
  }
  const mode =
    appsFile !== undefined || (appId !== null && appSecret !== null) ? 'live' : 'sandbox';
  const defaults: AppDefaults = {
    apiBase: reader.url('WECHAT_API_BASE', DEFAULT_WECHAT_API_BASE, ['http:', 'https:'])!,
    tokenMode: reader.oneOf<TokenMode>('WECHAT_TOKEN_MODE', ['stable', 'classic'], 'stable'),
    quotaPolicy: reader.oneOf<QuotaPolicy>('QUOTA_POLICY', ['track', 'enforce'], 'track'),
    templatesSync: reader.boolean('TEMPLATES_SYNC', false),
    sendRateLimit: parseSendRateLimit(reader),
    replayWindowSeconds: reader.integer('WECHAT_PUSH_REPLAY_WINDOW', 300, 1, 86_400),
    requireEncryption: reader.raw('WECHAT_PUSH_REQUIRE_ENCRYPTION')
      ? reader.boolean('WECHAT_PUSH_REQUIRE_ENCRYPTION', false)
      : null,
  };
  const fromFile =
    appsFile !== undefined ? parseAppsFile(reader, env, appsFile, io, defaults) : null;
  const apps =
    fromFile !== null
      ? fromFile.apps
      : mode === 'live'
        ? [singleAppFromEnv(reader, io, DEFAULT_APP_NAME, { appId, appSecret }, defaults)]
        : SANDBOX_APP_NAMES.map((name, index) =>
            singleAppFromEnv(
              reader,
              io,
              name,
              { appId: null, appSecret: null },
              defaults,
              index > 0,
            ),
          );
  const appNames = fromFile?.names ?? apps.map((app) => app.name);
  const apiKeys = parseApiKeys(reader, appNames);
  // A worker-only process serves no API, so it needs no keys.
  if (
    mode === 'live' &&
    apiKeys.length === 0 &&
    reader.raw('GATEWAY_API_KEYS') === undefined &&
    reader.raw('GATEWAY_ROLE') !== 'worker'
  ) {
    reader.problems.push(
      'GATEWAY_API_KEYS is required with real WeChat credentials (comma-separated role[@app]:key entries, roles admin, sender, reader)',
    );
  }
  const defaultApp =
    reader.raw('DEFAULT_APP') ?? (mode === 'sandbox' ? SANDBOX_APP_NAMES[0] : null);
  if (defaultApp !== null && appNames.length > 0 && !appNames.includes(defaultApp)) {
    reader.problems.push(
      `DEFAULT_APP must name an app (got "${defaultApp.slice(0, 64)}"; apps: ${appNames.join(', ')})`,
    );
  }
  const config: Config = {
    port: reader.integer('PORT', DEFAULT_PORT, 0, 65_535),
    host: reader.string('HOST', '127.0.0.1'),
    mode,
    apps,
    defaultApp: defaultApp ?? (apps.length === 1 ? apps[0]!.name : null),
    transport: reader.oneOf<HttpTransportKind>(
      'WECHAT_HTTP_TRANSPORT',
      ['got', 'undici'],
      'undici',
    ),
    redisUrl: reader.url('REDIS_URL', null, ['redis:', 'rediss:']),
    redisPrefix: reader.string('REDIS_PREFIX', 'wsg'),
    logLevel: reader.oneOf<LogLevel>('LOG_LEVEL', LOG_LEVELS, 'info'),
    ...parseOperations(reader),
    apiKeys,
    playground: reader.boolean('PLAYGROUND', mode === 'sandbox'),
    sandboxSimulatorPort: reader.integer('SANDBOX_SIMULATOR_PORT', 0, 0, 65_535),
    shutdownGraceSeconds: reader.integer('SHUTDOWN_GRACE_SECONDS', 25, 0, 3600),
    http: parseHttpLimits(reader),
    delivery: parseDelivery(reader, mode),
    statusWebhook: parseStatusWebhook(reader),
    operations: {
      idempotencyLeaseSeconds: reader.integer('IDEMPOTENCY_LEASE_SECONDS', 30, 1, 3600),
      messageRetentionDays: reader.integer('MESSAGE_RETENTION_DAYS', 90, 1, 36_500),
    },
    graphqlLimits: parseGraphQLLimits(reader),
  };
  // The sandbox's demo apps each read the shared single-app variables: one mistake, one line.
  if (reader.problems.length > 0) throw new ConfigError([...new Set(reader.problems)]);
  return deepFreeze(config);
}

/**
 * The single-app variables describe one app. In the sandbox they describe the demo apps: the
 * first keeps WECHAT_PUSH_PATH and TEMPLATES_FILE, the others get `/wechat/push/<name>` and their
 * own demo templates.
 */
function singleAppFromEnv(
  reader: Reader,
  io: ConfigIO,
  name: string,
  credentials: { appId: string | null; appSecret: string | null },
  defaults: AppDefaults,
  secondary = false,
): AppConfig {
  const push = parsePushEnv(reader, secondary ? `/wechat/push/${name}` : null, defaults);
  const ledgerSource = reader.oneOf<LedgerSourceSetting>(
    'LEDGER_SOURCE',
    ['client', 'events'],
    push ? 'events' : 'client',
  );
  if (ledgerSource === 'events' && push === null && reader.raw('LEDGER_SOURCE') && !secondary) {
    reader.problems.push('LEDGER_SOURCE=events needs the push endpoint: set WECHAT_PUSH_TOKEN');
  }
  const templatesFile = secondary ? null : (reader.raw('TEMPLATES_FILE') ?? null);
  // Its content is read at start-up; a file that is not there is reported with the rest.
  if (templatesFile !== null && !io.readable(templatesFile)) {
    reader.problems.push(`TEMPLATES_FILE ${templatesFile} does not exist or cannot be read`);
  }
  return {
    name,
    ...credentials,
    credentialSettings: { app: null, appId: 'WECHAT_APP_ID', appSecret: 'WECHAT_APP_SECRET' },
    apiBase: defaults.apiBase,
    tokenMode: defaults.tokenMode,
    templatesFile,
    templatesSync: defaults.templatesSync,
    quotaPolicy: defaults.quotaPolicy,
    sendRateLimit: defaults.sendRateLimit,
    push,
    ledgerSource,
  };
}

/** SEND_RATE_LIMIT: the single app's limit, or the default of every app of WECHAT_APPS_FILE. */
function parseSendRateLimit(reader: Reader): RateLimitConfig {
  const rate = reader.string('SEND_RATE_LIMIT', DEFAULT_SEND_RATE_LIMIT);
  const parsed = parseRateLimit(rate);
  if (parsed) return parsed;
  reader.problems.push(`SEND_RATE_LIMIT must look like 100/1s or 6000/1m (got "${rate}")`);
  return parseRateLimit(DEFAULT_SEND_RATE_LIMIT)!;
}

function parsePushEnv(
  reader: Reader,
  pathOverride: string | null,
  defaults: AppDefaults,
): PushConfig | null {
  const token = reader.raw('WECHAT_PUSH_TOKEN');
  const aesKey = reader.raw('WECHAT_PUSH_AES_KEY') ?? null;
  const path = pathOverride ?? reader.string('WECHAT_PUSH_PATH', '/wechat/push');
  // Problems with the shared variables are reported once, for the first app that reads them.
  const problems = pathOverride === null ? reader.problems : [];
  if (!path.startsWith('/') || path === '/graphql') {
    problems.push(`WECHAT_PUSH_PATH must start with / and not be /graphql (got "${path}")`);
  }
  if (token === undefined) {
    if (aesKey !== null) problems.push('WECHAT_PUSH_AES_KEY is set but WECHAT_PUSH_TOKEN is not');
    if (defaults.requireEncryption === true) {
      problems.push('WECHAT_PUSH_REQUIRE_ENCRYPTION=true needs WECHAT_PUSH_AES_KEY');
    }
    return null;
  }
  const push = validatePush([], '', {
    path,
    token,
    aesKey,
    replayWindowSeconds: defaults.replayWindowSeconds,
    requireEncryption: defaults.requireEncryption,
  });
  if (!/^[A-Za-z0-9]{3,32}$/.test(token)) {
    problems.push('WECHAT_PUSH_TOKEN must be 3 to 32 letters or digits (WeChat’s rule)');
  }
  if (aesKey !== null && !/^[A-Za-z0-9+/]{43}$/.test(aesKey)) {
    problems.push('WECHAT_PUSH_AES_KEY must be the 43-character EncodingAESKey');
  }
  if (defaults.requireEncryption === true && aesKey === null) {
    problems.push('WECHAT_PUSH_REQUIRE_ENCRYPTION=true needs WECHAT_PUSH_AES_KEY');
  }
  return push;
}

function parseDelivery(reader: Reader, mode: Config['mode']): DeliveryConfig {
  const role = reader.oneOf<GatewayRole>('GATEWAY_ROLE', ['all', 'api', 'worker'], 'all');
  if (role !== 'all' && reader.raw('REDIS_URL') === undefined) {
    reader.problems.push(
      `GATEWAY_ROLE=${role} needs REDIS_URL: without Redis the queue lives in one process`,
    );
  }
  // A worker beside a sandbox would send to simulators of its own, with other credits and inboxes,
  // so an api-only sandbox would keep its scheduled messages waiting forever.
  if (role !== 'all' && mode === 'sandbox') {
    reader.problems.push(
      `GATEWAY_ROLE=${role} needs WeChat credentials (WECHAT_APP_ID and WECHAT_APP_SECRET, or WECHAT_APPS_FILE): each sandbox process has simulators of its own, so a sandbox runs with GATEWAY_ROLE=all`,
    );
  }
  return {
    workerConcurrency: reader.integer('WORKER_CONCURRENCY', 8, 1, 1000),
    role,
    workerOpsPort: reader.integer('WORKER_OPS_PORT', DEFAULT_WORKER_OPS_PORT, 0, 65_535),
  };
}

function parseStatusWebhook(reader: Reader): Config['statusWebhook'] {
  const url = reader.url('STATUS_WEBHOOK_URL', null, ['http:', 'https:']);
  const secret = reader.raw('STATUS_WEBHOOK_SECRET');
  const urlSet = reader.raw('STATUS_WEBHOOK_URL') !== undefined;
  if (!urlSet) {
    if (secret !== undefined)
      reader.problems.push('STATUS_WEBHOOK_SECRET is set but STATUS_WEBHOOK_URL is not');
    return null;
  }
  // A URL that is set but invalid is reported by reader.url; the secret is still checked.
  if (secret === undefined || secret.length < 16) {
    // Never echo the secret: only its absence or shortness is named.
    reader.problems.push(
      'STATUS_WEBHOOK_URL needs STATUS_WEBHOOK_SECRET (at least 16 characters) to sign the callbacks',
    );
    return null;
  }
  return url === null ? null : { url, secret };
}

function parseHttpLimits(reader: Reader): HttpLimits {
  const requestTimeoutMs = reader.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeoutMs = reader.integer(
    'HTTP_HEADERS_TIMEOUT_MS',
    Math.min(10_000, requestTimeoutMs),
    100,
    3_600_000,
  );
  if (headersTimeoutMs > requestTimeoutMs) {
    reader.problems.push(
      `HTTP_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }
  return {
    maxBodyBytes: reader.integer('MAX_BODY_BYTES', 100 * 1024, 1024, 64 * 1024 * 1024),
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: reader.integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, 1_000, 3_600_000),
    maxConnections: reader.integer('HTTP_MAX_CONNECTIONS', 4096, 1, 1_000_000),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
