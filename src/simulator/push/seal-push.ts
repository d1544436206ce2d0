import { renderEncryptedEnvelope, renderPushBody, type PushBodyFormat } from './render-push.js';
import type { SubscribePush } from './subscribe-push.js';
import { wechatSignature, type WeChatPushSealer } from './wechat-crypto.js';

/** The account's encryption setting (消息加密方式): plaintext, compatible or safe. */
export type PushMode = 'plaintext' | 'compatible' | 'safe';

/** One HTTP delivery of a push: what goes in the query, the body and its Content-Type. */
export interface SealedPush {
  query: URLSearchParams;
  body: string;
  contentType: string;
}

export interface SealOptions {
  token: string;
  /** Required for compatible and safe mode. */
  crypto?: WeChatPushSealer;
  mode: PushMode;
  format: PushBodyFormat;
  /** The mini program's original id (`gh_…`), written as ToUserName. */
  toUserName: string;
  /** Unix seconds, as text. */
  timestamp: string;
  nonce: string;
}

const CONTENT_TYPES: Record<PushBodyFormat, string> = {
  xml: 'text/xml',
  json: 'application/json',
};

/**
 * Signs (and in compatible/safe mode encrypts) a push as WeChat does (docs/wechat.md §6.2, §6.3):
 * `signature` over token/timestamp/nonce always; with AES, `encrypt_type=aes` and `msg_signature`
 * over token/timestamp/nonce/Encrypt.
 */
export function sealPush(push: SubscribePush, options: SealOptions): SealedPush {
  const { token, mode, format, toUserName, timestamp, nonce } = options;
  const query = new URLSearchParams({
    signature: wechatSignature(token, timestamp, nonce),
    timestamp,
    nonce,
  });
  const contentType = CONTENT_TYPES[format];
  const plain = renderPushBody(push, toUserName, format);
  if (mode === 'plaintext') return { query, body: plain, contentType };

  if (!options.crypto) throw new TypeError(`${mode} mode needs the EncodingAESKey`);
  const encrypt = options.crypto.encrypt(plain);
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', options.crypto.msgSignature(timestamp, nonce, encrypt));
  const body =
    mode === 'safe'
      ? renderEncryptedEnvelope(toUserName, encrypt, format)
      : renderPushBody(push, toUserName, format, encrypt);
  return { query, body, contentType };
}
