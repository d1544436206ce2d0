import { dirname, resolve } from 'node:path';
import type { Env, Reader } from './reader.js';
import {
  APP_NAME,
  type AppConfig,
  type LedgerSourceSetting,
  type PushConfig,
  type QuotaPolicy,
  type RateLimitConfig,
  type TokenMode,
} from './types.js';

export const DEFAULT_APP_NAME = 'default';
/** The sandbox's demo apps, served by the embedded simulator; the first is the default. */
export const SANDBOX_APP_NAMES = ['shop', 'clinic'] as const;
export const DEFAULT_SEND_RATE_LIMIT = '100/1s';

const TOKEN_MODES: readonly TokenMode[] = ['stable', 'classic'];
const QUOTA_POLICIES: readonly QuotaPolicy[] = ['track', 'enforce'];
const LEDGER_SOURCES: readonly LedgerSourceSetting[] = ['client', 'events'];
const APP_FIELDS = new Set([
  'name',
  'appId',
  'appSecret',
  'apiBase',
  'templatesFile',
  'templatesSync',
  'tokenMode',
  'quotaPolicy',
  'sendRateLimit',
  'push',
  'ledgerSource',
]);
const PUSH_FIELDS = new Set(['token', 'aesKey', 'requireEncryption']);

/** `100/1s`, `100/s`, `6000/1m`: sends allowed per window. */
export function parseRateLimit(value: string): RateLimitConfig | null {
  const match = /^(\d{1,6})\/(\d{0,4})(s|m)$/.exec(value.trim());
  if (!match) return null;
  const max = Number(match[1]);
  const count = match[2] === '' ? 1 : Number(match[2]);
  const perSeconds = count * (match[3] === 'm' ? 60 : 1);
  return max >= 1 && perSeconds >= 1 && perSeconds <= 3600 ? { max, perSeconds } : null;
}

/** What the configuration reads from disk; the file system unless a test says otherwise. */
export interface ConfigIO {
  /** Reads WECHAT_APPS_FILE. */
  readText(path: string): string;
  /** Whether a file the configuration names (a templates file) exists and can be read. */
  readable(path: string): boolean;
}

/** Settings every app shares unless its own entry says otherwise. */
export interface AppDefaults {
  apiBase: string;
  tokenMode: TokenMode;
  quotaPolicy: QuotaPolicy;
  templatesSync: boolean;
  /** SEND_RATE_LIMIT, or its default. */
  sendRateLimit: RateLimitConfig;
  replayWindowSeconds: number;
  requireEncryption: boolean | null;
}

export function validatePush(
  problems: string[],
  where: string,
  push: Omit<PushConfig, 'requireEncryption'> & { requireEncryption: boolean | null },
): PushConfig {
  if (!/^[A-Za-z0-9]{3,32}$/.test(push.token)) {
    problems.push(`${where}token must be 3 to 32 letters or digits (WeChat’s rule)`);
  }
  checkPushEncryption(problems, where, push.aesKey, push.requireEncryption);
  // With an AES key, plaintext is refused unless explicitly allowed: its URL signature does not
  // cover the body, so a captured query could carry a forged one.
  return { ...push, requireEncryption: push.requireEncryption ?? push.aesKey !== null };
}

function checkPushEncryption(
  problems: string[],
  where: string,
  aesKey: string | null,
  requireEncryption: boolean | null,
): void {
  if (aesKey !== null && !/^[A-Za-z0-9+/]{43}$/.test(aesKey)) {
    problems.push(`${where}aesKey must be the 43-character EncodingAESKey`);
  }
  if (requireEncryption === true && aesKey === null) {
    problems.push(`${where}requireEncryption needs an AES key`);
  }
}

export interface AppsFile {
  /** The apps read without a problem. */
  apps: AppConfig[];
  /**
   * The name of every entry that has a readable one, problems or not: API keys and DEFAULT_APP are
   * checked against these, so an app with a bad field is reported once, not again as unknown.
   */
  names: string[];
}

/**
 * `WECHAT_APPS_FILE`: `{ "apps": [ { "name": …, "appId": …, "appSecret": "${VAR}", … } ] }`.
 * `${VAR}` in any string is read from the environment, so no secret has to live in the file.
 * Every problem is reported with the app's name and the field; no value is echoed.
 */
