import { describe, expect, it } from '@jest/globals';
import {
  PushError,
  normalizeEvent,
  parseEnvelope,
  type PushDocument,
} from '../../../../src/services/push/index.js';
import { edit, fixture } from '../../../helpers/push-test-kit.js';

const fromFixture = (name: string) => normalizeEvent(parseEnvelope(fixture(name), undefined));

function malformedField(doc: PushDocument): string | undefined {
  try {
    normalizeEvent(doc);
  } catch (err) {
    if (err instanceof PushError && err.reason === 'malformed_event') return err.field;
    throw err;
  }
  throw new Error('expected a malformed_event error');
}

const popupItems = [
  {
    templateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
    status: 'accept',
    popupScene: '2',
  },
  {
    templateId: '9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI',
    status: 'reject',
    popupScene: '2',
  },
];

const sentItem = {
  templateId: 'BEwX0BO-T3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8',
  msgId: '1864323726461255680',
  errorCode: 0,
  errorStatus: 'success',
};

describe('normalizeEvent: the documented shapes', () => {
  it('reads the XML popup event with two items', () => {
    expect(fromFixture('popup.xml')).toEqual({
      kind: 'popup',
      toUserName: 'gh_123456789abc',
      openid: 'otFpruAK8D-E6EfStSYonYSBZ8_4',
      createTime: 1610969440,
      event: 'subscribe_msg_popup_event',
      items: popupItems,
    });
  });

  it('reads the older JSON popup form with items straight under SubscribeMsgPopupEvent', () => {
    expect(fromFixture('popup-legacy-array.json')).toMatchObject({
      kind: 'popup',
      items: popupItems,
    });
  });

  it('reads the current JSON popup event (top-level List array, string scalars)', () => {
    expect(fromFixture('popup.json')).toEqual({
      kind: 'popup',
      toUserName: 'gh_123456789abc',
      openid: 'o7esq5OI1Uej6Xixw1lA2H7XDVbc',
      createTime: 1620973045,
      event: 'subscribe_msg_popup_event',
      items: [
        {
          templateId: 'hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68',
          status: 'accept',
          popupScene: '0',
        },
      ],
    });
  });

  it('accepts numeric and string scalars side by side', () => {
    const event = fromFixture('popup-mixed-scalars.json');
    expect(event).toMatchObject({ kind: 'popup', createTime: 1620973045 });
    expect(event.kind === 'popup' && event.items.map((i) => i.popupScene)).toEqual(['0', '0']);
  });

  it('accepts already-parsed JS numbers (e.g. from JSON.parse) for safe-integer fields', () => {
    const doc = JSON.parse(fixture('change.json')) as PushDocument;
    expect(typeof doc.CreateTime).toBe('number');
    expect(normalizeEvent(doc)).toMatchObject({ kind: 'change', createTime: 1625575518 });
  });

  it('reads the XML change event and the JSON change event whose List is one object', () => {
    expect(fromFixture('change.xml')).toEqual({
      kind: 'change',
      toUserName: 'gh_123456789abc',
      openid: 'otFpruAK8D-E6EfStSYonYSBZ8_4',
      createTime: 1610969440,
      event: 'subscribe_msg_change_event',
      items: [{ templateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc', status: 'reject' }],
    });
    expect(fromFixture('change.json')).toEqual({
      kind: 'change',
      toUserName: 'gh_xxx',
      openid: 'oxxx',
      createTime: 1625575518,
      event: 'subscribe_msg_change_event',
      items: [{ templateId: 'NQezXFstp4zZV2q7u5aSprQZEx061ODkFJGLdungfoI', status: 'reject' }],
    });
  });

  it.each(['sent.xml', 'sent.json', 'sent-nested-legacy.json'])(
    'reads the sent event from %s with MsgID kept as a string',
    (name) => {
      expect(fromFixture(name)).toEqual({
        kind: 'sent',
        toUserName: 'gh_123456789abc',
        openid: 'o7esq5PHRGBQYmeNyfG064wEFVpQ',
        createTime: 1620963428,
        event: 'subscribe_msg_sent_event',
        items: [sentItem],
      });
    },
  );

  it('keeps a bare 64-bit JSON MsgID exact and reads numeric ErrorCodes', () => {
    expect(fromFixture('sent-bare-msgid.json')).toMatchObject({
      kind: 'sent',
      createTime: 1620963428,
      items: [
        sentItem,
        {
          templateId: '9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI',
          msgId: '1864323726461255681',
          errorCode: 10001,
          errorStatus: 'failed',
        },
      ],
    });
  });

  it('refuses a MsgID that a lossy JSON.parse already rounded', () => {
    const doc = JSON.parse(fixture('sent-bare-msgid.json')) as PushDocument;
    expect(malformedField(doc)).toBe('List[0].MsgID');
  });

  it('classifies other events and non-event messages as other', () => {
    expect(fromFixture('other-event.xml')).toEqual({
      kind: 'other',
      toUserName: 'gh_123456789abc',
      openid: 'otFpruAK8D-E6EfStSYonYSBZ8_4',
      createTime: 1610969440,
      event: 'user_enter_tempsession',
      msgType: 'event',
    });
    expect(fromFixture('text-message.json')).toMatchObject({
      kind: 'other',
      event: '',
      msgType: 'text',
    });
  });

  it('accepts a missing ToUserName and a popup item without PopupScene', () => {
    const event = normalizeEvent({
      FromUserName: 'o1',
      CreateTime: '1',
      Event: 'subscribe_msg_popup_event',
      List: { TemplateId: 't', SubscribeStatusString: 'acceptWithAudio' },
    });
    expect(event).toMatchObject({
      toUserName: '',
      items: [{ templateId: 't', status: 'acceptWithAudio', popupScene: null }],
    });
  });
});

describe('normalizeEvent: malformed events name the field', () => {
  const base = (): PushDocument => ({
    ToUserName: 'gh_1',
    FromUserName: 'o1',
    CreateTime: '1620963428',
    MsgType: 'event',
    Event: 'subscribe_msg_sent_event',
    List: [
      { TemplateId: 't1', MsgID: '1864323726461255680', ErrorCode: '0', ErrorStatus: 'success' },
    ],
  });
  const item = (doc: PushDocument) => (doc.List as Record<string, unknown>[])[0]!;

  it.each<[string, (doc: PushDocument) => void, string]>([
    ['missing FromUserName', (d) => delete d.FromUserName, 'FromUserName'],
    ['empty FromUserName', (d) => (d.FromUserName = ''), 'FromUserName'],
    ['missing CreateTime', (d) => delete d.CreateTime, 'CreateTime'],
    ['non-numeric CreateTime', (d) => (d.CreateTime = 'yesterday'), 'CreateTime'],
    ['missing Event', (d) => delete d.Event, 'Event'],
    ['repeated Event', (d) => (d.Event = ['a', 'b']), 'Event'],
    ['an object where text belongs', (d) => (d.FromUserName = { x: '1' }), 'FromUserName'],
    ['no items', (d) => delete d.List, 'List'],
    ['an empty item list', (d) => (d.List = []), 'List'],
    ['an item that is not an object', (d) => (d.List = ['t1']), 'List[0]'],
    ['an item without TemplateId', (d) => delete item(d).TemplateId, 'List[0].TemplateId'],
    ['an item without MsgID', (d) => delete item(d).MsgID, 'List[0].MsgID'],
    ['a non-decimal MsgID', (d) => (item(d).MsgID = '1.86e18'), 'List[0].MsgID'],
    ['a non-numeric ErrorCode', (d) => (item(d).ErrorCode = 'oops'), 'List[0].ErrorCode'],
    ['a missing ErrorCode', (d) => delete item(d).ErrorCode, 'List[0].ErrorCode'],
  ])('%s', (_label, mutate, field) => {
    const doc = base();
    mutate(doc);
    expect(malformedField(doc)).toBe(field);
  });

  it('a popup item without SubscribeStatusString, inside the XML wrapper', () => {
    const doc = parseEnvelope(
      edit(
        fixture('popup.xml'),
        '<SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString>',
        '',
      ),
      undefined,
    );
    expect(malformedField(doc)).toBe('SubscribeMsgPopupEvent[0].List[1].SubscribeStatusString');
  });

  it('an empty XML item wrapper', () => {
    const doc = parseEnvelope(
      '<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><Event>subscribe_msg_change_event</Event><SubscribeMsgChangeEvent></SubscribeMsgChangeEvent></xml>',
      undefined,
    );
    expect(malformedField(doc)).toBe('SubscribeMsgChangeEvent');
  });

  it('ignores inherited properties', () => {
    const doc = base();
    delete doc.Event;
    expect(
      malformedField(Object.assign(Object.create({ Event: 'subscribe_msg_sent_event' }), doc)),
    ).toBe('Event');
  });
});
