import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  DeliveryNotYetCorrelatedError,
  SubscribeEventSink,
} from '../../../src/services/push/subscribe-event-sink.js';
import { MemoryLedgerStore } from '../../../src/services/ledger/memory-ledger-store.js';
import { MemoryMessageStore } from '../../../src/services/messages/memory-message-store.js';
import {
  directSendFields,
  type MessageRecord,
} from '../../../src/services/messages/message-store.js';
import type { SubscribeEvent } from '../../../src/services/push/index.js';
import { defaultTemplatesFile } from '../../../src/simulator/index.js';
import { TemplateCatalog } from '../../../src/services/templates/template-catalog.js';
import { loadTemplatesFile, TemplateRegistry } from '../../../src/services/templates/index.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import { newOpenid } from '../../helpers/push-harness.js';
import { AUDIT } from '../../helpers/demo-templates.js';

const APP = 'wxsandbox000000001';
const MSGID = '2097683633284153344';

function sendingMessage(openid: string): MessageRecord {
  return {
    id: `01J${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    appId: APP,
    openid,
    templateId: AUDIT.id,
    status: 'SENDING',
    errcode: null,
    errmsg: null,
    msgid: null,
    attempts: 0,
    data: { phrase2: '通过' },
    page: null,
    miniprogramState: 'formal',
    lang: 'zh_CN',
    idempotencyKey: null,
    createdAt: new Date(),
    sentAt: null,
    deliveredAt: null,
    deliveryErrorCode: null,
    deliveryErrorStatus: null,
    ...directSendFields(new Date()),
  };
}

function sentEvent(openid: string, templateId = AUDIT.id): SubscribeEvent {
  return {
    kind: 'sent',
    event: 'subscribe_msg_sent_event',
    toUserName: 'gh_123456789abc',
    openid,
    createTime: 1_700_000_000,
    items: [{ templateId, msgId: MSGID, errorCode: 0, errorStatus: 'success' }],
  };
}

describe('SubscribeEventSink', () => {
  let catalog: TemplateCatalog;
  beforeAll(async () => {
    catalog = new TemplateCatalog(
      new TemplateRegistry(await loadTemplatesFile(defaultTemplatesFile())),
    );
  });

  function sink(sendingWaitMs = 2000) {
    const messages = new MemoryMessageStore();
    const ledger = new MemoryLedgerStore();
    const logger = recordingLogger();
    const instance = new SubscribeEventSink({
      appId: APP,
      catalog,
      ledger,
      messages,
      ledgerSource: 'events',
      quotaPolicy: 'track',
      logger,
      sendingWaitMs,
    });
    return { instance, messages, ledger, logger };
  }

  it('waits for a send still recording its msgid, then marks it DELIVERED', async () => {
    const { instance, messages } = sink();
    const openid = newOpenid();
    const message = sendingMessage(openid);
    await messages.create(message);
    // The delivery event overtakes our own write of WeChat's answer, as it can in the sandbox.
    const applying = instance.apply(sentEvent(openid));
    await new Promise((resolve) => setTimeout(resolve, 30));
    await messages.update(APP, message.id, { status: 'SENT', msgid: MSGID, sentAt: new Date() });
    await applying;
    expect(await messages.get(APP, message.id)).toMatchObject({
      status: 'DELIVERED',
      msgid: MSGID,
      deliveryErrorCode: 0,
    });
  });

  it('asks for a retry (throws) when that send is still unrecorded after the wait', async () => {
    const { instance, messages } = sink(50);
    const openid = newOpenid();
    await messages.create(sendingMessage(openid));
    await expect(instance.apply(sentEvent(openid))).rejects.toBeInstanceOf(
      DeliveryNotYetCorrelatedError,
    );
  });

  it('ignores at once a msgid it never sent when nothing is in flight', async () => {
    const { instance, messages, logger } = sink();
    const openid = newOpenid();
    await instance.apply(sentEvent(openid));
    expect((await messages.list(APP, { openid }, { first: 10 })).items).toEqual([]);
    expect(logger.lines.map((l) => l.msg)).toContain(
      'delivery event for a message this gateway did not send; ignored',
    );
  });

  it('skips an item whose openid the ledger refuses instead of failing the delivery', async () => {
    const { instance, ledger, logger } = sink();
    const event: SubscribeEvent = {
      kind: 'popup',
      event: 'subscribe_msg_popup_event',
      toUserName: 'gh_123456789abc',
      openid: 'bad openid with spaces',
      createTime: 1_700_000_000,
      items: [{ templateId: AUDIT.id, status: 'accept', popupScene: '0' }],
    };
    await instance.apply(event);
    expect((await ledger.list(APP, {}, { first: 10 })).items).toEqual([]);
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('skipped'))).toBe(true);
  });

  describe('reconciling UNKNOWN messages', () => {
    const EVENT_AT = new Date(1_700_000_000 * 1000);
    const unknownMessage = (openid: string, minutesBefore: number) => ({
      ...sendingMessage(openid),
      ...directSendFields(new Date(EVENT_AT.getTime() - minutesBefore * 60_000)),
      createdAt: new Date(EVENT_AT.getTime() - minutesBefore * 60_000 - 1000),
      status: 'UNKNOWN' as const,
    });

    it('settles an UNKNOWN send to the same user and template within 10 minutes, and its credit', async () => {
      const { instance, messages, ledger } = sink(50);
      const openid = newOpenid();
      const message = { ...unknownMessage(openid, 9), errmsg: 'WeChat did not answer' };
      const key = { appId: APP, openid, templateId: message.templateId };
      await ledger.record(key, {
        status: 'ACCEPT',
        longTerm: false,
        source: 'client',
        at: new Date(EVENT_AT.getTime() - 3_600_000),
      });
      await messages.create(message);
      await instance.apply(sentEvent(openid));
      expect(await messages.get(APP, message.id)).toMatchObject({
        status: 'DELIVERED',
        msgid: MSGID,
        deliveryErrorCode: 0,
        errmsg: null,
      });
      // WeChat acted on the send: the credit it took is spent.
      expect(await ledger.get(key)).toMatchObject({ remaining: 0, sent: 1 });
    });

    it('leaves it UNKNOWN for an event too late, for another template, or a known msgid', async () => {
      const { instance, messages } = sink(50);
      const openid = newOpenid();
      const late = unknownMessage(openid, 11);
      await messages.create(late);
      await instance.apply(sentEvent(openid));
      const other = unknownMessage(newOpenid(), 1);
      await messages.create(other);
      await instance.apply(sentEvent(other.openid, 'another-template-id'));
      const third = unknownMessage(newOpenid(), 1);
      await messages.create(third);
      await messages.create({
        ...sendingMessage(third.openid),
        status: 'SENT',
        msgid: MSGID,
      });
      await instance.apply(sentEvent(third.openid));
      for (const m of [late, other, third])
        expect((await messages.get(APP, m.id))?.status).toBe('UNKNOWN');
    });
  });
});
