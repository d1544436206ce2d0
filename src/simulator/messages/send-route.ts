import { setTimeout as sleep } from 'node:timers/promises';
import { unixSeconds, type Clock } from '../common/clock.js';
import type { PrivateLibrary } from '../templates/private-library.js';
import type { TokenAuthority } from '../tokens/token-authority.js';
import type { WeChatReplies } from '../wechat/replies.js';
import { withAccessToken } from '../tokens/with-access-token.js';
import type { WeChatRoute } from '../wechat/wechat-route.js';
import { cardRows, linesOf, type Inbox } from './inbox.js';
import type { MsgIdGenerator } from './msgid.js';
import { readSendRequest } from './send-request.js';
import type { SendQuota } from './send-quota.js';
import type { SubscriptionLedger } from './subscription-ledger.js';

export interface SentEvent {
  openid: string;
  /** Unix seconds. */
  createTime: number;
  templateId: string;
  /** 64-bit, as a string. */
  msgId: string;
}

export interface SendRouteDeps {
  now: Clock;
  tokens: TokenAuthority;
  replies: WeChatReplies;
  library: PrivateLibrary;
  releasedPages: ReadonlySet<string>;
  ledger: SubscriptionLedger;
  /** Openids with a send in flight. */
  inFlight: Set<string>;
  msgIds: MsgIdGenerator;
  inbox: Inbox;
  quota: SendQuota;
  sendLatencyMs: number;
  onSent?: (event: SentEvent) => void | Promise<void>;
}

/**
 * POST /cgi-bin/message/subscribe/send (docs/wechat.md §2). A call with a valid token first counts
 * against the app's quotas (45009 for the day, 45011 for the minute). After the body checks of readSendRequest:
 * a send to an openid that already has one in flight answers 43108; no credit (one-time) or no
 * acceptance (long-term) answers 43101. A send that goes out spends its credit at once, holds the
 * user's slot for `sendLatencyMs`, lands in the inbox and answers a msgid written as a bare 64-bit
 * JSON number. `onSent` runs after the reply, as WeChat's subscribe_msg_sent_event push would.
 */
export function sendRoute(deps: SendRouteDeps): WeChatRoute {
  const { replies, ledger, inFlight } = deps;
  return {
    path: '/cgi-bin/message/subscribe/send',
    method: 'POST',
    wrongMethod: { errcode: 43002 },
    handle: withAccessToken(deps.tokens, replies, async ({ body }) => {
      const overQuota = deps.quota.take();
      if (overQuota !== null) return replies.error(overQuota);
      const read = readSendRequest(body, deps.library, deps.releasedPages);
      if (!read.ok) return replies.error(read.errcode, read.errmsg);
      const { touser, template, data } = read.request;
      if (inFlight.has(touser)) return replies.error(43108);
      if (!ledger.spend(touser, template)) return replies.error(43101);
      inFlight.add(touser);
      try {
        await sleep(deps.sendLatencyMs);
      } finally {
        inFlight.delete(touser);
      }
      const sentAt = deps.now();
      const msgid = deps.msgIds.next();
      const rows = cardRows(template, data);
      deps.inbox.deliver({
        msgid,
        openid: touser,
        templateId: template.id,
        title: template.title,
        lines: linesOf(rows),
        page: read.request.page,
        miniprogramState: read.request.miniprogramState,
        lang: read.request.lang,
        sentAt: new Date(sentAt).toISOString(),
        rows,
      });
      const { onSent } = deps;
      const event: SentEvent = {
        openid: touser,
        createTime: unixSeconds(sentAt),
        templateId: template.id,
        msgId: msgid,
      };
      return {
        status: 200,
        errcode: 0,
        // Written by hand: JSON.stringify cannot emit a 64-bit integer without losing digits.
        body: `{"errcode":0,"errmsg":"ok","msgid":${msgid}}`,
        ...(onSent ? { afterResponse: async () => onSent(event) } : {}),
      };
    }),
  };
}
