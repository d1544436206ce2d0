import type { Logger } from '../shared/logger.js';
import { DEFAULT_SEND_QUOTA, type SendQuotaLimits } from './messages/send-quota.js';
import type { SimTemplate } from './templates/sim-template.js';
import type { Clock } from './common/clock.js';
import type { ChangeEvent } from './control/user-controls.js';
import type { PopupEvent } from './control/subscribe-tap.js';
import type { SentEvent } from './messages/send-route.js';

export const DEMO_APP_ID = 'wxsandbox000000001';
/** 32 hex digits, shaped like a real AppSecret. */
export const DEMO_APP_SECRET = '5ad8b0c5ec2e7000000000000000beef';
/** The pages of the "released" demo mini program; a send's page must be one of them (41030). */
export const DEMO_PAGES: readonly string[] = [
  'pages/index/index',
  'pages/order/detail',
  'pages/review/result',
  'pages/appointment/detail',
  'pages/payment/result',
  'pages/course/grade',
];
export const DEFAULT_TOKEN_EXPIRES_IN_SECONDS = 7200;
export const DEFAULT_SEND_LATENCY_MS = 20;

export interface SimulatorOptions {
  appId?: string;
  appSecret?: string;
  /** Token lifetime; default 7200. Small values make expiry visible within minutes. */
  tokenExpiresInSeconds?: number;
  /** The private template library; default: loaded from `templatesFile`. */
  templates?: SimTemplate[];
  /** Where the default library comes from; default the project's templates/demo.json. */
  templatesFile?: string;
  /** The released pages (41030 for any other); compared without query and leading slash. */
  pages?: string[];
  /** How long a send holds the user's slot, so a concurrent send sees 43108; default 20. */
  sendLatencyMs?: number;
  /**
   * The app's subscribe/send quotas: calls per calendar minute (45011) and per day ending at
   * 00:00 Asia/Shanghai (45009); null for no limit. Default: no minute limit, 10 000 000 a day.
   */
  sendQuota?: Partial<SendQuotaLimits>;
  /** Millisecond clock, injectable for tests; default Date.now. */
  now?: Clock;
  logger?: Logger;
  /** After a popup tap in which the user accepted or rejected something; the tap answers once it has run. */
  onPopup?: (event: PopupEvent) => void | Promise<void>;
  /** After a successful send's reply, like WeChat's subscribe_msg_sent_event push. */
  onSent?: (event: SentEvent) => void | Promise<void>;
  /** After the user turns a template off (`POST /__sim/unsubscribe`), like subscribe_msg_change_event. */
  onChange?: (event: ChangeEvent) => void | Promise<void>;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`Simulator option ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** A quota limit: a positive integer, or null for none. */
export function quotaLimit(name: string, value: unknown): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new Error(
      `Simulator option ${name} must be a positive integer or null, got ${String(value)}`,
    );
  }
  return value;
}

function nonEmpty(name: string, value: string): string {
  if (value.trim() === '') throw new Error(`Simulator option ${name} must not be empty`);
  return value;
}

/** The options with defaults applied; throws an error naming any option that makes no sense. */
export function resolveOptions(options: SimulatorOptions) {
  const sendLatencyMs = options.sendLatencyMs ?? DEFAULT_SEND_LATENCY_MS;
  if (!Number.isFinite(sendLatencyMs) || sendLatencyMs < 0) {
    throw new Error(`Simulator option sendLatencyMs must be a number >= 0, got ${sendLatencyMs}`);
  }
  const pages = options.pages ?? DEMO_PAGES;
  const badPage = pages.find((page) => page.trim() === '' || page.includes('?'));
  if (badPage !== undefined) {
    throw new Error(
      `Simulator option pages: ${JSON.stringify(badPage)} must be a page path without a query`,
    );
  }
  return {
    appId: nonEmpty('appId', options.appId ?? DEMO_APP_ID),
    appSecret: nonEmpty('appSecret', options.appSecret ?? DEMO_APP_SECRET),
    tokenExpiresInSeconds: positiveInteger(
      'tokenExpiresInSeconds',
      options.tokenExpiresInSeconds ?? DEFAULT_TOKEN_EXPIRES_IN_SECONDS,
    ),
    pages: [...pages],
    sendLatencyMs,
    sendQuota: {
      perMinute: quotaLimit(
        'sendQuota.perMinute',
        options.sendQuota?.perMinute ?? DEFAULT_SEND_QUOTA.perMinute,
      ),
      perDay: quotaLimit(
        'sendQuota.perDay',
        options.sendQuota?.perDay ?? DEFAULT_SEND_QUOTA.perDay,
      ),
    },
    now: options.now ?? Date.now,
  };
}
