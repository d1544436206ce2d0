/**
 * The same tap handler in Taro (React or Vue page): `<Button onClick={onSubscribeTap}>`.
 * See subscribe.ts for the flow; the differences are Taro's Promise API and its typings.
 */
import Taro from '@tarojs/taro';
import { toSubscribeResults } from './subscribe-results.js';

export const REVIEW_TEMPLATE_IDS = ['hQoa10bh-Hwmp6sweSoumkXQgCtvBmFDNO8PAtEsPwc'];
const BACKEND_URL = 'https://api.example.com';

type SubscribeOutcome = Awaited<ReturnType<typeof Taro.requestSubscribeMessage>>;
type SubscribeFailure = Extract<SubscribeOutcome, { errCode: number }>;

function isFailure(outcome: SubscribeOutcome): outcome is SubscribeFailure {
  return typeof (outcome as Partial<SubscribeFailure>).errCode === 'number';
}

function reportFailure(failure: { errCode?: number }): void {
  const title = failure.errCode === 20004 ? '请在设置中开启订阅消息' : '订阅失败，请稍后再试';
  void Taro.showToast({ title, icon: 'none' });
}

// Not async on purpose: an `await` before requestSubscribeMessage loses the tap gesture (base
// library ≥ 2.8.2 opens the popup only from a user tap), so the call comes first and everything
// else hangs off its Promise.
export function onSubscribeTap(): void {
  Taro.requestSubscribeMessage({
    tmplIds: REVIEW_TEMPLATE_IDS,
    // Taro's typings declare the Alipay-only `entityIds` as required (NervJS/taro-docs#266):
    // weapp code must pass an empty list to compile.
    entityIds: [],
  })
    .then(async (outcome) => {
      if (isFailure(outcome)) return reportFailure(outcome);
      const results = toSubscribeResults(outcome, REVIEW_TEMPLATE_IDS);
      if (results.length === 0) return;
      await Taro.request({
        url: `${BACKEND_URL}/api/subscribe-results`,
        method: 'POST',
        header: { authorization: `Bearer ${Taro.getStorageSync<string>('sessionToken')}` },
        data: { results },
      });
    })
    // On weapp Taro rejects with the fail result ({ errCode, errMsg }); a failed backend call
    // lands here too.
    .catch((error: { errCode?: number }) => reportFailure(error));
}
