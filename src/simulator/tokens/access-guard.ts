import type { TokenAuthority } from './token-authority.js';

/**
 * The errcode a business API answers for the `access_token` query parameter, or null when the
 * token is good: missing 41001, unknown or garbage 40014, superseded (classic past its grace, or
 * force-refreshed stable) 40001, expired 42001 (docs/wechat.md §1.3).
 */
export function accessTokenErrcode(tokens: TokenAuthority, query: URLSearchParams): number | null {
  const token = query.get('access_token');
  if (token === null || token === '') return 41001;
  switch (tokens.status(token)) {
    case 'valid':
      return null;
    case 'unknown':
      return 40014;
    case 'superseded':
      return 40001;
    case 'expired':
      return 42001;
  }
}
