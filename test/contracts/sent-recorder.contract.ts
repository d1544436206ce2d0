import { expect, it } from '@jest/globals';
import type { LedgerStore } from '../../src/services/ledger/ledger-store.js';
import {
  INTERRUPTED_SEND,
  type MessageRecord,
  type MessageStore,
} from '../../src/services/messages/message-store.js';
import type { SentRecorder } from '../../src/services/sending/sent-recorder.js';
import { userSendLockKey } from '../../src/services/sending/keyed-mutex.js';
import type { DistributedLock } from '../../src/shared/lock.js';
import { sentMessageRecord } from '../helpers/message-record.js';
import { withStoreCase, type StoreContract } from '../helpers/store-contract.js';

export interface SentRecorderStores {
  recorder: SentRecorder;
  messages: MessageStore;
  ledger: LedgerStore;
  /** The per-user lock of sends, as the gateway pairs it with these stores. */
  lock: DistributedLock;
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

/** A message of `key` being sent (a fresh id each call), not stored yet. */
const sendingRecord = () =>
  sentMessageRecord({
    appId: APP,
    createdAt: T0,
    openid: key.openid,
    templateId: key.templateId,
    status: 'SENDING',
    msgid: null,
    sentAt: null,
  });

async function sendingMessage(s: SentRecorderStores, credits: number) {
  for (let i = 0; i < credits; i++)
    await s.ledger.record(key, { status: 'ACCEPT', longTerm: false, source: 'client', at: T0 });
  const record = { ...sendingRecord(), errmsg: 'left from an earlier attempt' };
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

  const LOCK = userSendLockKey(APP, key.openid);

  it(
    `[${backend}] a create taking the send lock holds it; while it is held, another claim's create stores nothing`,
    test(async ({ store: s }) => {
      const first = sendingRecord();
      const firstClaim = s.lock.claim(LOCK, 10_000);
      expect(await s.messages.create(first, { lock: firstClaim })).toBe(true);
      expect(await s.messages.get(APP, first.id)).toEqual(first);
      expect(await s.lock.tryAcquire(LOCK, 10_000)).toBeNull();

      const second = sendingRecord();
      expect(await s.messages.create(second, { lock: s.lock.claim(LOCK, 10_000) })).toBe(false);
      expect(await s.messages.get(APP, second.id)).toBeNull();
      expect((await s.messages.list(APP, {}, { first: 5 })).totalCount).toBe(1);

      await firstClaim.handle.release();
      expect(await s.messages.create(second, { lock: s.lock.claim(LOCK, 10_000) })).toBe(true);
    }),
  );

  it(
    `[${backend}] a create refused as a duplicate leaves the lock free`,
    test(async ({ store: s }) => {
      const record = sendingRecord();
      await s.messages.create(record);
      const claim = s.lock.claim(LOCK, 10_000);
      await expect(s.messages.create(record, { lock: claim })).rejects.toThrow();
      // Taken or not, its owner frees it: afterwards nobody holds it.
      await claim.handle.release();
      expect(await s.lock.tryAcquire(LOCK, 10_000)).not.toBeNull();
    }),
  );

  it(
    `[${backend}] a move to SENDING taking the send lock holds it; while it is held, another claim's move changes nothing`,
    test(async ({ store: s }) => {
      const queued = (): MessageRecord => ({ ...sendingRecord(), status: 'QUEUED' });
      const first = queued();
      const second = queued();
      await s.messages.create(first);
      await s.messages.create(second);
      const toSending = { status: 'SENDING' as const, updatedAt: T1 };

      const firstClaim = s.lock.claim(LOCK, 10_000);
      const moved = await s.messages.transitionTakingLock(
        APP,
        first.id,
        ['QUEUED'],
        toSending,
        firstClaim,
      );
      expect(moved).toEqual({ applied: true, record: { ...first, ...toSending } });
      expect(await s.lock.tryAcquire(LOCK, 10_000)).toBeNull();

      const busy = s.lock.claim(LOCK, 10_000);
      expect(
        await s.messages.transitionTakingLock(APP, second.id, ['QUEUED'], toSending, busy),
      ).toBe('busy');
      expect(await s.messages.get(APP, second.id)).toEqual(second);

      await firstClaim.handle.release();
      const secondClaim = s.lock.claim(LOCK, 10_000);
      expect(
        await s.messages.transitionTakingLock(APP, second.id, ['QUEUED'], toSending, secondClaim),
      ).toMatchObject({ applied: true });
      await secondClaim.handle.release();

      // Refused (no longer QUEUED): nothing changes, and once its owner frees it nobody holds it.
      const late = s.lock.claim(LOCK, 10_000);
      expect(
        await s.messages.transitionTakingLock(APP, first.id, ['QUEUED'], toSending, late),
      ).toEqual({ applied: false, record: { ...first, ...toSending } });
      await late.handle.release();
      expect(await s.lock.tryAcquire(LOCK, 10_000)).not.toBeNull();
    }),
  );

  it(
    `[${backend}] recording the SENT with the send's lock frees it, and only its own`,
    test(async ({ store: s }) => {
      await s.ledger.record(key, { status: 'ACCEPT', longTerm: false, source: 'client', at: T0 });
      const message = sendingRecord();
      const claim = s.lock.claim(LOCK, 10_000);
      expect(await s.messages.create(message, { lock: claim })).toBe(true);
      const result = await s.recorder.recordSent(
        APP,
        message.id,
        null,
        SENT_PATCH,
        { key, reserved: false, at: T1 },
        { release: claim },
      );
      expect(result.record?.status).toBe('SENT');
      expect(await s.ledger.get(key)).toMatchObject({ sent: 1 });
      const next = await s.lock.tryAcquire(LOCK, 10_000);
      expect(next).not.toBeNull();

      // A late release by the earlier owner leaves the new holder's lock alone.
      await s.recorder.recordSent(
        APP,
        message.id,
        null,
        SENT_PATCH,
        { key, reserved: false, at: T1 },
        { release: claim },
      );
      expect(await s.lock.tryAcquire(LOCK, 10_000)).toBeNull();
      await next!.release();
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

  /** A campaign's QUEUED message to user `openid`, due at T0. */
  const queued = (openid: string, extra: Partial<MessageRecord> = {}) =>
    sentMessageRecord({
      appId: APP,
      createdAt: T0,
      openid,
      templateId: key.templateId,
      status: 'QUEUED',
      msgid: null,
      sentAt: null,
      attempts: 0,
      sendAt: T0,
      campaignId: 'cmpBatch',
      batchId: 'batch-cmpBatch-0',
      ...extra,
    });
  const claimOf = (s: SentRecorderStores, m: MessageRecord, jobId = 'batch-cmpBatch-0') => ({
    id: m.id,
    jobId,
    lock: s.lock.claim(userSendLockKey(APP, m.openid), 10_000),
  });

  it(
    `[${backend}] a batch claim moves each due QUEUED message to SENDING for its job and takes its lock`,
    test(async ({ store: s }) => {
      const due = queued('oBatch1');
      const soonEnough = queued('oBatch2', { sendAt: new Date(T0.getTime() + 400) });
      await s.messages.createMany([due, soonEnough]);
      const claims = [claimOf(s, due), claimOf(s, soonEnough)];
      const results = await s.messages.claimBatch(APP, claims, T0);
      const patch = { status: 'SENDING', sendingJob: 'batch-cmpBatch-0', updatedAt: T0 };
      expect(results).toEqual([
        { kind: 'claimed', record: { ...due, ...patch } },
        { kind: 'claimed', record: { ...soonEnough, ...patch } },
      ]);
      expect(await s.messages.get(APP, due.id)).toEqual({ ...due, ...patch });
      expect(await s.messages.countByCampaign(APP, 'cmpBatch')).toEqual({ SENDING: 2 });
      expect((await s.messages.listDue(APP, 'SENDING', T0, 5)).length).toBe(2);
      expect(await s.lock.tryAcquire(userSendLockKey(APP, 'oBatch1'), 10_000)).toBeNull();
      await claims[0]!.lock.handle.release();
      expect(await s.lock.tryAcquire(userSendLockKey(APP, 'oBatch1'), 10_000)).not.toBeNull();
    }),
  );

  it(
    `[${backend}] a batch claim leaves alone what is not due, expired, waiting, final, locked or gone`,
    test(async ({ store: s }) => {
      const later = queued('oLater', { sendAt: new Date(T0.getTime() + 5000) });
      const expired = queued('oExpired', { expiresAt: T0 });
      const scheduled = queued('oScheduled', { status: 'SCHEDULED' });
      const sent = queued('oSent', { status: 'SENT', sentAt: T0 });
      const locked = queued('oLocked');
      const gone = queued('oGone');
      await s.messages.createMany([later, expired, scheduled, sent, locked]);
      const holder = await s.lock.tryAcquire(userSendLockKey(APP, 'oLocked'), 10_000);
      const results = await s.messages.claimBatch(
        APP,
        [later, expired, scheduled, sent, locked, gone].map((m) => claimOf(s, m)),
        T0,
      );
      expect(results).toEqual([
        { kind: 'other', record: later },
        { kind: 'other', record: expired },
        { kind: 'other', record: scheduled },
        { kind: 'other', record: sent },
        { kind: 'busy' },
        { kind: 'other', record: null },
      ]);
      expect(await s.messages.get(APP, locked.id)).toEqual(locked);
      // Nothing claimed, so no lock taken: each user is free (the locked one once its holder lets go).
      await holder!.release();
      for (const m of [later, expired, scheduled, sent, locked])
        expect(await s.lock.tryAcquire(userSendLockKey(APP, m.openid), 10_000)).not.toBeNull();
    }),
  );

  it(
    `[${backend}] a batch claim finding its own job's message SENDING marks it UNKNOWN, another job's it leaves`,
    test(async ({ store: s }) => {
      const mine = queued('oMine', { status: 'SENDING', sendingJob: 'batch-cmpBatch-0' });
      const theirs = queued('oTheirs', { status: 'SENDING', sendingJob: 'batch-cmpBatch-50' });
      const single = queued('oSingle', { status: 'SENDING', sendingJob: null });
      await s.messages.createMany([mine, theirs, single]);
      const results = await s.messages.claimBatch(
        APP,
        [mine, theirs, single].map((m) => claimOf(s, m)),
        T1,
      );
      const unknown = { ...mine, status: 'UNKNOWN', errmsg: INTERRUPTED_SEND, updatedAt: T1 };
      expect(results).toEqual([
        { kind: 'interrupted', record: unknown },
        { kind: 'other', record: theirs },
        { kind: 'other', record: single },
      ]);
      expect(await s.messages.get(APP, mine.id)).toEqual(unknown);
      expect(await s.messages.countByCampaign(APP, 'cmpBatch')).toEqual({
        UNKNOWN: 1,
        SENDING: 2,
      });
    }),
  );

  it(
    `[${backend}] records many sends at once: each SENT from SENDING, each counted, each lock freed`,
    test(async ({ store: s }) => {
      for (const openid of ['oRec1', 'oRec2'])
        await s.ledger.record(
          { ...key, openid },
          { status: 'ACCEPT', longTerm: false, source: 'client', at: T0 },
        );
      const one = queued('oRec1');
      const two = queued('oRec2');
      await s.messages.createMany([one, two]);
      const claims = [claimOf(s, one), claimOf(s, two)];
      const claimedRecords = (await s.messages.claimBatch(APP, claims, T0)).map((c) =>
        c.kind === 'claimed' ? c.record : null,
      );
      expect(claimedRecords.every((r) => r !== null)).toBe(true);
      // The second one was settled meanwhile: it keeps that state, and its send still counts.
      await s.messages.transition(APP, two.id, ['SENDING'], { status: 'UNKNOWN', updatedAt: T0 });
      const results = await s.recorder.recordSentMany(
        APP,
        [one, two].map((m, i) => ({
          id: m.id,
          claimed: claimedRecords[i]!,
          patch: { ...SENT_PATCH, msgid: String(4000000000000000001n + BigInt(i)) },
          credit: { key: { ...key, openid: m.openid }, reserved: false, at: T1 },
          release: claims[i]!.lock,
        })),
      );
      expect(results[0]).toEqual({ applied: true, record: await s.messages.get(APP, one.id) });
      expect(results[0]!.record).toMatchObject({
        status: 'SENT',
        msgid: '4000000000000000001',
        errmsg: 'cleared',
      });
      expect(results[1]).toEqual({ applied: false, record: await s.messages.get(APP, two.id) });
      expect(results[1]!.record?.status).toBe('UNKNOWN');
      expect(await s.messages.findByMsgid(APP, '4000000000000000001')).toMatchObject({
        id: one.id,
      });
      for (const openid of ['oRec1', 'oRec2']) {
        expect(await s.ledger.get({ ...key, openid })).toMatchObject({ sent: 1, remaining: 0 });
        expect(await s.lock.tryAcquire(userSendLockKey(APP, openid), 10_000)).not.toBeNull();
      }
      expect(await s.recorder.recordSentMany(APP, [])).toEqual([]);
    }),
  );
};
