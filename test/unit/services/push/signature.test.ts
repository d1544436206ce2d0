import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { pushSignature, signaturesEqual } from '../../../../src/services/push/index.js';
import { KAT } from '../../../helpers/push-test-kit.js';

describe('pushSignature', () => {
  it('matches the known-answer msg_signature (token, timestamp, nonce, Encrypt)', () => {
    expect(pushSignature(KAT.token, KAT.timestamp, KAT.nonce, KAT.ciphertext)).toBe(
      KAT.msgSignature,
    );
  });

  it('is the sha1 of the sorted strings concatenated, whatever the argument order', () => {
    const expected = createHash('sha1').update('1411443780437374425tok').digest('hex');
    expect(pushSignature('tok', '1411443780', '437374425')).toBe(expected);
    expect(pushSignature('437374425', 'tok', '1411443780')).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{40}$/);
  });

  it('changes when any input changes', () => {
    const base = pushSignature('tok', '1', '2');
    expect(pushSignature('tok', '1', '3')).not.toBe(base);
    expect(pushSignature('tok', '1', '2', 'x')).not.toBe(base);
  });
});

describe('signaturesEqual', () => {
  it('accepts identical strings', () => {
    expect(signaturesEqual(KAT.msgSignature, `${KAT.msgSignature}`)).toBe(true);
  });

  it('rejects a one-character difference, a different length and an empty string', () => {
    const flipped = `${KAT.msgSignature.slice(0, -1)}7`;
    expect(signaturesEqual(KAT.msgSignature, flipped)).toBe(false);
    expect(signaturesEqual(KAT.msgSignature, KAT.msgSignature.slice(1))).toBe(false);
    expect(signaturesEqual(KAT.msgSignature, '')).toBe(false);
    expect(signaturesEqual(KAT.msgSignature, KAT.msgSignature.toUpperCase())).toBe(false);
  });
});
