import { registerEnumType } from 'type-graphql';

export enum SubscribeStatus {
  ACCEPT = 'ACCEPT',
  REJECT = 'REJECT',
  BAN = 'BAN',
  FILTER = 'FILTER',
}
registerEnumType(SubscribeStatus, {
  name: 'SubscribeStatus',
  description:
    'What the user chose in the subscribe popup (wx.requestSubscribeMessage), upper-cased.',
  valuesConfig: {
    ACCEPT: {
      description:
        'Accepted: one send credit for a one-time template. Report every accept* variant as ACCEPT.',
    },
    REJECT: { description: 'Declined: credits drop to zero.' },
    BAN: { description: 'Blocked by WeChat: credits drop to zero.' },
    FILTER: { description: 'Filtered as a duplicate title: nothing granted or removed.' },
  },
});

export enum TemplateType {
  ONE_TIME = 'ONE_TIME',
  LONG_TERM = 'LONG_TERM',
}
registerEnumType(TemplateType, {
  name: 'TemplateType',
  description:
    'WeChat template type: 2 one-time (一次性, one accept = one send), 3 long-term (长期).',
});

export enum MiniprogramState {
  DEVELOPER = 'developer',
  TRIAL = 'trial',
  FORMAL = 'formal',
}
registerEnumType(MiniprogramState, {
  name: 'MiniprogramState',
  description: 'Which build the message card opens (WeChat miniprogram_state). Default FORMAL.',
});

export enum Lang {
  zh_CN = 'zh_CN',
  en_US = 'en_US',
  zh_HK = 'zh_HK',
  zh_TW = 'zh_TW',
}
registerEnumType(Lang, {
  name: 'Lang',
  description: 'Language of the message card. Default zh_CN.',
});

export enum MessageStatus {
  SENDING = 'SENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
  DELIVERED = 'DELIVERED',
  DELIVERY_FAILED = 'DELIVERY_FAILED',
}
registerEnumType(MessageStatus, {
  name: 'MessageStatus',
  valuesConfig: {
    SENDING: { description: 'Accepted by the gateway; WeChat has not answered yet.' },
    SENT: { description: 'WeChat accepted the send and returned a msgid.' },
    FAILED: {
      description: 'WeChat refused the send (see errcode/errmsg), or could not be reached.',
    },
    DELIVERED: { description: 'WeChat’s subscribe_msg_sent_event reported delivery to the user.' },
    DELIVERY_FAILED: {
      description: 'WeChat’s subscribe_msg_sent_event reported a delivery failure.',
    },
  },
});

export enum LedgerSource {
  CLIENT = 'client',
  EVENTS = 'events',
}
registerEnumType(LedgerSource, {
  name: 'LedgerSource',
  description:
    'Who last changed a subscription: the subscribe mutation (CLIENT) or WeChat event pushes (EVENTS).',
});
