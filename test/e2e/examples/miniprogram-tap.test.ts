import { afterEach, describe, expect, it } from '@jest/globals';
import { onSubscribeTap, REVIEW_TEMPLATE_IDS } from '../../../examples/miniprogram/subscribe.js';

type Option = WechatMiniprogram.RequestSubscribeMessageOption;

/** A stand-in for the mini-program's global `wx` that records calls and lets the test answer. */
function fakeWx() {
  const calls: string[] = [];
  const popups: Option[] = [];
  const requests: WechatMiniprogram.RequestOption[] = [];
  const toasts: WechatMiniprogram.ShowToastOption[] = [];
  const wx = {
    requestSubscribeMessage(option: Option) {
      calls.push('requestSubscribeMessage');
      popups.push(option);
    },
    request(option: WechatMiniprogram.RequestOption) {
      calls.push('request');
      requests.push(option);
      return { abort() {} };
    },
    getStorageSync(key: string) {
      calls.push(`getStorageSync:${key}`);
      return 'session-123';
    },
    showToast(option: WechatMiniprogram.ShowToastOption) {
      toasts.push(option);
    },
  };
  return { wx, calls, popups, requests, toasts };
}

const globals = globalThis as { wx?: unknown };

describe('examples/miniprogram/subscribe.ts (wx)', () => {
  afterEach(() => {
    delete globals.wx;
  });

  it('opens the popup synchronously, as the first call of the tap handler', () => {
    const fake = fakeWx();
    globals.wx = fake.wx;
    onSubscribeTap();
    // Recorded before onSubscribeTap returned: no await, no other wx call ahead of it.
    expect(fake.calls).toEqual(['requestSubscribeMessage']);
    expect(fake.popups[0]?.tmplIds).toEqual(REVIEW_TEMPLATE_IDS);
  });

  it('posts the mapped answers to the backend', () => {
    const fake = fakeWx();
    globals.wx = fake.wx;
    onSubscribeTap();
    const [id] = REVIEW_TEMPLATE_IDS;
    fake.popups[0]!.success!({ errMsg: 'requestSubscribeMessage:ok', [id!]: 'acceptWithAudio' });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      header: { authorization: 'Bearer session-123' },
      data: { results: [{ templateId: id, status: 'ACCEPT' }] },
    });
  });

  it('posts nothing when the popup answered nothing usable, and explains a closed main switch', () => {
    const fake = fakeWx();
    globals.wx = fake.wx;
    onSubscribeTap();
    fake.popups[0]!.success!({ errMsg: 'requestSubscribeMessage:ok' });
    fake.popups[0]!.fail!({
      errCode: 20004,
      errMsg: 'requestSubscribeMessage:fail The main switch is switched off',
    });
    expect(fake.requests).toEqual([]);
    expect(fake.toasts).toEqual([{ title: '请在设置中开启订阅消息', icon: 'none' }]);
  });
});
