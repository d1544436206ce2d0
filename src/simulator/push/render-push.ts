import { LosslessNumber, stringify } from 'lossless-json';
import type { SubscribePush } from './subscribe-push.js';

export type PushBodyFormat = 'xml' | 'json';

/** The element that wraps the items in XML (and in WeChat's older JSON). */
const XML_WRAPPER: Record<SubscribePush['event'], string> = {
  subscribe_msg_popup_event: 'SubscribeMsgPopupEvent',
  subscribe_msg_change_event: 'SubscribeMsgChangeEvent',
  subscribe_msg_sent_event: 'SubscribeMsgSentEvent',
};

/** One field of the message: text goes in CDATA / a JSON string, a number stays bare digits. */
type Field = [name: string, value: { text: string } | { digits: string }];

const text = (value: string) => ({ text: value });
const digits = (value: string | number) => {
  const written = String(value);
  if (!/^-?\d+$/.test(written)) throw new TypeError(`not an integer: ${JSON.stringify(written)}`);
  return { digits: written };
};

/**
 * The item fields in the order and with the scalar types of WeChat's documented examples. JSON keeps
 * PopupScene and ErrorCode as strings (as every documented example does) but writes MsgID as a
 * bare 64-bit number: the hardest case for a receiver, which must not round it.
 */
function itemFields(push: SubscribePush, format: PushBodyFormat): Field[][] {
  const scalar = (value: string) => (format === 'xml' ? digits(value) : text(value));
  switch (push.event) {
    case 'subscribe_msg_popup_event':
      return push.items.map((item) => [
        ['TemplateId', text(item.templateId)],
        ['SubscribeStatusString', text(item.status)],
        ['PopupScene', scalar(item.popupScene)],
      ]);
    case 'subscribe_msg_change_event':
      return push.items.map((item) => [
        ['TemplateId', text(item.templateId)],
        ['SubscribeStatusString', text(item.status)],
      ]);
    case 'subscribe_msg_sent_event':
      return push.items.map((item) => [
        ['TemplateId', text(item.templateId)],
        ['MsgID', digits(item.msgId)],
        ['ErrorCode', scalar(String(item.errorCode))],
        ['ErrorStatus', text(item.errorStatus)],
      ]);
  }
}

function commonFields(push: SubscribePush, toUserName: string): Field[] {
  return [
    ['ToUserName', text(toUserName)],
    ['FromUserName', text(push.openid)],
    // A number, as in the pushes observed in the wild (the doc examples quote it; both are read).
    ['CreateTime', digits(push.createTime)],
    ['MsgType', text('event')],
    ['Event', text(push.event)],
  ];
}

/**
 * The plaintext message WeChat would push for `push`, in the account's configured format. With
 * `compatibleEncrypt`, the compatible-mode body: the same message with `Encrypt` added as the
 * root's last child (XML) or last key (JSON), docs/wechat.md §6.3.
 */
export function renderPushBody(
  push: SubscribePush,
  toUserName: string,
  format: PushBodyFormat,
  compatibleEncrypt?: string,
): string {
  const common = commonFields(push, toUserName);
  const items = itemFields(push, format);
  if (items.length === 0) throw new TypeError(`${push.event} needs at least one item`);
  const trailer: Field[] =
    compatibleEncrypt === undefined ? [] : [['Encrypt', text(compatibleEncrypt)]];
  if (format === 'xml') {
    const list = items.map((fields) => `    <List>\n${xmlFields(fields, '      ')}    </List>\n`);
    const wrapper = XML_WRAPPER[push.event];
    return (
      `<xml>\n${xmlFields(common, '  ')}  <${wrapper}>\n${list.join('')}  </${wrapper}>\n` +
      `${xmlFields(trailer, '  ')}</xml>`
    );
  }
  // Current JSON: items under a top-level List, an object for one item and an array for several.
  const list = items.map(jsonObject);
  return stringify({
    ...jsonObject(common),
    List: list.length === 1 ? list[0] : list,
    ...jsonObject(trailer),
  }) as string;
}

/** The safe-mode envelope around an `Encrypt` value (docs/wechat.md §6.3). */
export function renderEncryptedEnvelope(
  toUserName: string,
  encrypt: string,
  format: PushBodyFormat,
): string {
  const fields: Field[] = [
    ['ToUserName', text(toUserName)],
    ['Encrypt', text(encrypt)],
  ];
  return format === 'xml'
    ? `<xml>\n${xmlFields(fields, '  ')}</xml>`
    : (stringify(jsonObject(fields)) as string);
}

function xmlFields(fields: Field[], indent: string): string {
  return fields
    .map(([name, value]) =>
      'text' in value
        ? `${indent}<${name}>${cdata(value.text)}</${name}>\n`
        : `${indent}<${name}>${value.digits}</${name}>\n`,
    )
    .join('');
}

/** CDATA cannot contain `]]>`; WeChat's ids never do, but a value that did must not break out. */
function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

function jsonObject(fields: Field[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.map(([name, value]) => [
      name,
      'text' in value ? value.text : new LosslessNumber(value.digits),
    ]),
  );
}
