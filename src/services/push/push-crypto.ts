import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PushError, clip } from './push-error.js';
import { pushSignature } from './signature.js';

/** WeChat pads to 32-byte blocks, not AES's 16 (WxJava PKCS7Encoder, wechatpy pkcs7). */
const PAD_BLOCK = 32;
const RANDOM_BYTES = 16;
const LENGTH_BYTES = 4;
const HEADER_BYTES = RANDOM_BYTES + LENGTH_BYTES;
const ENCODING_AES_KEY = /^[A-Za-z0-9+/]{43}$/;
const STRICT_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Safe-mode ("安全模式") message crypto for one mini program: AES-256-CBC with
 * key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, and the plaintext layout
 * random(16) ‖ msg_len(4, big-endian) ‖ msg ‖ appid.
 * Secrets live in private fields so that logging or serialising the instance shows none of them.
 */
export class PushCrypto {
  readonly #token: string;
  readonly #key: Buffer;
  readonly #iv: Buffer;
  readonly #appId: Buffer;

  constructor(token: string, encodingAesKey: string, appId: string) {
    if (typeof token !== 'string' || token.length === 0) {
      throw new TypeError('PushCrypto: the push token must be a non-empty string');
    }
    if (typeof appId !== 'string' || appId.length === 0) {
      throw new TypeError('PushCrypto: the appId must be a non-empty string');
    }
    if (typeof encodingAesKey !== 'string' || !ENCODING_AES_KEY.test(encodingAesKey)) {
      throw new TypeError(
        `PushCrypto: EncodingAESKey must be exactly 43 base64 characters (A-Z a-z 0-9 + /), ${describeBadKey(encodingAesKey)}`,
      );
    }
    const key = Buffer.from(`${encodingAesKey}=`, 'base64');
    if (key.length !== 32) {
      throw new TypeError(
        `PushCrypto: EncodingAESKey decodes to ${key.length} bytes instead of 32 (check for a copy/paste error)`,
      );
    }
    this.#token = token;
    this.#key = key;
    this.#iv = key.subarray(0, 16);
    this.#appId = Buffer.from(appId, 'utf8');
  }

  /** `msg_signature` over token, timestamp, nonce and the `Encrypt` value. */
  msgSignature(timestamp: string, nonce: string, encrypt: string): string {
    return pushSignature(this.#token, timestamp, nonce, encrypt);
  }

  /** Decrypts an `Encrypt` value and returns the inner message (XML or JSON text). */
  decrypt(encryptBase64: string): string {
    const ciphertext = decodeCiphertext(encryptBase64);
    const decipher = createDecipheriv('aes-256-cbc', this.#key, this.#iv);
    decipher.setAutoPadding(false);
    const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    const content = unpad(padded);

    if (content.length < HEADER_BYTES) {
      throw new PushError(
        'bad_plaintext',
        `decrypted payload has ${content.length} bytes, fewer than its ${HEADER_BYTES}-byte header`,
      );
    }
    const msgLength = content.readUInt32BE(RANDOM_BYTES);
    if (msgLength > content.length - HEADER_BYTES) {
      throw new PushError(
        'bad_plaintext',
        `decrypted payload declares a ${msgLength}-byte message but only ${content.length - HEADER_BYTES} bytes follow the header`,
      );
    }
    const msgEnd = HEADER_BYTES + msgLength;
    const appId = content.subarray(msgEnd);
    if (!appId.equals(this.#appId)) {
      throw new PushError(
        'wrong_appid',
        `decrypted message is addressed to appid ${JSON.stringify(clip(appId.toString('utf8'), 40))}, not to this mini program`,
      );
    }
    try {
      return utf8.decode(content.subarray(HEADER_BYTES, msgEnd));
    } catch {
      throw new PushError('bad_plaintext', 'decrypted message is not valid UTF-8');
    }
  }

  /**
   * Encrypts a message the way WeChat does. The gateway never needs to (subscribe events want a
   * plain `success`); the simulator and the tests do. `random16` makes the output reproducible.
   */
  encrypt(plaintext: string, random16: Buffer = randomBytes(RANDOM_BYTES)): string {
    if (random16.length !== RANDOM_BYTES) {
      throw new TypeError(`PushCrypto.encrypt: random16 must be 16 bytes, got ${random16.length}`);
    }
    const msg = Buffer.from(plaintext, 'utf8');
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt32BE(msg.length);
    const body = Buffer.concat([random16, length, msg, this.#appId]);
    const padLength = PAD_BLOCK - (body.length % PAD_BLOCK);
    const padded = Buffer.concat([body, Buffer.alloc(padLength, padLength)]);
    const cipher = createCipheriv('aes-256-cbc', this.#key, this.#iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
  }
}

function describeBadKey(value: unknown): string {
  if (typeof value !== 'string') return `got ${typeof value}`;
  if (value.length !== 43) return `got ${value.length} characters`;
  return 'got characters outside that alphabet';
}

function decodeCiphertext(encryptBase64: string): Buffer {
  // Buffer.from(…, 'base64') silently skips junk and stops at truncation; check the text first.
  if (
    typeof encryptBase64 !== 'string' ||
    encryptBase64.length % 4 !== 0 ||
    !STRICT_BASE64.test(encryptBase64)
  ) {
    throw new PushError(
      'bad_base64',
      `Encrypt is not valid base64 (${typeof encryptBase64 === 'string' ? `${encryptBase64.length} characters` : typeof encryptBase64})`,
    );
  }
  const ciphertext = Buffer.from(encryptBase64, 'base64');
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new PushError(
      'bad_base64',
      `Encrypt decodes to ${ciphertext.length} bytes, not a whole number of AES blocks (truncated?)`,
    );
  }
  return ciphertext;
}

function unpad(padded: Buffer): Buffer {
  const padLength = padded[padded.length - 1] ?? 0;
  if (padLength < 1 || padLength > PAD_BLOCK || padLength > padded.length) {
    throw new PushError('bad_padding', `PKCS#7 pad length ${padLength} is outside 1..${PAD_BLOCK}`);
  }
  for (let i = padded.length - padLength; i < padded.length; i++) {
    if (padded[i] !== padLength) {
      throw new PushError('bad_padding', `PKCS#7 pad bytes are not all equal to ${padLength}`);
    }
  }
  return padded.subarray(0, padded.length - padLength);
}
