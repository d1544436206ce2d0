import { describe, expect, it } from '@jest/globals';
import { detectFormat, parseEnvelope } from '../../../../src/services/push/index.js';
import { fixture, pushErrorReason } from '../../../helpers/push-test-kit.js';

describe('detectFormat', () => {
  it.each([
    ['text/xml', 'xml'],
    ['text/xml; charset=utf-8', 'xml'],
    ['application/xml', 'xml'],
    ['application/json', 'json'],
    ['Application/JSON; charset=UTF-8', 'json'],
  ] as const)('trusts a Content-Type of %s', (contentType, format) => {
    expect(detectFormat('ignored', contentType)).toBe(format);
  });

  it.each([undefined, '', 'text/plain', 'application/octet-stream'])(
    'sniffs the body when the Content-Type is %s',
    (contentType) => {
      expect(detectFormat('  {"a":1}', contentType)).toBe('json');
      expect(detectFormat('\uFEFF\n<xml/>', contentType)).toBe('xml');
      expect(pushErrorReason(() => detectFormat('a=1', contentType))).toBe('malformed_body');
      expect(pushErrorReason(() => detectFormat('   ', contentType))).toBe('malformed_body');
    },
  );
});

describe('parseEnvelope: XML', () => {
  it('returns the children of the root, CDATA unwrapped, numbers kept as strings, repeats as arrays', () => {
    const doc = parseEnvelope(fixture('popup.xml'), 'text/xml');
    expect(doc).toEqual({
      ToUserName: 'gh_123456789abc',
      FromUserName: 'otFpruAK8D-E6EfStSYonYSBZ8_4',
      CreateTime: '1610969440',
      MsgType: 'event',
      Event: 'subscribe_msg_popup_event',
      SubscribeMsgPopupEvent: {
        List: [
          {
            TemplateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
            SubscribeStatusString: 'accept',
            PopupScene: '2',
          },
          {
            TemplateId: '9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI',
            SubscribeStatusString: 'reject',
            PopupScene: '2',
          },
        ],
      },
    });
  });

  it('keeps a 64-bit MsgID exact', () => {
    const doc = parseEnvelope(fixture('sent.xml'), undefined);
    expect(doc.SubscribeMsgSentEvent).toEqual({
      List: {
        TemplateId: 'BEwX0BO-T3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8',
        MsgID: '1864323726461255680',
        ErrorCode: '0',
        ErrorStatus: 'success',
      },
    });
  });

  it('reads a safe-mode envelope and accepts an XML declaration and the predefined entities', () => {
    const doc = parseEnvelope(
      '<?xml version="1.0" encoding="UTF-8"?>\n<xml><ToUserName><![CDATA[gh_1]]></ToUserName><Encrypt><![CDATA[abc+/=]]></Encrypt><Note>a &lt; b &amp; c</Note></xml>',
      'text/xml',
    );
    expect(doc).toEqual({ ToUserName: 'gh_1', Encrypt: 'abc+/=', Note: 'a < b & c' });
  });

  it.each([
    ['an unclosed element', '<xml><A>1</xml>'],
    ['a missing root end tag', '<xml><A>1</A>'],
    ['two root elements', '<xml><A>1</A></xml><xml><A>2</A></xml>'],
    ['a text-only root', '<xml>hello</xml>'],
    ['an empty root', '<xml></xml>'],
    ['a DOCTYPE with entities', '<!DOCTYPE xml [<!ENTITY e "boom">]><xml><A>&e;</A></xml>'],
    ['a prototype-polluting tag name', '<xml><__proto__><A>1</A></__proto__></xml>'],
    ['JSON sent as text/xml', '{"a":1}'],
  ])('rejects %s as malformed_xml', (_label, body) => {
    expect(pushErrorReason(() => parseEnvelope(body, 'text/xml'))).toBe('malformed_xml');
  });
});

describe('parseEnvelope: JSON', () => {
  it('keeps a bare 64-bit MsgID exact, as its literal text', () => {
    const doc = parseEnvelope(fixture('sent-bare-msgid.json'), 'application/json');
    const items = doc.List as Record<string, unknown>[];
    expect(items[0]!.MsgID).toBe('1864323726461255680');
    // What JSON.parse would have made of it:
    expect(String(JSON.parse('1864323726461255680'))).not.toBe('1864323726461255680');
  });

  it('turns every number into its literal text and leaves strings alone', () => {
    expect(parseEnvelope('{"a":1620963428,"b":"x","c":-1.5e3,"d":[0]}', undefined)).toEqual({
      a: '1620963428',
      b: 'x',
      c: '-1.5e3',
      d: ['0'],
    });
  });

  it.each([
    ['truncated JSON', '{"a":1'],
    ['trailing garbage', '{"a":1} x'],
    ['a duplicate key', '{"Event":"a","Event":"b"}'],
    ['a top-level array', '[{"a":1}]'],
    ['XML sent as application/json', '<xml/>'],
  ])('rejects %s as malformed_json', (_label, body) => {
    expect(pushErrorReason(() => parseEnvelope(body, 'application/json'))).toBe('malformed_json');
  });
});
