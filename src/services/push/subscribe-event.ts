/** The subscribe-message events the gateway acts on, normalised from XML or JSON pushes. */

export const POPUP_EVENT = 'subscribe_msg_popup_event';
export const CHANGE_EVENT = 'subscribe_msg_change_event';
export const SENT_EVENT = 'subscribe_msg_sent_event';

interface PushCommon {
  /** The mini program's original id, `gh_…` ('' if WeChat left it out). */
  toUserName: string;
  /** The user's openid (`FromUserName`). */
  openid: string;
  /** Unix seconds. */
  createTime: number;
}

export interface PopupItem {
  templateId: string;
  /** `accept` | `reject` (or `acceptWithAudio`…), exactly as sent. */
  status: string;
  /** `PopupScene` as text (`0` = mini-program page), null when absent. */
  popupScene: string | null;
}

export interface ChangeItem {
  templateId: string;
  status: string;
}

export interface SentItem {
  templateId: string;
  /** The 64-bit id returned by subscribe/send, as decimal text. */
  msgId: string;
  /** 0 = delivered. */
  errorCode: number;
  errorStatus: string;
}

export type SubscribeEvent =
  | (PushCommon & { kind: 'popup'; event: typeof POPUP_EVENT; items: PopupItem[] })
  | (PushCommon & { kind: 'change'; event: typeof CHANGE_EVENT; items: ChangeItem[] })
  | (PushCommon & { kind: 'sent'; event: typeof SENT_EVENT; items: SentItem[] })
  /** Well-formed but not a subscribe event (or not an event at all): accepted and ignored. */
  | (PushCommon & { kind: 'other'; event: string; msgType: string });
