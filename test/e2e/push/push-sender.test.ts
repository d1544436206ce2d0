import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  PushCrypto,
  normalizeEvent,
  parseJsonDocument,
  parseXmlDocument,
  pushSignature,
  type SubscribeEvent,
} from '../../../src/services/push/index.js';
import {
  PushSender,
  changePush,
  popupPush,
  sandboxOriginalId,
  sentPush,
  type PushSenderOptions,
} from '../../../src/simulator/push/index.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import { APP_ID, PUSH_AES_KEY, PUSH_TOKEN } from '../../helpers/push-harness.js';
import { AUDIT, ORDER, PAYMENT } from '../../helpers/demo-templates.js';
import { PushReceiver, type ReceivedPush } from '../../helpers/push-receiver.js';

const OPENID = 'oSandboxUser0000000000000001';
const TEMPLATE = AUDIT.id;
const MSGID = '2097683633284153344';
const peer = new PushCrypto(PUSH_TOKEN, PUSH_AES_KEY, APP_ID);

describe('PushSender', () => {
  const receiver = new PushReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  afterEach(() => receiver.reset());

  function sender(options: Partial<PushSenderOptions> = {}) {
    const logger = recordingLogger();
    const instance = new PushSender({
      token: PUSH_TOKEN,
      appId: APP_ID,
      target: receiver.url,
      logger,
      retryDelayMs: 0,
      ...options,
    });
    return { instance, logger };
  }

  /** Checks the signatures of a received push and returns its plaintext message. */
  function open(request: ReceivedPush): string {
    const { query } = request;
    const timestamp = query.get('timestamp')!;
    const nonce = query.get('nonce')!;
    expect(timestamp).toMatch(/^\d{10}$/);
    expect(nonce).toMatch(/^\d+$/);
    expect(query.get('signature')).toBe(pushSignature(PUSH_TOKEN, timestamp, nonce));
    if (query.get('encrypt_type') !== 'aes') return request.body;
    const envelope =
      request.contentType === 'text/xml'
        ? parseXmlDocument(request.body)
        : parseJsonDocument(request.body);
    expect(Object.keys(envelope).sort()).toEqual(['Encrypt', 'ToUserName']);
    const encrypt = envelope.Encrypt as string;
    expect(query.get('msg_signature')).toBe(peer.msgSignature(timestamp, nonce, encrypt));
    return peer.decrypt(encrypt);
  }

  function parsed(request: ReceivedPush): SubscribeEvent {
    const plain = open(request);
    return normalizeEvent(
      request.contentType === 'text/xml' ? parseXmlDocument(plain) : parseJsonDocument(plain),
    );
  }

  describe('bodies shaped like the reference examples (§6.4)', () => {
    it('XML by default: common fields, then items as List under SubscribeMsgPopupEvent', async () => {
      const { instance } = sender();
      const result = await instance.deliver(
        popupPush({
          openid: OPENID,
          createTime: 1_700_000_000,
          items: [
            { templateId: TEMPLATE, status: 'accept' },
            { templateId: ORDER.id, status: 'reject' },
          ],
        }),
      );
      expect(result).toEqual({ delivered: true, attempts: 1 });
      const [request] = receiver.requests;
      expect(request!.contentType).toBe('text/xml');
      expect(request!.query.has('encrypt_type')).toBe(false);
      expect(open(request!)).toBe(
        [
          '<xml>',
          `  <ToUserName><![CDATA[${sandboxOriginalId(APP_ID)}]]></ToUserName>`,
          `  <FromUserName><![CDATA[${OPENID}]]></FromUserName>`,
          '  <CreateTime>1700000000</CreateTime>',
          '  <MsgType><![CDATA[event]]></MsgType>',
          '  <Event><![CDATA[subscribe_msg_popup_event]]></Event>',
          '  <SubscribeMsgPopupEvent>',
          '    <List>',
          `      <TemplateId><![CDATA[${TEMPLATE}]]></TemplateId>`,
          '      <SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString>',
          '      <PopupScene>0</PopupScene>',
          '    </List>',
          '    <List>',
          `      <TemplateId><![CDATA[${ORDER.id}]]></TemplateId>`,
          '      <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString>',
          '      <PopupScene>0</PopupScene>',
          '    </List>',
          '  </SubscribeMsgPopupEvent>',
          '</xml>',
        ].join('\n'),
      );
      expect(sandboxOriginalId(APP_ID)).toMatch(/^gh_[0-9a-f]{12}$/);
    });

    it('XML sent event: MsgID, ErrorCode bare under SubscribeMsgSentEvent', async () => {
      const { instance } = sender();
      await instance.deliver(
        sentPush({ openid: OPENID, createTime: 1_700_000_000, templateId: TEMPLATE, msgId: MSGID }),
      );
      const plain = open(receiver.requests[0]!);
      expect(plain).toContain(
        [
          '  <SubscribeMsgSentEvent>',
          '    <List>',
          `      <TemplateId><![CDATA[${TEMPLATE}]]></TemplateId>`,
          `      <MsgID>${MSGID}</MsgID>`,
          '      <ErrorCode>0</ErrorCode>',
          '      <ErrorStatus><![CDATA[success]]></ErrorStatus>',
          '    </List>',
          '  </SubscribeMsgSentEvent>',
        ].join('\n'),
      );
    });

    it('JSON: top-level List, an object for one item; MsgID a bare 64-bit number', async () => {
      const { instance } = sender({ format: 'json' });
      await instance.deliver(
        sentPush({ openid: OPENID, createTime: 1_700_000_000, templateId: TEMPLATE, msgId: MSGID }),
      );
      const request = receiver.requests[0]!;
      expect(request.contentType).toBe('application/json');
      expect(open(request)).toBe(
        `{"ToUserName":"${sandboxOriginalId(APP_ID)}","FromUserName":"${OPENID}",` +
          `"CreateTime":1700000000,"MsgType":"event","Event":"subscribe_msg_sent_event",` +
          `"List":{"TemplateId":"${TEMPLATE}","MsgID":${MSGID},"ErrorCode":"0","ErrorStatus":"success"}}`,
      );
      expect(parsed(request)).toMatchObject({
        kind: 'sent',
        items: [{ msgId: MSGID, errorCode: 0 }],
      });
    });

    it('JSON: List is an array when there are several items', async () => {
      const { instance } = sender({ format: 'json' });
      await instance.deliver(
        popupPush({
          openid: OPENID,
          createTime: 1_700_000_000,
          items: [
            { templateId: TEMPLATE, status: 'accept' },
            {
              templateId: PAYMENT.id,
              status: 'acceptWithAlert',
            },
          ],
        }),
      );
      const doc = parseJsonDocument(open(receiver.requests[0]!));
      expect(doc.List).toEqual([
        { TemplateId: TEMPLATE, SubscribeStatusString: 'accept', PopupScene: '0' },
        {
          TemplateId: PAYMENT.id,
          SubscribeStatusString: 'acceptWithAlert',
          PopupScene: '0',
        },
      ]);
    });

    it('change event in both formats', async () => {
      for (const format of ['xml', 'json'] as const) {
        receiver.reset();
        const { instance } = sender({ format });
        await instance.deliver(
          changePush({
            openid: OPENID,
            createTime: 1_700_000_000,
            items: [{ templateId: TEMPLATE, status: 'reject' }],
          }),
        );
        expect(parsed(receiver.requests[0]!)).toEqual({
          kind: 'change',
          event: 'subscribe_msg_change_event',
          toUserName: sandboxOriginalId(APP_ID),
          openid: OPENID,
          createTime: 1_700_000_000,
          items: [{ templateId: TEMPLATE, status: 'reject' }],
        });
      }
    });
  });

  describe('encryption', () => {
    it.each(['xml', 'json'] as const)(
      'safe mode by default with an EncodingAESKey (%s): {ToUserName, Encrypt} only, msg_signature',
      async (format) => {
        const { instance } = sender({ format, aesKey: PUSH_AES_KEY });
        expect(instance.mode).toBe('safe');
        await instance.deliver(
          sentPush({
            openid: OPENID,
            createTime: 1_700_000_000,
            templateId: TEMPLATE,
            msgId: MSGID,
          }),
        );
        const request = receiver.requests[0]!;
        expect(request.query.get('encrypt_type')).toBe('aes');
        expect(parsed(request)).toMatchObject({
          kind: 'sent',
          openid: OPENID,
          items: [{ msgId: MSGID }],
        });
      },
    );

    it.each(['xml', 'json'] as const)(
      'compatible mode (%s): the plaintext fields and Encrypt side by side',
      async (format) => {
        const { instance } = sender({ format, aesKey: PUSH_AES_KEY, mode: 'compatible' });
        await instance.deliver(
          popupPush({
            openid: OPENID,
            createTime: 1_700_000_000,
            items: [{ templateId: TEMPLATE, status: 'accept' }],
          }),
        );
        const request = receiver.requests[0]!;
        const doc =
          format === 'xml' ? parseXmlDocument(request.body) : parseJsonDocument(request.body);
        expect(doc.FromUserName).toBe(OPENID);
        const inner = peer.decrypt(doc.Encrypt as string);
        const { Encrypt: _encrypt, ...plainFields } = doc;
        expect(format === 'xml' ? parseXmlDocument(inner) : parseJsonDocument(inner)).toEqual(
          plainFields,
        );
      },
    );

    it('refuses safe or compatible mode without a key', () => {
      expect(() => sender({ mode: 'safe' })).toThrow(/EncodingAESKey/);
    });
  });

  describe('retries like WeChat: 3 attempts when no success within the timeout or a non-2xx', () => {
    const popup = (createTime = 1_700_000_000) =>
      popupPush({
        openid: OPENID,
        createTime,
        items: [{ templateId: TEMPLATE, status: 'accept' }],
      });

    it('retries after a 500 and after a body other than success, with the same message', async () => {
      receiver.answers = [
        (res) => {
          res.statusCode = 500;
          res.end('retry later');
        },
        (res) => res.end('fail'),
      ];
      const { instance, logger } = sender({ format: 'json' });
      expect(await instance.deliver(popup())).toEqual({ delivered: true, attempts: 3 });
      expect(receiver.requests).toHaveLength(3);
      const messages = receiver.requests.map(open);
      expect(new Set(messages).size).toBe(1);
      expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.fields)).toEqual([
        expect.objectContaining({ attempt: 1, reason: 'HTTP 500', retrying: true }),
        expect.objectContaining({ attempt: 2, reason: 'answered "fail" instead of success' }),
      ]);
    });

    it('takes an empty 200 as success, as WeChat does', async () => {
      receiver.answers = [(res) => res.end('')];
      const { instance } = sender();
      expect(await instance.deliver(popup())).toEqual({ delivered: true, attempts: 1 });
    });

    it('retries when the receiver does not answer in time', async () => {
      receiver.answers = [receiver.hang];
      const { instance } = sender({ timeoutMs: 100 });
      expect(await instance.deliver(popup())).toEqual({ delivered: true, attempts: 2 });
      expect(receiver.requests).toHaveLength(2);
    });

    it('gives up after 3 attempts, logs it and resolves (never throws)', async () => {
      receiver.fallback = (res) => {
        res.statusCode = 503;
        res.end();
      };
      try {
        const { instance, logger } = sender({ aesKey: PUSH_AES_KEY });
        expect(await instance.deliver(popup())).toEqual({
          delivered: false,
          attempts: 3,
          reason: 'HTTP 503',
        });
        expect(receiver.requests).toHaveLength(3);
        expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
        const logged = logger.text();
        expect(logged).not.toContain(PUSH_TOKEN);
        expect(logged).not.toContain(PUSH_AES_KEY);
        expect(logged).not.toContain('signature');
      } finally {
        receiver.fallback = (res) => res.end('success');
      }
    });

    it('gives up on a receiver that is not listening', async () => {
      const { instance, logger } = sender({ target: 'http://127.0.0.1:1/wechat/push' });
      const result = await instance.deliver(popup());
      expect(result).toMatchObject({ delivered: false, attempts: 3 });
      expect(result.reason).toMatch(/^request failed: /);
      expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(3);
    });

    it('close() stops a delivery between retries', async () => {
      receiver.fallback = (res) => {
        res.statusCode = 500;
        res.end();
      };
      try {
        const { instance } = sender({ retryDelayMs: 60_000 });
        const delivering = instance.deliver(popup());
        while (receiver.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
        await instance.close();
        expect(await delivering).toMatchObject({ delivered: false, attempts: 1 });
        expect(receiver.requests).toHaveLength(1);
      } finally {
        receiver.fallback = (res) => res.end('success');
      }
    });
  });

  it('drops (and logs) a push when no target is set yet', async () => {
    const { instance, logger } = sender({ target: null });
    expect(
      await instance.deliver(
        sentPush({ openid: OPENID, createTime: 1, templateId: TEMPLATE, msgId: MSGID }),
      ),
    ).toEqual({
      delivered: false,
      attempts: 0,
      reason: 'no target',
    });
    expect(logger.lines.map((l) => l.msg)).toEqual(['sandbox push dropped: no push URL set yet']);
    instance.setTarget(receiver.url);
    expect(instance.target).toBe(receiver.url);
  });

  it('keeps one user’s pushes of one kind on distinct CreateTime seconds', async () => {
    const { instance } = sender({ format: 'json' });
    const hooks = instance.hooks();
    const tap = { createTime: 1_700_000_000, items: [{ templateId: TEMPLATE, status: 'accept' }] };
    await hooks.onPopup({ openid: OPENID, ...tap });
    await hooks.onPopup({ openid: OPENID, ...tap });
    await hooks.onPopup({ openid: 'oSandboxUser0000000000000002', ...tap });
    await hooks.onChange({
      openid: OPENID,
      ...tap,
      items: [{ templateId: TEMPLATE, status: 'reject' }],
    });
    const times = receiver.requests.map((r) => [
      parsed(r).openid,
      parsed(r).event,
      parsed(r).createTime,
    ]);
    expect(times).toEqual([
      [OPENID, 'subscribe_msg_popup_event', 1_700_000_000],
      [OPENID, 'subscribe_msg_popup_event', 1_700_000_001],
      ['oSandboxUser0000000000000002', 'subscribe_msg_popup_event', 1_700_000_000],
      [OPENID, 'subscribe_msg_change_event', 1_700_000_000],
    ]);
  });
});
