import type { Keyv } from 'keyv';
import type { Logger } from '../../../shared/logger.js';

export interface CachedToken {
  token: string;
  /** Epoch ms after which the gateway stops using the token (WeChat's expiry minus a margin). */
  expiresAt: number;
}

export interface ForceRefreshLog {
  /** Day in WeChat's time zone (UTC+8), YYYY-MM-DD: the 20-a-day limit resets at its midnight. */
  day: string;
  count: number;
  lastAt: number;
}

/**
 * The shared half of the token cache, on Keyv (Redis or memory). Unreachable storage is reported
 * as `undefined` reads and ignored writes after one log line, so the service keeps running on its
 * in-process copy; recovery is logged once too.
 */
export class TokenStore {
  private unreachable = false;

  private readonly keyv: Keyv;
  private readonly logger: Logger;

  constructor(deps: { keyv: Keyv; logger: Logger }) {
    this.keyv = deps.keyv;
    this.logger = deps.logger;
  }

  get available(): boolean {
    return !this.unreachable;
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.guard(() => this.keyv.get<T>(key), undefined);
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    await this.guard(() => this.keyv.set(key, value, ttlMs), false);
  }

  async delete(key: string): Promise<void> {
    await this.guard(() => this.keyv.delete(key), false);
  }

  private async guard<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const result = await operation();
      if (this.unreachable) {
        this.unreachable = false;
        this.logger.info('token store reachable again; sharing tokens through it');
      }
      return result;
    } catch (error) {
      if (!this.unreachable) {
        this.unreachable = true;
        this.logger.warn(
          { err: { message: (error as Error).message } },
          'token store unreachable; serving the in-process token until it returns',
        );
      }
      return fallback;
    }
  }
}
