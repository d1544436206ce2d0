import type { MessageRecord, MessageStatus } from '../../messages/message-store.js';

/** The states a status webhook reports: every one a message can end in (or be settled to). */
export const REPORTED_STATUSES: ReadonlySet<MessageStatus> = new Set<MessageStatus>([
  'SENT',
  'FAILED',
  'UNKNOWN',
  'SKIPPED',
  'CANCELLED',
  'DELIVERED',
  'DELIVERY_FAILED',
]);

/** Told of every change of a message into a reported state; must not throw. */
export interface StatusNotifier {
  notify(record: MessageRecord): Promise<void>;
  close(): Promise<void>;
}

/** What the webhook receives: enough to act on, and the id and status to de-duplicate by. */
export function statusPayload(record: MessageRecord) {
  return {
    messageId: record.id,
    appId: record.appId,
    status: record.status,
    skipReason: record.skipReason,
    errcode: record.errcode,
    msgid: record.msgid,
    key: record.key,
    openid: record.openid,
    templateId: record.templateId,
    campaignId: record.campaignId,
    scheduleKey: record.scheduleKey,
    updatedAt: record.updatedAt.toISOString(),
  };
}
