import {
  directSendFields,
  newMessageId,
  unsentFields,
  type MessageRecord,
} from '../../src/services/messages/message-store.js';

/**
 * A message as the log holds it after a successful send, created at `createdAt`: for tests that
 * fill a store directly (retention, pruning) rather than through the send path.
 */
export function sentMessageRecord(
  fields: Partial<MessageRecord> & { appId: string; createdAt: Date },
): MessageRecord {
  return {
    id: newMessageId(fields.createdAt),
    openid: 'oTestUser',
    templateId: 'tplA',
    status: 'SENT',
    errcode: null,
    errmsg: null,
    msgid: null,
    attempts: 1,
    data: { thing1: 'x' },
    page: null,
    miniprogramState: 'formal',
    lang: 'zh_CN',
    idempotencyKey: null,
    sentAt: fields.createdAt,
    deliveredAt: null,
    deliveryErrorCode: null,
    deliveryErrorStatus: null,
    ...directSendFields(fields.createdAt),
    ...fields,
  };
}

/**
 * A QUEUED message of the batch job `batchId`, due at `createdAt`, as a campaign's fan-out stores
 * it (without a campaign unless given): for tests that hand batches to the engine directly.
 */
export function queuedBatchRecord(
  fields: Partial<MessageRecord> &
    Pick<MessageRecord, 'appId' | 'openid' | 'templateId' | 'createdAt' | 'batchId'>,
): MessageRecord {
  return {
    id: newMessageId(fields.createdAt),
    status: 'QUEUED',
    data: { thing1: 'x' },
    page: null,
    miniprogramState: 'formal',
    lang: 'zh_CN',
    ...unsentFields(fields.createdAt),
    ...directSendFields(fields.createdAt),
    sendAt: fields.createdAt,
    ...fields,
  };
}