export function parseAppsFile(
  reader: Reader,
  env: Env,
  path: string,
  io: ConfigIO,
  defaults: AppDefaults,
): AppsFile {
  const problems = reader.problems;
  let document: unknown;
  try {
    document = JSON.parse(io.readText(path));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    problems.push(`WECHAT_APPS_FILE ${path} ${reason}`);
    return { apps: [], names: [] };
  }
  const list = (document as { apps?: unknown } | null)?.apps;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push(`WECHAT_APPS_FILE ${path} must be { "apps": [ … ] } with at least one app`);
    return { apps: [], names: [] };
  }
  const apps: AppConfig[] = [];
  const identities: AppIdentity[] = [];
  list.forEach((entry: unknown, index) => {
    const parsed = parseAppEntry(problems, env, entry, index, defaults, {
      io,
      baseDir: dirname(resolve(path)),
    });
    identities.push(parsed.identity);
    if (parsed.app) apps.push(parsed.app);
  });
  reportRepeats(problems, identities);
  const names = identities.flatMap(({ name }) =>
    name !== undefined && APP_NAME.test(name) ? [name] : [],
  );
  return { apps, names: [...new Set(names)] };
}

/** What tells apps apart, as far as it could be read: checked even for entries with problems. */
interface AppIdentity {
  where: string;
  name?: string;
  appId?: string;
}

function reportRepeats(problems: string[], identities: readonly AppIdentity[]): void {
  for (const field of ['name', 'appId'] as const) {
    const seen = new Map<string, number>();
    identities.forEach((identity, index) => {
      const value = identity[field];
      if (value === undefined) return;
      const first = seen.get(value);
      if (first === undefined) seen.set(value, index);
      else
        problems.push(
          `${identity.where}repeats the ${field} of apps[${first}]: each app needs its own ${field}`,
        );
    });
  }
}

/**
 * Where the operator set an app's templatesFile, for messages about its content: `TEMPLATES_FILE`
 * (with the app's name in the sandbox, whose demo apps share the variables), or the field of the
 * app in WECHAT_APPS_FILE.
 */
export function templatesFileSetting(app: AppConfig): string {
  if (app.credentialSettings.app !== null)
    return `the templatesFile of app "${app.name}" in WECHAT_APPS_FILE`;
  return app.name === DEFAULT_APP_NAME ? 'TEMPLATES_FILE' : `TEMPLATES_FILE (app "${app.name}")`;
}

/** `SHOP_SECRET (the appSecret of app "shop" in WECHAT_APPS_FILE)` when the field is `${SHOP_SECRET}`. */
function settingOf(raw: unknown, field: string, app: string): string {
  const inFile = `the ${field} of app "${app}" in WECHAT_APPS_FILE`;
  const variable = typeof raw === 'string' ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(raw) : null;
  return variable ? `${variable[1]} (${inFile})` : inFile;
}

