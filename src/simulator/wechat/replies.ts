import type { Clock } from '../common/clock.js';
import { jsonResponse, type SimResponse } from '../http/sim-http.js';
import { randomHex } from '../common/random-ids.js';
import { errmsgFor } from './errmsgs.js';

/**
 * A request id shaped like WeChat's `616e6385-74ba0201-4a349921`: the first part is the hex unix
 * time (as in real rids), the others are random.
 */
export function newRid(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return `${seconds}-${randomHex(4)}-${randomHex(4)}`;
}

/** Builds WeChat-shaped replies. WeChat answers errors with HTTP 200 and an errcode in the body. */
export class WeChatReplies {
  constructor(private readonly now: Clock) {}

  /** `{errcode, errmsg: "<text> rid: …"}`; the text defaults to WeChat's own for that code. */
  error(errcode: number, errmsg: string = errmsgFor(errcode), status = 200): SimResponse {
    const response = jsonResponse(
      { errcode, errmsg: `${errmsg} rid: ${newRid(this.now())}` },
      status,
    );
    return { ...response, errcode };
  }

  /** `{errcode: 0, errmsg: "ok", ...fields}`, the success shape of the business APIs. */
  ok(fields: Record<string, unknown> = {}): SimResponse {
    return { ...jsonResponse({ errcode: 0, errmsg: 'ok', ...fields }), errcode: 0 };
  }
}
