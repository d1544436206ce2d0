import { expect, it } from '@jest/globals';
import type { LedgerStore } from '../../src/services/ledger/ledger-store.js';
import type { MessageStore } from '../../src/services/messages/message-store.js';
import type { SentRecorder } from '../../src/services/sending/sent-recorder.js';
import { sentMessageRecord } from '../helpers/message-record.js';
import { withStoreCase, type StoreContract } from '../helpers/store-contract.js';

export interface SentRecorderStores {
  recorder: SentRecorder;
  messages: MessageStore;
  ledger: LedgerStore;
}

const APP = 'wxapp0000000001';
const T0 = new Date(Date.UTC(2024, 0, 1));
const T1 = new Date(T0.getTime() + 1000);
const key = { appId: APP, openid: 'oSentRecorder', templateId: 'tplA' };
const SENT_PATCH = {
  status: 'SENT' as const,
  msgid: '3000000000000000001',
  attempts: 1,
  sentAt: T1,
  errcode: null,
  errmsg: 'cleared',
  updatedAt: T1,
};

async function sendingMessage(s: SentRecorderStores, credits: number) {
  for (let i = 0; i < credits; i++)
    await s.ledger.record(key, { status: 'ACCEPT', longTerm: false, source: 'client', at: T0 });
  const record = sentMessageRecord({
    appId: APP,
    createdAt: T0,
    openid: key.openid,
    templateId: key.templateId,
    status: 'SENDING',
    msgid: null,
    sentAt: null,
    errmsg: 'left from an earlier attempt',
  });
  await s.messages.create(record);
  return record;
}

/** What both recorders must do: the memory one in turn, the Redis one in a single script. */
export const sentRecorderContract: StoreContract<SentRecorderStores> = (backend, makeCase) => {
  const test = withStoreCase(makeCase);

  it(
    `[${backend}] moves the message to SENT and counts the send in the ledger`,
    test(async ({ store: s }) => {
      const message = await sendingMessage(s, 2);
      const result = await s.recorder.recordSent(APP, message.id, ['SENDING'], SENT_PATCH, {
        key,
        reserved: false,
        at: T1,
      });
      expect(result.applied).toBe(true);
      expect(result.record).toEqual(await s.messages.get(APP, message.id));
      expect(result.record).toMatchObject({
        status: 'SENT',
        msgid: SENT_PATCH.msgid,
        errmsg: 'cleared',
        errcode: null,
        sentAt: T1,
      });
      expect(await s.messages.findByMsgid(APP, SENT_PATCH.msgid)).toMatchObject({ id: message.id });
      expect(await s.ledger.get(key)).toMatchObject({ sent: 1, remaining: 1, updatedAt: T1 });
      const sent = await s.messages.list(
        APP,
        { statuses: ['SENT'], openid: key.openid },
        { first: 5 },
      );
      expect(sent.items.map((m) => m.id)).toEqual([message.id]);
      expect((await s.messages.list(APP, { statuses: ['SENDING'] }, { first: 5 })).totalCount).toBe(
        0,
      );
    }),
  );

  it(
    `[${backend}] a reserved credit is not taken a second time`,
    test(async ({ store: s }) => {
      const message = await sendingMessage(s, 1);
      expect(await s.ledger.reserve(key, T0)).toBe(true);
      await s.recorder.recordSent(APP, message.id, null, SENT_PATCH, {
        key,
        reserved: true,
        at: T1,
      });
      expect(await s.ledger.get(key)).toMatchObject({ sent: 1, remaining: 0 });
    }),
  );

  it(
    `[${backend}] a message no longer in a from status stays as it is, and the send still counts`,
    test(async ({ store: s }) => {
      const message = await sendingMessage(s, 1);
      await s.messages.transition(APP, message.id, ['SENDING'], {
        status: 'UNKNOWN',
        updatedAt: T1,
      });
      const result = await s.recorder.recordSent(APP, message.id, ['SENDING'], SENT_PATCH, {
        key,
        reserved: false,
        at: T1,
      });
      expect(result).toEqual({ applied: false, record: await s.messages.get(APP, message.id) });
      expect(result.record?.status).toBe('UNKNOWN');
      expect(await s.messages.findByMsgid(APP, SENT_PATCH.msgid)).toBeNull();
      // WeChat accepted it: the credit is spent whatever the log says.
      expect(await s.ledger.get(key)).toMatchObject({ sent: 1, remaining: 0 });
    }),
  );

  it(
    `[${backend}] an unknown message is no record`,
    test(async ({ store: s }) => {
      const { id } = sentMessageRecord({ appId: APP, createdAt: T0 });
      expect(
        await s.recorder.recordSent(APP, id, null, SENT_PATCH, { key, reserved: false, at: T1 }),
      ).toEqual({ applied: false, record: null });
    }),
  );
};
