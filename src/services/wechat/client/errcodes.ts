/**
 * The WeChat errcodes the gateway acts on, named once. Everything else is passed through as a
 * recorded outcome. Sources: docs/wechat.md §1–§2.
 */
export const WeChatErrcode = {
  SYSTEM_BUSY: -1,
  OK: 0,
  /** On a business API: token invalid or superseded. On /cgi-bin/token: a wrong AppSecret. */
  INVALID_CREDENTIAL: 40001,
  INVALID_GRANT_TYPE: 40002,
  INVALID_OPENID: 40003,
  INVALID_APPID: 40013,
  INVALID_ACCESS_TOKEN: 40014,
  INVALID_TEMPLATE_ID: 40037,
  INVALID_APPSECRET: 40125,
  IP_NOT_WHITELISTED: 40164,
  APPSECRET_FROZEN: 40243,
  ACCESS_TOKEN_MISSING: 41001,
  APPID_MISSING: 41002,
  APPSECRET_MISSING: 41004,
  INVALID_PAGE: 41030,
  ACCESS_TOKEN_EXPIRED: 42001,
  REQUIRE_POST: 43002,
  USER_REFUSED: 43101,
  SUBSCRIBE_BANNED: 43107,
  CONCURRENT_SEND_TO_USER: 43108,
  DAILY_QUOTA_EXCEEDED: 45009,
  MINUTE_QUOTA_EXCEEDED: 45011,
  KEYWORD_BLACKLISTED: 45168,
  DATA_FORMAT_ERROR: 47001,
  ARGUMENT_INVALID: 47003,
  API_UNAUTHORIZED: 48001,
  TOKEN_API_FORBIDDEN: 50004,
  ACCOUNT_FROZEN: 50007,
  RISKY_IP_CONFIRMATION_PENDING: 89501,
  RISKY_IP_NEEDS_CONFIRMATION: 89503,
  RISKY_IP_REJECTED_24H: 89506,
  RISKY_IP_REJECTED_1H: 89507,
} as const;

/** A business API saying our token is no good: refresh it and retry the call once. */
export const TOKEN_REJECTED_ERRCODES: ReadonlySet<number> = new Set([
  WeChatErrcode.INVALID_CREDENTIAL,
  WeChatErrcode.INVALID_ACCESS_TOKEN,
  WeChatErrcode.ACCESS_TOKEN_EXPIRED,
]);

/** Where the operator sets an app's credentials: what the hints below tell them to check. */
export interface CredentialSettings {
  /** The app's name, or null when the gateway serves one app from the single-app variables. */
  app: string | null;
  /** E.g. `WECHAT_APP_ID`, or `the appId of app "shop" in WECHAT_APPS_FILE`. */
  appId: string;
  appSecret: string;
}

export const SINGLE_APP_SETTINGS: CredentialSettings = {
  app: null,
  appId: 'WECHAT_APP_ID',
  appSecret: 'WECHAT_APP_SECRET',
};

/**
 * What an operator must do when the token endpoint refuses us. These are remembered for a short
 * while so that a wrong secret cannot burn the daily token quota in a retry storm.
 */
export function tokenEndpointCause(
  errcode: number,
  settings: CredentialSettings = SINGLE_APP_SETTINGS,
): string | undefined {
  return tokenEndpointCauses(settings).get(errcode);
}

const tokenEndpointCauses = ({
  appId,
  appSecret,
}: CredentialSettings): ReadonlyMap<number, string> =>
  new Map([
    [
      WeChatErrcode.INVALID_CREDENTIAL,
      `WeChat rejected the AppSecret (wrong secret, or one of another app): check ${appSecret}`,
    ],
    [WeChatErrcode.INVALID_GRANT_TYPE, 'WeChat rejected grant_type: this is a gateway bug'],
    [
      WeChatErrcode.INVALID_APPID,
      `WeChat rejected the AppID: check ${appId} for typos and letter case`,
    ],
    [WeChatErrcode.INVALID_APPSECRET, `WeChat rejected the AppSecret: check ${appSecret}`],
    [
      WeChatErrcode.IP_NOT_WHITELISTED,
      'this server’s IP is not in the mini-program’s API IP whitelist: add it in the WeChat admin console (开发管理 → 开发设置 → IP白名单)',
    ],
    [
      WeChatErrcode.APPSECRET_FROZEN,
      'the AppSecret is frozen by the admin: unfreeze or reset it in the WeChat admin console',
    ],
    [WeChatErrcode.APPID_MISSING, `the AppID is missing: set ${appId}`],
    [WeChatErrcode.APPSECRET_MISSING, `the AppSecret is missing: set ${appSecret}`],
    [WeChatErrcode.REQUIRE_POST, 'the token endpoint requires POST: this is a gateway bug'],
    [
      WeChatErrcode.DAILY_QUOTA_EXCEEDED,
      'the daily token quota is used up: wait until tomorrow or reset it with clear_quota',
    ],
    [
      WeChatErrcode.MINUTE_QUOTA_EXCEEDED,
      'the per-minute token quota is used up: retry next minute',
    ],
    [WeChatErrcode.TOKEN_API_FORBIDDEN, 'this account may not use the token API'],
    [WeChatErrcode.ACCOUNT_FROZEN, 'the mini-program account is frozen'],
    [
      WeChatErrcode.RISKY_IP_CONFIRMATION_PENDING,
      'an admin must still confirm this server’s IP in WeChat',
    ],
    [
      WeChatErrcode.RISKY_IP_NEEDS_CONFIRMATION,
      'WeChat asks an admin to confirm this server’s IP: check the admin’s WeChat for the confirmation message',
    ],
    [
      WeChatErrcode.RISKY_IP_REJECTED_24H,
      'an admin rejected this server’s IP twice: blocked for 24 hours',
    ],
    [WeChatErrcode.RISKY_IP_REJECTED_1H, 'an admin rejected this server’s IP: blocked for 1 hour'],
  ]);
