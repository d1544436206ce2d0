import { ErrorCode, GatewayError } from '../../../shared/errors.js';

/** The token endpoint refused us for a reason only an operator can fix. */
export class WeChatCredentialsError extends GatewayError {
  constructor(
    readonly errcode: number,
    cause: string,
    readonly errmsg: string,
  ) {
    super(
      ErrorCode.WECHAT_CREDENTIALS_REJECTED,
      `Cannot get a WeChat access token: ${cause} (errcode ${errcode})`,
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
