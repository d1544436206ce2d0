import { createHash } from 'node:crypto';

/**
 * The simulated app's openid rule: `o` followed by 27 characters of [A-Za-z0-9_-], 28 in all, the
 * shape of real openids (`otFpruAK8D-E6EfStSYonYSBZ8_4`). Any such string counts as a user of this
 * app, except the FOREIGN_OPENIDS below.
 */
export const OPENID_PATTERN = /^o[A-Za-z0-9_-]{27}$/;

/**
 * Well-formed openids that belong to *another* app, so a send to them answers 40003 just as
 * WeChat does for an openid of a different appid. The first two are the openids of WeChat's own
 * documentation examples.
 */
export const FOREIGN_OPENIDS: readonly string[] = [
  'otFpruAK8D-E6EfStSYonYSBZ8_4',
  'o7esq5OI1Uej6Xixw1lA2H7XDVbc',
  'oForeignApp00000000000000001',
];

export function isForeignOpenId(openid: string): boolean {
  return FOREIGN_OPENIDS.includes(openid);
}

/** True when `openid` is a user of the simulated app. */
export function isOwnOpenId(openid: unknown): openid is string {
  return typeof openid === 'string' && OPENID_PATTERN.test(openid) && !isForeignOpenId(openid);
}

/** Why `openid` is not a user of this app, or null when it is. */
export function openIdProblem(openid: unknown): string | null {
  if (typeof openid !== 'string' || openid === '')
    return 'openid is missing (a string like "o" + 27 of [A-Za-z0-9_-])';
  if (!OPENID_PATTERN.test(openid)) {
    return `openid ${JSON.stringify(openid)} is not shaped like an openid of this app ("o" followed by 27 of [A-Za-z0-9_-], 28 characters)`;
  }
  if (isForeignOpenId(openid))
    return `openid ${openid} belongs to another app (a 40003 demo openid)`;
  return null;
}

/**
 * The stable openid of a demo user label such as `demo-user-1`: the same label and appid always
 * give the same openid, across restarts, as WeChat's per-app openids do.
 */
export function openIdForUser(appId: string, user: string): string {
  const digest = createHash('sha256').update(`${appId}\n${user}`).digest('base64url');
  return `o${digest.slice(0, 27)}`;
}
