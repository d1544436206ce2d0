import { isSafeNumber, parse } from 'lossless-json';

/**
 * Parses a WeChat JSON body without losing 64-bit integers: a send's `msgid` is a bare number
 * such as 2097683633284153344, which JSON.parse silently rounds. Integers beyond 2^53 come back
 * as their exact decimal strings; everything else as plain JSON values.
 */
export function parseWeChatJson(text: string): unknown {
  return parse(text, null, (value: string) => (isSafeNumber(value) ? Number(value) : value));
}
