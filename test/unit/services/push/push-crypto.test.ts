import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { PushCrypto } from '../../../../src/services/push/index.js';
import { KAT, pushErrorReason } from '../../../helpers/push-test-kit.js';

const crypto = new PushCrypto(KAT.token, KAT.encodingAesKey, KAT.appId);
const key = Buffer.from(`${KAT.encodingAesKey}=`, 'base64');
const iv = key.subarray(0, 16);

/** AES-256-CBC over bytes we lay out ourselves, to forge malformed plaintexts. */
function rawEncrypt(plain: Buffer): string {
  const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

function rawDecrypt(base64: string): Buffer {
  const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]);
}

/** random16 ‖ len ‖ msg ‖ appid, padded with `pad` (defaults to correct PKCS#7/32). */
function layout(
  msg: Buffer,
  opts: { appId?: string; declaredLength?: number; pad?: Buffer } = {},
): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(opts.declaredLength ?? msg.length);
  const body = Buffer.concat([
    Buffer.alloc(16, 7),
    length,
    msg,
    Buffer.from(opts.appId ?? KAT.appId),
  ]);
  const n = 32 - (body.length % 32);
  return Buffer.concat([body, opts.pad ?? Buffer.alloc(n, n)]);
}

describe('PushCrypto known-answer vector (wechatpy tests/test_crypto.py)', () => {
  it('decrypts the ciphertext to the expected message', () => {
    expect(crypto.decrypt(KAT.ciphertext)).toBe(KAT.plaintext);
  });

  it('computes the expected msg_signature', () => {
    expect(crypto.msgSignature(KAT.timestamp, KAT.nonce, KAT.ciphertext)).toBe(KAT.msgSignature);
  });

  it('re-encrypts to the identical ciphertext given the same 16 random bytes', () => {
    const random16 = rawDecrypt(KAT.ciphertext).subarray(0, 16);
    expect(crypto.encrypt(KAT.plaintext, random16)).toBe(KAT.ciphertext);
  });
});

describe('PushCrypto round trips', () => {
  it.each([
    ['XML', '<xml><ToUserName><![CDATA[gh_1]]></ToUserName></xml>'],
    ['JSON with non-ASCII', '{"Content":"订阅消息 ✓ 🎉"}'],
    ['an empty message', ''],
    ['a message whose padded length is a whole block', 'x'.repeat(32 * 4 - 20 - KAT.appId.length)],
    ['a large message', 'y'.repeat(40_000)],
  ])('encrypt then decrypt returns %s unchanged', (_label, message) => {
    expect(crypto.decrypt(crypto.encrypt(message))).toBe(message);
  });

  it('pads to a multiple of 32 bytes with a full 32-byte block when already aligned', () => {
    const aligned = 'x'.repeat(32 * 4 - 20 - KAT.appId.length);
    const padded = rawDecrypt(crypto.encrypt(aligned));
    expect(padded.length).toBe(32 * 5);
    expect(padded.subarray(-32).every((b) => b === 32)).toBe(true);
  });

  it('uses fresh random bytes by default', () => {
    expect(crypto.encrypt('same')).not.toBe(crypto.encrypt('same'));
  });

  it('refuses a random16 of the wrong size', () => {
    expect(() => crypto.encrypt('x', Buffer.alloc(15))).toThrow(/random16 must be 16 bytes/);
  });
});

