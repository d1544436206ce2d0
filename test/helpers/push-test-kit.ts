import { readFileSync } from 'node:fs';
import { PushError, pushSignature, type PushErrorReason } from '../../src/services/push/index.js';

/** The wechatpy known-answer vector quoted in docs/wechat.md §6.3. */
export const KAT = {
  token: '123456',
  encodingAesKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
  appId: 'wx49f0ab532d5d035a',
  timestamp: '1411443780',
  nonce: '437374425',
  ciphertext:
    '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==',
  msgSignature: 'dd6b9c95b495b3f7e2901bfbc76c664930ffdb96',
  plaintext: '5927782489442352469',
} as const;

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/push/${name}`, import.meta.url), 'utf8');
}

export { logText, recordingLogger, type LogLine } from './recording-logger.js';

/** Query for a signed push request, as WeChat builds it. */
export function signedQuery(
  token: string,
  timestamp: string,
  nonce: string,
  extra: Record<string, string> = {},
): URLSearchParams {
  return new URLSearchParams({
    signature: pushSignature(token, timestamp, nonce),
    timestamp,
    nonce,
    ...extra,
  });
}

/** `text.replace`, but a pattern that no longer matches (say, after reformatting) fails loudly. */
export function edit(text: string, pattern: string | RegExp, replacement: string): string {
  const edited = text.replace(pattern, replacement);
  if (edited === text) throw new Error(`edit: ${String(pattern)} did not match the fixture`);
  return edited;
}

/** The reason of the PushError `fn` throws, or `no error`; any other error is rethrown. */
export function pushErrorReason(fn: () => unknown): PushErrorReason | 'no error' {
  try {
    fn();
    return 'no error';
  } catch (err) {
    if (err instanceof PushError) return err.reason;
    throw err;
  }
}
