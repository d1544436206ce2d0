import { randomBytes } from 'node:crypto';
import type { SimulatorOptions } from './options.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface StandaloneSettings {
  port: number;
  host: string;
  options: Omit<SimulatorOptions, 'logger'>;
}

/**
 * The standalone simulator's environment (`npm run simulator`): SIMULATOR_PORT (4100),
 * SIMULATOR_HOST (127.0.0.1), SIMULATOR_APP_ID, SIMULATOR_APP_SECRET, SIMULATOR_TOKEN_EXPIRES_IN
 * (seconds, 7200), SIMULATOR_TEMPLATES_FILE (templates/demo.json), SIMULATOR_SEND_PER_MINUTE and
 * SIMULATOR_SEND_PER_DAY (subscribe/send quotas; a positive integer or `none`). Every problem is
 * reported together.
 */
export function standaloneSettings(env: Env): StandaloneSettings {
  const problems: string[] = [];
  const raw = (name: string) => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const value = raw(name);
    if (value === undefined) return fallback;
    if (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max) return Number(value);
    problems.push(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return fallback;
  };
  const quota = (name: string): number | null | undefined => {
    const value = raw(name);
    if (value === undefined) return undefined;
    if (value.toLowerCase() === 'none') return null;
    if (/^\d+$/.test(value) && Number(value) > 0 && Number.isSafeInteger(Number(value))) {
      return Number(value);
    }
    problems.push(`${name} must be a positive integer or "none", got ${JSON.stringify(value)}`);
    return undefined;
  };

  const options: StandaloneSettings['options'] = {
    tokenExpiresInSeconds: integer('SIMULATOR_TOKEN_EXPIRES_IN', 7200, 1, 86_400 * 365),
  };
  const appId = raw('SIMULATOR_APP_ID');
  const appSecret = raw('SIMULATOR_APP_SECRET');
  const templatesFile = raw('SIMULATOR_TEMPLATES_FILE');
  if (appId) options.appId = appId;
  if (appSecret) options.appSecret = appSecret;
  if (templatesFile) options.templatesFile = templatesFile;
  const perMinute = quota('SIMULATOR_SEND_PER_MINUTE');
  const perDay = quota('SIMULATOR_SEND_PER_DAY');
  if (perMinute !== undefined || perDay !== undefined) {
    options.sendQuota = {
      ...(perMinute === undefined ? {} : { perMinute }),
      ...(perDay === undefined ? {} : { perDay }),
    };
  }
  const settings = {
    port: integer('SIMULATOR_PORT', 4100, 0, 65_535),
    host: raw('SIMULATOR_HOST') ?? '127.0.0.1',
    options,
  };
  if (problems.length > 0) {
    throw new Error(`Invalid simulator settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return settings;
}

/**
 * What a live-mode gateway needs in its environment to use this simulator as WeChat: the API
 * base, the app's credentials, an API key (live mode requires one; this one is freshly made) and
 * template sync, so the gateway reads the simulator's template library through gettemplate.
 */
export function gatewayEnvFor(
  baseUrl: string,
  app: { appId: string; appSecret: string },
  apiKey = `admin:${randomBytes(16).toString('hex')}`,
): [string, string][] {
  return [
    ['WECHAT_API_BASE', baseUrl],
    ['WECHAT_APP_ID', app.appId],
    ['WECHAT_APP_SECRET', app.appSecret],
    ['GATEWAY_API_KEYS', apiKey],
    ['TEMPLATES_SYNC', 'true'],
  ];
}
