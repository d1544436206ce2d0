import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { PushCrypto, pushSignature } from '../../../src/services/push/index.js';
import { WeChatPushSealer, wechatSignature } from '../../../src/simulator/push/wechat-crypto.js';

// wechatpy's known-answer vector (tests/test_crypto.py), WeCom-flavoured but the same algorithm.
const TOKEN = '123456';
const AES_KEY = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const ID = 'wx49f0ab532d5d035a';
const TIMESTAMP = '1411443780';
const NONCE = '437374425';
const CIPHERTEXT =
  '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==';
const SIGNATURE = 'dd6b9c95b495b3f7e2901bfbc76c664930ffdb96';

/** The 16 random bytes the vector was made with: the first plaintext block's start. */
function vectorRandom(): Buffer {
  const key = Buffer.from(`${AES_KEY}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  return Buffer.concat([
    decipher.update(Buffer.from(CIPHERTEXT, 'base64')),
    decipher.final(),
  ]).subarray(0, 16);
}

describe('simulator push crypto', () => {
  const sealer = new WeChatPushSealer(TOKEN, AES_KEY, ID);

  it('reproduces the known-answer ciphertext and msg_signature', () => {
    expect(sealer.encrypt('5927782489442352469', vectorRandom())).toBe(CIPHERTEXT);
    expect(sealer.msgSignature(TIMESTAMP, NONCE, CIPHERTEXT)).toBe(SIGNATURE);
  });

  it('pads to 32-byte blocks, a full block when the text already fills one', () => {
    // 16 random + 4 length + n message + 18 appid: n = 26 makes exactly 64 bytes, padded to 96.
    const full = Buffer.from(sealer.encrypt('x'.repeat(26)), 'base64');
    expect(full.length).toBe(96);
    const short = Buffer.from(sealer.encrypt('x'.repeat(27)), 'base64');
    expect(short.length).toBe(96);
    expect(Buffer.from(sealer.encrypt('x'.repeat(25)), 'base64').length).toBe(64);
  });

  it('agrees with the gateway: the gateway decrypts what the simulator seals, signatures match', () => {
    const gateway = new PushCrypto(TOKEN, AES_KEY, ID);
    const message =
      '<xml><Event><![CDATA[subscribe_msg_sent_event]]></Event><Note>订阅 ✓</Note></xml>';
    for (let i = 0; i < 20; i++) {
      const text = message.repeat(i + 1).slice(0, 40 + i * 13);
      const encrypt = sealer.encrypt(text);
      expect(gateway.decrypt(encrypt)).toBe(text);
      expect(sealer.msgSignature(TIMESTAMP, NONCE, encrypt)).toBe(
        gateway.msgSignature(TIMESTAMP, NONCE, encrypt),
      );
    }
    expect(wechatSignature(TOKEN, TIMESTAMP, NONCE)).toBe(pushSignature(TOKEN, TIMESTAMP, NONCE));
  });

  it('refuses an EncodingAESKey that is not 43 base64 characters', () => {
    expect(() => new WeChatPushSealer(TOKEN, AES_KEY.slice(1), ID)).toThrow('43 characters');
  });
});
