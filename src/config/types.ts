export type TokenMode = 'stable' | 'classic';
export type HttpTransportKind = 'got' | 'undici';
export type QuotaPolicy = 'track' | 'enforce';
export type LedgerSourceSetting = 'client' | 'events';
export type Role = 'admin' | 'sender' | 'reader';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ApiKey {
  readonly role: Role;
  readonly key: string;
  /** The app names this key may see and act on; null for every app. */
  readonly apps: readonly string[] | null;
}

export interface PushConfig {
  readonly path: string;
  readonly token: string;
  readonly aesKey: string | null;
  readonly replayWindowSeconds: number;
  /** Refuse plaintext pushes: their URL signature does not cover the body. */
  readonly requireEncryption: boolean;
}

export interface RateLimitConfig {
  readonly max: number;
  readonly perSeconds: number;
}

/** One mini-program the gateway serves. */
export interface AppConfig {
  /** GraphQL-safe and unique: how callers, keys and push paths name the app. */
  readonly name: string;
  /** Null in sandbox mode, where the embedded simulator issues the credentials. */
  readonly appId: string | null;
  readonly appSecret: string | null;
  /**
   * Where the operator sets appId and appSecret, for messages when WeChat refuses them; `app` is
   * the name to give in such messages, null for the single app of WECHAT_APP_ID/WECHAT_APP_SECRET.
   */
  readonly credentialSettings: { app: string | null; appId: string; appSecret: string };
  readonly apiBase: string;
  readonly tokenMode: TokenMode;
  readonly templatesFile: string | null;
  readonly templatesSync: boolean;
  readonly quotaPolicy: QuotaPolicy;
  readonly sendRateLimit: RateLimitConfig;
  readonly push: PushConfig | null;
  readonly ledgerSource: LedgerSourceSetting;
}

export const ROLES: readonly Role[] = ['admin', 'sender', 'reader'];
/** App names become parts of GraphQL arguments, push paths and key scopes. */
export const APP_NAME = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
