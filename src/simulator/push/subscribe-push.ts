import type { PopupEvent } from '../control/subscribe-tap.js';
import type { ChangeEvent } from '../control/user-controls.js';
import type { SentEvent } from '../messages/send-route.js';

/** What one WeChat push says, before it is written as XML or JSON (docs/wechat.md §6.4). */
export type SubscribePush =
  | {
      event: 'subscribe_msg_popup_event';
      openid: string;
      /** Unix seconds. */
      createTime: number;
      items: { templateId: string; status: string; popupScene: string }[];
    }
  | {
      event: 'subscribe_msg_change_event';
      openid: string;
      createTime: number;
      items: { templateId: string; status: string }[];
    }
  | {
      event: 'subscribe_msg_sent_event';
      openid: string;
      createTime: number;
      /** msgId is the 64-bit id of subscribe/send, as decimal text. */
      items: { templateId: string; msgId: string; errorCode: number; errorStatus: string }[];
    };

export type SubscribePushEvent = SubscribePush['event'];

/** PopupScene 0: the popup was shown inside a mini-program page (the only scene the sandbox has). */
const MINI_PROGRAM_PAGE_SCENE = '0';

export function popupPush(event: PopupEvent): SubscribePush {
  return {
    event: 'subscribe_msg_popup_event',
    openid: event.openid,
    createTime: event.createTime,
    items: event.items.map(({ templateId, status }) => ({
      templateId,
      status,
      popupScene: MINI_PROGRAM_PAGE_SCENE,
    })),
  };
}

export function changePush(event: ChangeEvent): SubscribePush {
  return {
    event: 'subscribe_msg_change_event',
    openid: event.openid,
    createTime: event.createTime,
    items: event.items.map(({ templateId, status }) => ({ templateId, status })),
  };
}

/** The simulator only reports sends that reached the user, hence ErrorCode 0 / `success`. */
export function sentPush(event: SentEvent): SubscribePush {
  return {
    event: 'subscribe_msg_sent_event',
    openid: event.openid,
    createTime: event.createTime,
    items: [
      { templateId: event.templateId, msgId: event.msgId, errorCode: 0, errorStatus: 'success' },
    ],
  };
}
