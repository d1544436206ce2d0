import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * How WeChat signs and encrypts a message push (消息推送, safe and compatible mode; docs/wechat.md
 * §6.3), written for the simulator from WeChat's description rather than shared with the gateway's
 * decoder, so the sandbox tests check one against the other.
 */

/** SHA-1 hex of the parts sorted as strings and joined: `signature` and `msg_signature`. */
export function wechatSignature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

const BLOCK = 32;

/** The EncodingAESKey's 32 bytes: base64 of the 43 characters plus one `=`. */
function aesKeyBytes(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new TypeError('the EncodingAESKey must be 43 characters of A-Z a-z 0-9 + /');
  }
  return Buffer.from(`${encodingAesKey}=`, 'base64');
}

/** Seals pushes for one mini program: token, EncodingAESKey and appid, as configured there. */
export class WeChatPushSealer {
  readonly #token: string;
  readonly #key: Buffer;
  readonly #appId: string;

  constructor(token: string, encodingAesKey: string, appId: string) {
    if (token === '' || appId === '') throw new TypeError('token and appId must not be empty');
    this.#token = token;
    this.#key = aesKeyBytes(encodingAesKey);
    this.#appId = appId;
  }

  /**
   * `Encrypt`: base64 of AES-256-CBC (IV = the key's first 16 bytes, no cipher padding) over
   * 16 random bytes ‖ message length (4 bytes, big-endian) ‖ message ‖ appid, PKCS#7-padded to a
   * multiple of 32 bytes.
   */
  encrypt(message: string, random16: Buffer = randomBytes(16)): string {
    const text = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(text.length, 0);
    const plain = Buffer.concat([random16, length, text, Buffer.from(this.#appId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#key.subarray(0, 16));
    cipher.setAutoPadding(false);
    return Buffer.concat([
      cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
      cipher.final(),
    ]).toString('base64');
  }

  /** `msg_signature`: the signature over token, timestamp, nonce and the `Encrypt` value. */
  msgSignature(timestamp: string, nonce: string, encrypt: string): string {
    return wechatSignature(this.#token, timestamp, nonce, encrypt);
  }
}
