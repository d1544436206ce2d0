/**
 * Mini-program page code (native `wx` API): ask the user to subscribe to the review-result
 * message, then hand the answer to our backend, which records it with the gateway's `subscribe`
 * mutation (see examples/backend/send-review-result.ts, subscribeUser). Bind it in WXML:
 * `<button bindtap="onSubscribeTap">通知我审核结果</button>`.
 */
import { toSubscribeResults } from './subscribe-results.js';

/** The review-result template (AuditResult in templates/demo.json). At most 3 ids per call. */
export const REVIEW_TEMPLATE_IDS = ['hQoa10bh-Hwmp6sweSoumkXQgCtvBmFDNO8PAtEsPwc'];

/** Our own backend (not the gateway: the gateway's API keys never ship inside the mini-program). */
const BACKEND_URL = 'https://api.example.com';

export function onSubscribeTap(): void {
  // This call must stay the first thing the tap handler does, synchronously. Since base library
  // 2.8.2 WeChat opens the popup only from a user tap (or a payment callback); after any await —
  // a wx.request, wx.getSetting, a showModal callback — real devices answer
  // "requestSubscribeMessage:fail can only be invoked by user TAP gesture" (DevTools does not
  // enforce it, so this bug ships easily). Anything the request needs is prepared beforehand.
  wx.requestSubscribeMessage({
    tmplIds: REVIEW_TEMPLATE_IDS,
    success(result) {
      // success fires when the user declines too: each id carries its own answer.
      const results = toSubscribeResults(result, REVIEW_TEMPLATE_IDS);
      if (results.length === 0) return;
      // The backend knows the user's openid from its own session (wx.login → code2Session).
      wx.request({
        url: `${BACKEND_URL}/api/subscribe-results`,
        method: 'POST',
        header: { authorization: `Bearer ${wx.getStorageSync<string>('sessionToken')}` },
        data: { results },
      });
    },
    fail(error) {
      // 20004: the user switched subscribe messages off in settings; nothing to record.
      const title = error.errCode === 20004 ? '请在设置中开启订阅消息' : '订阅失败，请稍后再试';
      wx.showToast({ title, icon: 'none' });
    },
  });
}
