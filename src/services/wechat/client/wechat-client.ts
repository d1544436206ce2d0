import type { Logger } from '../../../shared/logger.js';
import { noopObserver, type Observer } from '../../../shared/observer.js';
import { parseWeChatJson } from './parse-json.js';
import { TransportError, type HttpRequest, type HttpTransport } from './http-transport.js';
import { WeChatError } from './wechat-error.js';

export type MiniprogramState = 'developer' | 'trial' | 'formal';
export type Lang = 'zh_CN' | 'en_US' | 'zh_HK' | 'zh_TW';

export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page?: string | null;
  miniprogramState?: MiniprogramState | null;
  lang?: Lang | null;
  data: Readonly<Record<string, string>>;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/** An item of GET /wxaapi/newtmpl/gettemplate, as WeChat sends it. */
export interface RemoteTemplate {
  priTmplId: string;
  title: string;
  content: string;
  example?: string;
  type: number;
  keywordEnumValueList?: { keywordCode: string; enumValueList: string[] }[];
}

type Body = Record<string, unknown>;

/**
 * WeChat's HTTP API, one method per endpoint. Token-free: callers pass the access token, which is
 * the token service's business. Bodies are decoded with 64-bit integers kept exact.
 */
export class WeChatClient {
  private readonly transport: HttpTransport;
  private readonly credentials: { appId: string; appSecret: string };
  private readonly logger: Logger;
  private readonly observer: Observer;

  constructor(deps: {
    transport: HttpTransport;
    credentials: { appId: string; appSecret: string };
    /** Already bound to the app id (as every logger handed to this client): lines do not repeat it. */
    logger: Logger;
    /** Times every call by endpoint and outcome. */
    observer?: Observer;
  }) {
    this.transport = deps.transport;
    this.credentials = deps.credentials;
    this.logger = deps.logger;
    this.observer = deps.observer ?? noopObserver;
  }

  get appId(): string {
    return this.credentials.appId;
  }

  fetchClassicToken(): Promise<IssuedToken> {
    return this.tokenCall({
      method: 'GET',
      path: '/cgi-bin/token',
      query: {
        grant_type: 'client_credential',
        appid: this.credentials.appId,
        secret: this.credentials.appSecret,
      },
    });
  }

  fetchStableToken(forceRefresh: boolean): Promise<IssuedToken> {
    return this.tokenCall({
      method: 'POST',
      path: '/cgi-bin/stable_token',
      json: {
        grant_type: 'client_credential',
        appid: this.credentials.appId,
        secret: this.credentials.appSecret,
        force_refresh: forceRefresh,
      },
    });
  }

  async sendSubscribeMessage(
    accessToken: string,
    message: SubscribeMessage,
    /** The caller's request logger, bound to the app id, for the warnings about this call. */
    logger: Logger = this.logger,
  ): Promise<{ msgid: string }> {
    const data: Record<string, { value: string }> = {};
    for (const [key, value] of Object.entries(message.data)) data[key] = { value };
    const body = await this.call(
      {
        method: 'POST',
        path: '/cgi-bin/message/subscribe/send',
        query: { access_token: accessToken },
        json: {
          touser: message.touser,
          template_id: message.templateId,
          ...(message.page ? { page: message.page } : {}),
          miniprogram_state: message.miniprogramState ?? 'formal',
          lang: message.lang ?? 'zh_CN',
          data,
        },
      },
      logger,
    );
    const msgid = body.msgid;
    if (typeof msgid !== 'string' && typeof msgid !== 'number') {
      throw new WeChatError('/cgi-bin/message/subscribe/send', -1, 'success reply without msgid');
    }
    return { msgid: String(msgid) };
  }

  async getTemplates(accessToken: string): Promise<RemoteTemplate[]> {
    const body = await this.call({
      method: 'GET',
      path: '/wxaapi/newtmpl/gettemplate',
      query: { access_token: accessToken },
    });
    if (!Array.isArray(body.data)) {
      throw new WeChatError('/wxaapi/newtmpl/gettemplate', -1, 'reply without a data list');
    }
    return body.data as RemoteTemplate[];
  }

  private async tokenCall(request: HttpRequest): Promise<IssuedToken> {
    const body = await this.call(request);
    const accessToken = body.access_token;
    const expiresIn = Number(body.expires_in);
    if (typeof accessToken !== 'string' || accessToken === '' || !Number.isFinite(expiresIn)) {
      throw new WeChatError(request.path, -1, 'token reply without access_token/expires_in');
    }
    return { accessToken, expiresIn };
  }

  /**
   * One HTTP exchange, timed: a failure to get an answer is logged as a warning here (once per
   * attempt, naming the path and the error code only: the URL may carry the access token).
   */
  private async call(request: HttpRequest, logger: Logger = this.logger): Promise<Body> {
    const started = performance.now();
    let outcome: 'ok' | 'refused' | 'transport' = 'transport';
    try {
      const body = await this.exchange(request, logger);
      outcome = 'ok';
      return body;
    } catch (error) {
      if (error instanceof WeChatError) outcome = 'refused';
      else if (error instanceof TransportError) {
        logger.warn(
          { path: request.path, code: error.code, sent: error.sent },
          'WeChat transport failure',
        );
      }
      throw error;
    } finally {
      this.observer.wechatCall({
        endpoint: request.path,
        outcome,
        durationMs: performance.now() - started,
      });
    }
  }

  /** Non-JSON or non-2xx answers become errors that name the path only. */
  private async exchange(request: HttpRequest, logger: Logger): Promise<Body> {
    const response = await this.transport.request(request);
    let body: unknown;
    try {
      body = parseWeChatJson(response.body);
    } catch {
      body = undefined;
    }
    if (response.statusCode >= 500) {
      throw new TransportError(
        `WeChat ${request.path} answered HTTP ${response.statusCode}`,
        `HTTP_${response.statusCode}`,
        true,
      );
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      logger.warn(
        { path: request.path, status: response.statusCode },
        'WeChat answered with a non-JSON body',
      );
      throw new WeChatError(request.path, -1, `non-JSON reply (HTTP ${response.statusCode})`);
    }
    const record = body as Body;
    const errcode = record.errcode === undefined ? 0 : Number(record.errcode);
    if (errcode !== 0) {
      throw new WeChatError(request.path, errcode, String(record.errmsg ?? ''));
    }
    return record;
  }
}
