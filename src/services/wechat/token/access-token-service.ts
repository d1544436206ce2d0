import type { TokenMode } from '../../../config.js';
import { UpstreamUnavailableError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import { noopObserver, type Observer } from '../../../shared/observer.js';
import { acquireWithin, type DistributedLock, type LockHandle } from '../../../shared/lock.js';
import {
  tokenEndpointCause,
  TOKEN_REJECTED_ERRCODES,
  WeChatErrcode,
  type CredentialSettings,
} from '../client/errcodes.js';
import { TransportError } from '../client/http-transport.js';
import type { IssuedToken } from '../client/wechat-client.js';
import { WeChatError } from '../client/wechat-error.js';
import { TokenRejectedError, WeChatCredentialsError } from './token-errors.js';
import { tokenLifetimeMs } from './token-lifetime.js';
import type { CachedToken, ForceRefreshLog, TokenStore } from './token-store.js';

export interface TokenFetcher {
  readonly appId: string;
  fetchClassicToken(): Promise<IssuedToken>;
  fetchStableToken(forceRefresh: boolean): Promise<IssuedToken>;
}

export interface AccessTokenServiceOptions {
  mode: TokenMode;
  fetcher: TokenFetcher;
  store: TokenStore;
  lock: DistributedLock;
  logger: Logger;
  /** Where the operator sets these credentials, named when WeChat refuses them (single app if absent). */
  credentialSettings?: CredentialSettings;
  /** Counts fetches and refusals of the token endpoint. */
  observer?: Observer;
  now?: () => number;
  /** Stop using a token this many seconds before WeChat expires it. */
  marginSeconds?: number;
  /** How long a refusal of the token endpoint is remembered before it is asked again. */
  failureMemoryMs?: number;
  /** Lease of the cross-process refresh lock; a dead holder is replaced after this long. */
  lockTtlMs?: number;
  /** Longest wait for another process's refresh before giving up. */
  lockWaitMs?: number;
  /** errcode -1 (system busy): attempts in all, and the first backoff (doubled each time). */
  busyAttempts?: number;
  busyBackoffMs?: number;
}

const FORCE_REFRESH_PER_DAY = 20;
const FORCE_REFRESH_SPACING_MS = 30_000;

/**
 * Access tokens for one app id, the way every peer SDK should have done it:
 * - an in-process copy answers almost every call, so a warm send costs no storage round trip;
 * - concurrent callers share one upstream fetch (single flight);
 * - processes sharing Redis share one fetch through a lease lock, re-checking the cache after
 *   acquiring it, so a cold cluster asks WeChat once;
 * - a token a business API rejects is dropped only if the cache still holds that very token
 *   (compare-and-delete under the lock), and the call is retried exactly once;
 * - refusals of the token endpoint itself are remembered briefly, so a wrong secret cannot
 *   burn the daily quota in a retry storm.
 */
export class AccessTokenService {
  private local: CachedToken | null = null;
  private inflight: Promise<string> | null = null;
  private remembered: { error: WeChatCredentialsError; until: number } | null = null;
  private readonly now: () => number;
  private readonly key: string;

  constructor(private readonly options: AccessTokenServiceOptions) {
    this.now = options.now ?? Date.now;
    this.key = `token:${options.fetcher.appId}:${options.mode}`;
  }

  get appId(): string {
    return this.options.fetcher.appId;
  }

  /** The token endpoint's refusal while it is remembered (no fetch is tried until `until`). */
  get refusal(): { errcode: number; message: string; until: number } | null {
    const remembered = this.remembered;
    if (!remembered || remembered.until <= this.now()) return null;
    const { errcode, message } = remembered.error;
    return { errcode, message, until: remembered.until };
  }

  async getToken(): Promise<string> {
    const local = this.local;
    if (local && local.expiresAt > this.now()) return local.token;
    return this.refresh(null);
  }

  /** Runs a business call with a token; on a token error, refreshes and retries it once. */
  /** `logger`: the caller's request logger (bound to the app id), for the lines about this call. */
  async withToken<T>(
    call: (token: string) => Promise<T>,
    logger: Logger = this.options.logger,
  ): Promise<T> {
    const token = await this.getToken();
    try {
      return await call(token);
    } catch (error) {
      if (!isTokenRejection(error)) throw error;
      logger.info(
        { errcode: error.errcode, path: error.path },
        'access token rejected; refreshing once',
      );
      const fresh = await this.refresh(token);
      try {
        return await call(fresh);
      } catch (retryError) {
        if (!isTokenRejection(retryError)) throw retryError;
        throw new TokenRejectedError(
          `WeChat rejected a freshly fetched access token too (errcode ${retryError.errcode}): another system may be rotating this app's tokens with /cgi-bin/token`,
          retryError.errcode,
          { cause: retryError },
        );
      }
    }
  }

  private async refresh(failed: string | null): Promise<string> {
    if (failed !== null && this.local?.token === failed) this.local = null;
    const usable = this.usableLocal(failed);
    if (usable) return usable;
    this.inflight ??= this.loadOrFetch(failed).finally(() => {
      this.inflight = null;
    });
    const token = await this.inflight;
    // A flight started for a cold cache may have brought back the very token that just failed.
    if (failed !== null && token === failed) return this.refresh(failed);
    return token;
  }

  private usableLocal(failed: string | null): string | null {
    const local = this.local;
    return local && local.token !== failed && local.expiresAt > this.now() ? local.token : null;
  }

  private async loadOrFetch(failed: string | null): Promise<string> {
    this.throwIfRemembered();
    const cached = await this.readShared(failed);
    if (cached) return this.adopt(cached);

    let handle: LockHandle | null = null;
    try {
      const outcome = await acquireWithin(this.options.lock, this.key, {
        ttlMs: this.options.lockTtlMs ?? 10_000,
        waitMs: this.options.lockWaitMs ?? 15_000,
        onWait: () => this.readShared(failed),
      });
      if ('value' in outcome) return this.adopt(outcome.value);
      handle = outcome.handle;
    } catch (error) {
      // Redis down: fall back to this process alone; single flight still bounds the fetches.
      this.options.logger.warn(
        { err: { message: (error as Error).message } },
        'token lock unavailable; refreshing without it',
      );
    }
    try {
      const recheck = await this.readShared(failed);
      if (recheck) return this.adopt(recheck);
      if (failed !== null) await this.dropIfStill(failed);
      const issued = await this.fetchUpstream(failed);
      const entry: CachedToken = {
        token: issued.accessToken,
        expiresAt:
          this.now() + tokenLifetimeMs(issued.expiresIn, this.options.marginSeconds ?? 300),
      };
      await this.options.store.set(this.key, entry, entry.expiresAt - this.now());
      return this.adopt(entry);
    } finally {
      await handle?.release().catch(() => undefined);
    }
  }

  private adopt(entry: CachedToken): string {
    this.local = entry;
    return entry.token;
  }

  private async readShared(failed: string | null): Promise<CachedToken | undefined> {
    const entry = await this.options.store.get<CachedToken>(this.key);
    if (!entry || typeof entry.token !== 'string') return undefined;
    return entry.token !== failed && entry.expiresAt > this.now() ? entry : undefined;
  }

  /** Compare-and-delete: the lock makes the read and the delete one step for every writer. */
  private async dropIfStill(failed: string): Promise<void> {
    const entry = await this.options.store.get<CachedToken>(this.key);
    if (entry?.token === failed) await this.options.store.delete(this.key);
  }

  private async fetchUpstream(failed: string | null): Promise<IssuedToken> {
    const { fetcher, mode } = this.options;
    if (mode === 'classic') return this.callTokenEndpoint(() => fetcher.fetchClassicToken());
    const issued = await this.callTokenEndpoint(() => fetcher.fetchStableToken(false));
    if (failed === null || issued.accessToken !== failed) return issued;
    // Normal mode handed back the token WeChat just rejected: only a forced refresh replaces it.
    await this.claimForceRefresh();
    this.options.logger.warn('stable token rejected but still current; forcing a refresh');
    return this.callTokenEndpoint(() => fetcher.fetchStableToken(true));
  }

  private async claimForceRefresh(): Promise<void> {
    const forceKey = `token-force:${this.appId}`;
    const now = this.now();
    const day = new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
    const log = await this.options.store.get<ForceRefreshLog>(forceKey);
    const today = log?.day === day ? log : { day, count: 0, lastAt: 0 };
    if (today.count >= FORCE_REFRESH_PER_DAY || now - today.lastAt < FORCE_REFRESH_SPACING_MS) {
      throw new TokenRejectedError(
        `WeChat rejected the current stable access token and a forced refresh is not allowed now (WeChat allows ${FORCE_REFRESH_PER_DAY} a day, ${FORCE_REFRESH_SPACING_MS / 1000} s apart; ${today.count} used today)`,
        WeChatErrcode.INVALID_CREDENTIAL,
      );
    }
    await this.options.store.set(
      forceKey,
      { day, count: today.count + 1, lastAt: now },
      2 * 86_400_000,
    );
  }

  private async callTokenEndpoint(fetch: () => Promise<IssuedToken>): Promise<IssuedToken> {
    const attempts = this.options.busyAttempts ?? 3;
    let backoff = this.options.busyBackoffMs ?? 250;
    const observer = this.options.observer ?? noopObserver;
    const observe = (outcome: 'ok' | 'refused' | 'unavailable', errcode: number | null = null) =>
      observer.tokenFetch({ appId: this.appId, outcome, errcode });
    for (let attempt = 1; ; attempt++) {
      try {
        const issued = await fetch();
        observe('ok');
        return issued;
      } catch (error) {
        if (error instanceof TransportError) {
          observe('unavailable');
          throw new UpstreamUnavailableError(
            `Cannot reach WeChat's token endpoint (${error.code})`,
            { cause: error },
          );
        }
        if (!(error instanceof WeChatError)) throw error;
        if (error.errcode === WeChatErrcode.SYSTEM_BUSY && attempt < attempts) {
          await new Promise((resolve) => setTimeout(resolve, backoff));
          backoff *= 2;
          continue;
        }
        if (error.errcode === WeChatErrcode.SYSTEM_BUSY) {
          observe('unavailable', error.errcode);
          throw new UpstreamUnavailableError(
            `WeChat's token endpoint stayed busy (errcode -1) after ${attempts} attempts`,
            {
              cause: error,
            },
          );
        }
        observe('refused', error.errcode);
        throw this.remember(error);
      }
    }
  }

  private remember(error: WeChatError): WeChatCredentialsError {
    const settings = this.options.credentialSettings;
    const cause =
      tokenEndpointCause(error.errcode, settings) ??
      `WeChat refused the token request: ${error.errmsg}`;
    const credentialsError = new WeChatCredentialsError(
      error.errcode,
      cause,
      error.errmsg,
      settings?.app ?? null,
    );
    this.remembered = {
      error: credentialsError,
      until: this.now() + (this.options.failureMemoryMs ?? 30_000),
    };
    this.options.logger.error({ errcode: error.errcode, rid: error.rid }, credentialsError.message);
    return credentialsError;
  }

  private throwIfRemembered(): void {
    if (this.remembered && this.remembered.until > this.now()) throw this.remembered.error;
    this.remembered = null;
  }
}

function isTokenRejection(error: unknown): error is WeChatError {
  return error instanceof WeChatError && TOKEN_REJECTED_ERRCODES.has(error.errcode);
}
