import { UpstreamUnavailableError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { AccessTokenService } from './token/access-token-service.js';
import { WeChatErrcode } from './client/errcodes.js';
import { TransportError } from './client/http-transport.js';
import type { RemoteTemplate, SubscribeMessage, WeChatClient } from './client/wechat-client.js';
import { WeChatError } from './client/wechat-error.js';

export interface WeChatServiceOptions {
  /** Attempts in all when WeChat is busy (-1) or the connection could not be made. */
  attempts?: number;
  backoffMs?: number;
}

export interface SendOutcome {
  msgid: string;
  attempts: number;
}

/**
 * WeChat's business APIs with tokens handled. Retries only what cannot duplicate a message:
 * errcode -1 (WeChat says it did nothing) and connections that were never made. A request that
 * may have reached WeChat and got no answer is not retried: it surfaces as UPSTREAM_UNAVAILABLE.
 */
export class WeChatService {
  private readonly client: WeChatClient;
  private readonly tokens: AccessTokenService;
  private readonly logger: Logger;
  private readonly options: WeChatServiceOptions;

  constructor(deps: {
    client: WeChatClient;
    tokens: AccessTokenService;
    logger: Logger;
    options?: WeChatServiceOptions;
  }) {
    this.client = deps.client;
    this.tokens = deps.tokens;
    this.logger = deps.logger;
    this.options = deps.options ?? {};
  }

  get appId(): string {
    return this.client.appId;
  }

  /** Throws WeChatError when WeChat refuses; `attempts` is reported through the error too. */
  async sendSubscribeMessage(
    message: SubscribeMessage,
    options: { logger?: Logger } = {},
  ): Promise<SendOutcome> {
    // A send's logger knows the app by name; the lines below also want the app id, and this
    // service's own logger already has it (bound once: pino would repeat a key bound twice).
    const logger = options.logger ? options.logger.child({ appId: this.appId }) : this.logger;
    let attempts = 0;
    try {
      const { msgid } = await this.retrying(
        '/cgi-bin/message/subscribe/send',
        () =>
          this.tokens.withToken((token) => {
            attempts++;
            return this.client.sendSubscribeMessage(token, message, logger);
          }, logger),
        logger,
      );
      return { msgid, attempts };
    } catch (error) {
      if (error && typeof error === 'object') Object.assign(error, { attempts });
      throw error;
    }
  }

  getTemplates(): Promise<RemoteTemplate[]> {
    return this.retrying('/wxaapi/newtmpl/gettemplate', () =>
      this.tokens.withToken((token) => this.client.getTemplates(token)),
    );
  }

  private async retrying<T>(
    path: string,
    call: () => Promise<T>,
    logger: Logger = this.logger,
  ): Promise<T> {
    const attempts = this.options.attempts ?? 3;
    let backoff = this.options.backoffMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const retryable =
          (error instanceof WeChatError && error.errcode === WeChatErrcode.SYSTEM_BUSY) ||
          (error instanceof TransportError && !error.sent);
        if (retryable && attempt < attempts) {
          logger.debug({ path, attempt }, 'WeChat busy or unreachable; retrying');
          await new Promise((resolve) => setTimeout(resolve, backoff));
          backoff *= 2;
          continue;
        }
        if (error instanceof TransportError) {
          throw new UpstreamUnavailableError(
            error.sent
              ? `WeChat ${path} did not answer (${error.code}); the request may have been received, so it was not retried`
              : `WeChat ${path} unreachable after ${attempt} attempts (${error.code})`,
            { cause: error },
          );
        }
        throw error;
      }
    }
  }
}