function parseAppEntry(
  problems: string[],
  env: Env,
  entry: unknown,
  index: number,
  defaults: AppDefaults,
  files: { io: ConfigIO; baseDir: string },
): { app: AppConfig | null; identity: AppIdentity } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push(`WECHAT_APPS_FILE: apps[${index}] must be an object`);
    return { app: null, identity: { where: `WECHAT_APPS_FILE: apps[${index}] ` } };
  }
  const raw = entry as Record<string, unknown>;
  const label = typeof raw.name === 'string' && APP_NAME.test(raw.name) ? `"${raw.name}" ` : '';
  const where = `WECHAT_APPS_FILE: app ${label}(apps[${index}]) `;
  const before = problems.length;
  for (const key of Object.keys(raw)) {
    if (!APP_FIELDS.has(key))
      problems.push(`${where}has an unknown field ${JSON.stringify(key.slice(0, 40))}`);
  }
  const text = (field: string): string | undefined => {
    const value = raw[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      problems.push(`${where}${field} must be a string`);
      return undefined;
    }
    return interpolate(problems, env, value, `${where}${field}`);
  };
  const choice = <T extends string>(field: string, allowed: readonly T[], fallback: T): T => {
    const value = text(field);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${where}${field} must be one of ${allowed.join(', ')}`);
    return fallback;
  };
  const flag = (value: unknown, field: string, fallback: boolean): boolean => {
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    problems.push(`${where}${field} must be true or false`);
    return fallback;
  };

  // A field present but unreadable (not a string, or a missing ${VAR}) is already reported.
  const unreadable = (field: string, value: string | undefined) =>
    value === undefined && raw[field] !== undefined;
  const name = text('name');
  if (!unreadable('name', name) && (name === undefined || !APP_NAME.test(name))) {
    problems.push(
      `${where}name must be a letter then up to 31 letters, digits or _ (it names the app in GraphQL and in push paths)`,
    );
  }
  const appId = text('appId');
  if (
    !unreadable('appId', appId) &&
    (appId === undefined || !/^wx[A-Za-z0-9]{6,30}$/.test(appId))
  ) {
    problems.push(`${where}appId must be the mini-program's app id (wx…)`);
  }
  const appSecret = text('appSecret');
  if (!unreadable('appSecret', appSecret) && (appSecret === undefined || appSecret === '')) {
    problems.push(
      `${where}appSecret is required (write "\${SOME_VAR}" to read it from the environment)`,
    );
  }
  const apiBase = text('apiBase') ?? defaults.apiBase;
  if (!/^https?:\/\/[^\s]+$/.test(apiBase))
    problems.push(`${where}apiBase must be an http or https URL`);
  const templatesFile = text('templatesFile');
  const templatesPath = templatesFile === undefined ? null : resolve(files.baseDir, templatesFile);
  // Its content is read at start-up; a file that is not there is a mistake in this file.
  if (templatesPath !== null && !files.io.readable(templatesPath)) {
    problems.push(
      `${where}templatesFile ${templatesPath} does not exist or cannot be read (a relative path is relative to WECHAT_APPS_FILE)`,
    );
  }
  const rate = text('sendRateLimit');
  const sendRateLimit = rate === undefined ? defaults.sendRateLimit : parseRateLimit(rate);
  if (!sendRateLimit) problems.push(`${where}sendRateLimit must look like 100/1s or 6000/1m`);
  const push = parsePushEntry(problems, env, raw.push, where, name ?? '', defaults);
  const ledgerSource = choice('ledgerSource', LEDGER_SOURCES, push ? 'events' : 'client');
  if (ledgerSource === 'events' && !push) problems.push(`${where}ledgerSource events needs push`);
  const tokenMode = choice('tokenMode', TOKEN_MODES, defaults.tokenMode);
  const templatesSync = flag(raw.templatesSync, 'templatesSync', defaults.templatesSync);
  const quotaPolicy = choice('quotaPolicy', QUOTA_POLICIES, defaults.quotaPolicy);
  const identity = { where, name, appId };
  if (problems.length > before) return { app: null, identity };
  const app: AppConfig = {
    name: name!,
    appId: appId!,
    appSecret: appSecret!,
    credentialSettings: {
      app: name!,
      appId: settingOf(raw.appId, 'appId', name!),
      appSecret: settingOf(raw.appSecret, 'appSecret', name!),
    },
    apiBase: apiBase.replace(/\/+$/, ''),
    tokenMode,
    templatesFile: templatesPath,
    templatesSync,
    quotaPolicy,
    sendRateLimit: sendRateLimit!,
    push,
    ledgerSource,
  };
  return { app, identity };
}

function parsePushEntry(
  problems: string[],
  env: Env,
  value: unknown,
  where: string,
  name: string,
  defaults: AppDefaults,
): PushConfig | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${where}push must be an object { token, aesKey? }`);
    return null;
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!PUSH_FIELDS.has(key))
      problems.push(`${where}push has an unknown field ${JSON.stringify(key.slice(0, 40))}`);
  }
  const secret = (field: string): string | null => {
    const v = raw[field];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') {
      problems.push(`${where}push.${field} must be a string`);
      return null;
    }
    return interpolate(problems, env, v, `${where}push.${field}`) ?? null;
  };
  const token = secret('token');
  const aesKey = secret('aesKey');
  const aesKeyUnreadable = aesKey === null && raw.aesKey !== undefined && raw.aesKey !== null;
  const explicit = raw.requireEncryption;
  if (explicit !== undefined && typeof explicit !== 'boolean') {
    problems.push(`${where}push.requireEncryption must be true or false`);
  }
  const requireEncryption = typeof explicit === 'boolean' ? explicit : defaults.requireEncryption;
  if (token === null) {
    // A token present but unreadable (not a string, or a missing ${VAR}) is already reported; the
    // other fields are still checked, so every mistake is reported at once.
    if (raw.token === undefined || raw.token === null)
      problems.push(`${where}push.token is required when push is set`);
    if (!aesKeyUnreadable)
      checkPushEncryption(problems, `${where}push.`, aesKey, requireEncryption);
    return null;
  }
  return validatePush(problems, `${where}push.`, {
    path: `/wechat/push/${name}`,
    token,
    aesKey,
    replayWindowSeconds: defaults.replayWindowSeconds,
    // An aesKey whose ${VAR} is missing is reported as such, not again as absent.
    requireEncryption: aesKeyUnreadable ? false : requireEncryption,
  });
}

/** Replaces `${VAR}` with the environment's value; a missing variable is a problem naming it. */
function interpolate(
  problems: string[],
  env: Env,
  value: string,
  where: string,
): string | undefined {
  let missing = false;
  const result = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, variable: string) => {
    const found = env[variable];
    if (found === undefined || found === '') {
      problems.push(`${where} reads \${${variable}}, which is not set in the environment`);
      missing = true;
      return '';
    }
    return found;
  });
  return missing ? undefined : result;
}
