import { isLosslessNumber } from 'lossless-json';
import { isRecord, type PushDocument } from './envelope.js';
import { PushError } from './push-error.js';
import {
  CHANGE_EVENT,
  POPUP_EVENT,
  SENT_EVENT,
  type ChangeItem,
  type PopupItem,
  type SentItem,
  type SubscribeEvent,
} from './subscribe-event.js';

const ITEM_WRAPPERS = {
  [POPUP_EVENT]: 'SubscribeMsgPopupEvent',
  [CHANGE_EVENT]: 'SubscribeMsgChangeEvent',
  [SENT_EVENT]: 'SubscribeMsgSentEvent',
} as const;

/**
 * Turns a parsed push (XML or JSON, any of the shapes WeChat has used) into a SubscribeEvent.
 * Scalars may be strings or numbers; `List` may be one object or an array, at the top level
 * (current JSON) or inside SubscribeMsg*Event (XML, older JSON).
 * Throws PushError `malformed_event` naming the field when a required part is missing or wrong.
 */
export function normalizeEvent(doc: PushDocument): SubscribeEvent {
  const common = {
    toUserName: optionalText(doc, 'ToUserName', 'ToUserName') ?? '',
    openid: requiredText(doc, 'FromUserName', 'FromUserName'),
    createTime: unixSeconds(doc, 'CreateTime'),
  };
  const msgType = optionalText(doc, 'MsgType', 'MsgType') ?? '';
  // Customer-service messages (text, image…) share the push URL and carry no Event.
  if (msgType !== '' && msgType !== 'event') {
    return { kind: 'other', ...common, event: optionalText(doc, 'Event', 'Event') ?? '', msgType };
  }
  const event = requiredText(doc, 'Event', 'Event');

  switch (event) {
    case POPUP_EVENT:
      return { kind: 'popup', ...common, event, items: items(doc, event).map(popupItem) };
    case CHANGE_EVENT:
      return { kind: 'change', ...common, event, items: items(doc, event).map(changeItem) };
    case SENT_EVENT:
      return { kind: 'sent', ...common, event, items: items(doc, event).map(sentItem) };
    default:
      return { kind: 'other', ...common, event, msgType };
  }
}

interface RawItem {
  fields: Record<string, unknown>;
  path: string;
}

function items(doc: PushDocument, event: keyof typeof ITEM_WRAPPERS): RawItem[] {
  const wrapperKey = ITEM_WRAPPERS[event];
  const wrapper = own(doc, wrapperKey);
  const [source, base] = wrapper !== undefined ? [wrapper, wrapperKey] : [own(doc, 'List'), 'List'];
  if (source === undefined || source === '') {
    throw malformed(`${event} has no items (expected List or ${wrapperKey})`, base);
  }
  // An older JSON form puts items straight under the wrapper; XML wraps them in List.
  const entries = asArray(source).flatMap((entry, i) =>
    isRecord(entry) && own(entry, 'List') !== undefined && own(entry, 'TemplateId') === undefined
      ? asArray(own(entry, 'List')).map((inner, j) => ({
          value: inner,
          path: `${base}[${i}].List[${j}]`,
        }))
      : [{ value: entry, path: `${base}[${i}]` }],
  );
  if (entries.length === 0) throw malformed(`${event} has an empty item list`, base);
  return entries.map(({ value, path }) => {
    if (!isRecord(value)) throw malformed(`${path} must be an object with TemplateId`, path);
    return { fields: value, path };
  });
}

function popupItem({ fields, path }: RawItem): PopupItem {
  return {
    templateId: requiredText(fields, 'TemplateId', `${path}.TemplateId`),
    status: requiredText(fields, 'SubscribeStatusString', `${path}.SubscribeStatusString`),
    popupScene: optionalText(fields, 'PopupScene', `${path}.PopupScene`) ?? null,
  };
}

function changeItem({ fields, path }: RawItem): ChangeItem {
  return {
    templateId: requiredText(fields, 'TemplateId', `${path}.TemplateId`),
    status: requiredText(fields, 'SubscribeStatusString', `${path}.SubscribeStatusString`),
  };
}

function sentItem({ fields, path }: RawItem): SentItem {
  return {
    templateId: requiredText(fields, 'TemplateId', `${path}.TemplateId`),
    msgId: msgId(fields, `${path}.MsgID`),
    errorCode: integer(fields, 'ErrorCode', `${path}.ErrorCode`),
    errorStatus: optionalText(fields, 'ErrorStatus', `${path}.ErrorStatus`) ?? '',
  };
}

// ---- scalars ---------------------------------------------------------------------------------

/** A text value: strings as sent, numbers as their decimal text; undefined when absent or empty. */
function optionalText(obj: Record<string, unknown>, key: string, path: string): string | undefined {
  const value = own(obj, key);
  if (value === undefined || value === null) return undefined;
  const text = scalarText(value, path);
  return text === '' ? undefined : text;
}

function requiredText(obj: Record<string, unknown>, key: string, path: string): string {
  const text = optionalText(obj, key, path);
  if (text === undefined) throw malformed(`${path} is missing or empty`, path);
  return text;
}

function scalarText(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (isLosslessNumber(value)) return value.value;
  if (Array.isArray(value)) throw malformed(`${path} appears more than once`, path);
  throw malformed(`${path} must be a text or number value`, path);
}

function unixSeconds(obj: Record<string, unknown>, key: string): number {
  const text = requiredText(obj, key, key);
  if (!/^\d{1,12}$/.test(text))
    throw malformed(`${key} must be unix seconds, got a non-numeric value`, key);
  return Number(text);
}

function integer(obj: Record<string, unknown>, key: string, path: string): number {
  const text = requiredText(obj, key, path);
  if (!/^-?\d{1,15}$/.test(text)) throw malformed(`${path} must be an integer`, path);
  return Number(text);
}

function msgId(obj: Record<string, unknown>, path: string): string {
  const value = own(obj, 'MsgID');
  // A JS number this large was already rounded by whoever parsed the JSON.
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw malformed(`${path} lost precision as a JS number; parse JSON losslessly`, path);
  }
  const text = requiredText(obj, 'MsgID', path);
  if (!/^\d{1,20}$/.test(text)) throw malformed(`${path} must be a decimal id`, path);
  return text;
}

// ---- helpers ---------------------------------------------------------------------------------

/** Reads only own properties, so a key like `constructor` never resolves to Object.prototype. */
function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function malformed(message: string, field: string): PushError {
  return new PushError('malformed_event', message, field);
}
