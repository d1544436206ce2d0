/** An AppSecret is 32 hex digits; anything else cannot be a secret at all. */
const SECRET_SHAPE = /^[0-9a-f]{32}$/i;

export type CredentialCheck = { ok: true } | { ok: false; errcode: number };

export interface AppCredentials {
  appId: string;
  appSecret: string;
}

/**
 * Checks appid/secret the way the token endpoints do: missing appid 41002, wrong appid 40013,
 * missing secret 41004. A wrong secret is 40125 ("invalid appsecret"), except on /cgi-bin/token where
 * a well-formed (32 hex digits) but wrong secret answers 40001 as docs/wechat.md §1.1 documents for
 * that endpoint; a malformed secret is 40125 there too.
 */
export function checkAppCredentials(
  app: AppCredentials,
  appid: unknown,
  secret: unknown,
  wrongSecretErrcode: 40001 | 40125,
): CredentialCheck {
  if (appid === undefined || appid === null || appid === '') return { ok: false, errcode: 41002 };
  if (appid !== app.appId) return { ok: false, errcode: 40013 };
  if (secret === undefined || secret === null || secret === '')
    return { ok: false, errcode: 41004 };
  if (secret === app.appSecret) return { ok: true };
  const wellFormed = typeof secret === 'string' && SECRET_SHAPE.test(secret);
  return { ok: false, errcode: wellFormed ? wrongSecretErrcode : 40125 };
}
