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
    REJECT: {
      description:
        'Declined: grants nothing; one-time credits of earlier accepts stay, a long-term template is off. (A cancellation in settings zeroes them.)',
    },
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
  SCHEDULED = 'SCHEDULED',
  HELD = 'HELD',
  QUEUED = 'QUEUED',
  SENDING = 'SENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
  UNKNOWN = 'UNKNOWN',
  CANCELLED = 'CANCELLED',
  SKIPPED = 'SKIPPED',
  DELIVERED = 'DELIVERED',
  DELIVERY_FAILED = 'DELIVERY_FAILED',
}
registerEnumType(MessageStatus, {
  name: 'MessageStatus',
  valuesConfig: {
    SCHEDULED: { description: 'Waiting for its sendAt.' },
    HELD: { description: 'Waiting for fireTrigger(name, matchKey) or its trigger timeout.' },
    QUEUED: { description: 'Due; waiting for the send rate limit.' },
    SENDING: { description: 'Accepted by the gateway; WeChat has not answered yet.' },
    UNKNOWN: {
      description:
        'The request may have reached WeChat but no answer came back (or its sender stopped): not resent by itself; see resolveUnknownMessage.',
    },
    CANCELLED: { description: 'Cancelled before it was sent.' },
    SKIPPED: { description: 'Never sent; skipReason says why.' },
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

export enum SkipReason {
  NO_CREDIT = 'NO_CREDIT',
  EXPIRED = 'EXPIRED',
  TRIGGER_TIMEOUT = 'TRIGGER_TIMEOUT',
  USER_REFUSED = 'USER_REFUSED',
  CAMPAIGN_CANCELLED = 'CAMPAIGN_CANCELLED',
}
registerEnumType(SkipReason, {
  name: 'SkipReason',
  description: 'Why a message was SKIPPED without calling WeChat.',
  valuesConfig: {
    NO_CREDIT: {
      description: 'Due without a subscription credit while the app’s quota policy is enforce.',
    },
    EXPIRED: { description: 'Due after its expiresAt.' },
    TRIGGER_TIMEOUT: { description: 'Its trigger was not fired before timeoutAt.' },
    USER_REFUSED: { description: 'The user refused this template.' },
    CAMPAIGN_CANCELLED: { description: 'Its campaign was cancelled.' },
  },
});

export enum CancelOutcome {
  CANCELLED = 'CANCELLED',
  ALREADY_FINAL = 'ALREADY_FINAL',
  TOO_LATE = 'TOO_LATE',
  NOT_FOUND = 'NOT_FOUND',
}
registerEnumType(CancelOutcome, {
  name: 'CancelOutcome',
  valuesConfig: {
    CANCELLED: { description: 'It was SCHEDULED, HELD or QUEUED and will not be sent.' },
    ALREADY_FINAL: { description: 'It had already ended (sent, failed, skipped, cancelled…).' },
    TOO_LATE: { description: 'It is SENDING: WeChat may already have it.' },
    NOT_FOUND: { description: 'No message with this id or key.' },
  },
});

export enum UnknownResolution {
  MARK_SENT = 'MARK_SENT',
  MARK_FAILED = 'MARK_FAILED',
  RESEND = 'RESEND',
}
registerEnumType(UnknownResolution, {
  name: 'UnknownResolution',
  valuesConfig: {
    MARK_SENT: {
      description: 'The user got it (checked elsewhere): SENT, and its credit counts as spent.',
    },
    MARK_FAILED: {
      description:
        'The user did not get it and should not: FAILED; a credit reserved for it (QUOTA_POLICY=enforce) is given back.',
    },
    RESEND: {
      description:
        'Send it again (QUEUED); the user may receive it twice. A credit reserved for the first attempt is given back: the new one takes its own.',
    },
  },
});