describe('PushCrypto rejects', () => {
  it('a message encrypted for another appid', () => {
    const other = new PushCrypto(KAT.token, KAT.encodingAesKey, 'wx0000000000000000');
    expect(pushErrorReason(() => crypto.decrypt(other.encrypt('hi')))).toBe('wrong_appid');
    expect(
      pushErrorReason(() => crypto.decrypt(rawEncrypt(layout(Buffer.from('hi'), { appId: '' })))),
    ).toBe('wrong_appid');
  });

  it('truncated or non-base64 ciphertext', () => {
    expect(pushErrorReason(() => crypto.decrypt(KAT.ciphertext.slice(0, -3)))).toBe('bad_base64');
    expect(pushErrorReason(() => crypto.decrypt(KAT.ciphertext.slice(4)))).toBe('bad_base64');
    expect(pushErrorReason(() => crypto.decrypt(`${KAT.ciphertext.slice(0, -4)}!!==`))).toBe(
      'bad_base64',
    );
    expect(pushErrorReason(() => crypto.decrypt(`${KAT.ciphertext} `))).toBe('bad_base64');
    // Valid base64, but 20 bytes is not a whole number of AES blocks.
    expect(pushErrorReason(() => crypto.decrypt(Buffer.alloc(20).toString('base64')))).toBe(
      'bad_base64',
    );
    expect(pushErrorReason(() => crypto.decrypt(''))).toBe('bad_base64');
  });

  it('a pad byte of 0, a pad byte over 32, and inconsistent pad bytes', () => {
    const body = layout(Buffer.from('hello'));
    const withLast = (value: number) => Buffer.concat([body.subarray(0, -1), Buffer.from([value])]);
    expect(pushErrorReason(() => crypto.decrypt(rawEncrypt(withLast(0))))).toBe('bad_padding');
    expect(pushErrorReason(() => crypto.decrypt(rawEncrypt(withLast(33))))).toBe('bad_padding');
    const n = body[body.length - 1]!;
    expect(n).toBeGreaterThan(1);
    const uneven = Buffer.from(body);
    uneven[uneven.length - n] = n + 1;
    expect(pushErrorReason(() => crypto.decrypt(rawEncrypt(uneven)))).toBe('bad_padding');
  });

  it('a flipped ciphertext byte, which corrupts the padding of the next block', () => {
    // CBC: flipping byte i of block n flips byte i of plaintext block n+1. Byte 44 lands on
    // plaintext byte 60, inside the 7 pad bytes of the 57-byte known-answer plaintext.
    const bytes = Buffer.from(KAT.ciphertext, 'base64');
    bytes[44]! ^= 0xff;
    expect(pushErrorReason(() => crypto.decrypt(bytes.toString('base64')))).toBe('bad_padding');
  });

  it('a declared length longer than the payload, and a payload shorter than the header', () => {
    expect(
      pushErrorReason(() =>
        crypto.decrypt(rawEncrypt(layout(Buffer.from('hello'), { declaredLength: 4096 }))),
      ),
    ).toBe('bad_plaintext');
    expect(
      pushErrorReason(() =>
        crypto.decrypt(rawEncrypt(layout(Buffer.from('hello'), { declaredLength: 0xffffffff }))),
      ),
    ).toBe('bad_plaintext');
    const tiny = Buffer.concat([Buffer.alloc(16, 1), Buffer.alloc(16, 16)]);
    expect(pushErrorReason(() => crypto.decrypt(rawEncrypt(tiny)))).toBe('bad_plaintext');
  });

  it('a message that is not UTF-8', () => {
    expect(
      pushErrorReason(() => crypto.decrypt(rawEncrypt(layout(Buffer.from([0xff, 0xfe, 0x41]))))),
    ).toBe('bad_plaintext');
  });
});

describe('PushCrypto constructor', () => {
  it.each([
    ['42 characters', KAT.encodingAesKey.slice(1), /43 base64 characters.*got 42 characters/],
    ['44 characters', `${KAT.encodingAesKey}=`, /got 44 characters/],
    ['a character outside base64', `${KAT.encodingAesKey.slice(0, -1)}-`, /outside that alphabet/],
    ['an empty key', '', /got 0 characters/],
  ])('rejects an EncodingAESKey with %s, without echoing it', (_label, badKey, message) => {
    let error: unknown;
    try {
      new PushCrypto(KAT.token, badKey, KAT.appId);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
    if (badKey !== '') expect((error as Error).message).not.toContain(badKey.slice(0, 20));
  });

  it('rejects an empty token or appId', () => {
    expect(() => new PushCrypto('', KAT.encodingAesKey, KAT.appId)).toThrow(/token/);
    expect(() => new PushCrypto(KAT.token, KAT.encodingAesKey, '')).toThrow(/appId/);
  });

  it('keeps the token and key out of its serialised form', () => {
    const shown = JSON.stringify(crypto) + Object.keys(crypto).join(',');
    expect(shown).not.toContain(KAT.token);
    expect(shown).not.toContain(KAT.encodingAesKey);
  });
});
