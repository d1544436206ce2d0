import { ErrorCode, GatewayError } from '../../../shared/errors.js';

/** The token endpoint refused us for a reason only an operator can fix. */
export class WeChatCredentialsError extends GatewayError {
  /** `app`: the app's name when the gateway serves several (null for the single app). */
  constructor(
    readonly errcode: number,
    cause: string,
    readonly errmsg: string,
    app: string | null = null,
  ) {
    super(
      ErrorCode.WECHAT_CREDENTIALS_REJECTED,
      `Cannot get a WeChat access token${app === null ? '' : ` for app "${app}"`}: ${cause} (errcode ${errcode})`,
      {
        errcode,
      },
    );
  }
}

/** A business API rejected a token that was fetched fresh for the retry. */
export class TokenRejectedError extends GatewayError {
  constructor(message: string, errcode: number, options?: { cause?: unknown }) {
    super(ErrorCode.WECHAT_TOKEN_REJECTED, message, { errcode }, options);
  }
}
