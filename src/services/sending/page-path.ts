import { BadUserInputError } from '../../shared/errors.js';

export const MAX_PAGE_LENGTH = 1024;

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
// Whitespace, control and format characters (including the invisible bidi overrides).
const INVISIBLE = /[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** Why `page` is not a path inside the mini-program, or null when it is one. */
function pageProblem(page: string): string | null {
  if (page.length === 0) return 'it is empty (omit page for a card that opens nothing)';
  if (page.length > MAX_PAGE_LENGTH) return `it is longer than ${MAX_PAGE_LENGTH} characters`;
  if (INVISIBLE.test(page)) return 'it contains a space or an invisible or control character';
  const path = page.split('?', 1)[0]!;
  if (SCHEME.test(path)) return 'it is a URL: the card opens a page of this mini-program only';
  if (path.startsWith('/')) return 'it starts with /';
  if (path.includes('\\')) return 'it contains a backslash';
  if (path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'its path has an empty, "." or ".." segment';
  }
  return null;
}

/**
 * A send's `page`: a path of this mini-program as app.json lists it, optionally with a query
 * (`pages/order/detail?id=1`). WeChat opens it from the message card, and answers 41030 only at
 * send time for a page the released build lacks; what can never be a page is refused here.
 */
export function assertMiniProgramPage(page: string): void {
  const problem = pageProblem(page);
  if (problem !== null) {
    throw new BadUserInputError(
      `page must be a mini-program path like pages/index/index?id=1: ${problem}`,
      'page',
    );
  }
}
