import { ErrorCode, GatewayError } from '../../../shared/errors.js';

const RID = /\brid:\s*([0-9a-f-]+)/i;

/** WeChat answered with a non-zero errcode. `rid` is WeChat's request id, for support threads. */
export class WeChatError extends GatewayError {
  readonly rid: string | null;

  constructor(
    readonly path: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    const rid = RID.exec(errmsg)?.[1] ?? null;
    super(ErrorCode.WECHAT_API_ERROR, `WeChat ${path} answered ${errcode}: ${errmsg}`, {
      errcode,
      errmsg,
      rid,
    });
    this.rid = rid;
  }
}
