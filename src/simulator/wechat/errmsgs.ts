/**
 * errmsg texts, as WeChat writes them where docs/wechat.md or a
 * public log shows them. Codes whose text is undocumented (43107, 43108, the 2000xx family) carry
 * the Chinese description or a short English phrase; a ` rid: …` is always appended when replying.
 */
export const ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  404: 'Not Found',
  20001: 'system error',
  20002: 'invalid parameter',
  40001:
    'invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  40164: 'invalid ip, not in whitelist',
  40226: 'code blocked',
  40243: 'AppSecret已被冻结',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  41030: 'invalid page',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  43101: 'user refuse to accept the msg',
  43107: '订阅消息能力封禁',
  43108: '并发下发消息给同一个粉丝',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  45168: 'keyword in blacklist',
  47001: 'data format error',
  47003: 'argument invalid!',
  48001: 'api unauthorized',
  50004: '禁止使用 token 接口',
  50007: '账号已冻结',
  89501: '管理员尚未确认',
  89503: '此次调用需要管理员确认',
  89506: '管理员拒绝此IP调用，24小时内禁止调用',
  89507: '管理员拒绝此IP调用，1小时内禁止调用',
  200001: 'system error',
  200002: 'invalid parameter',
  200011: 'account is banned',
  200012: 'private template count reach limit',
  200013: 'template is banned',
  200014: 'invalid tid',
  200016: 'invalid start',
  200017: 'invalid limit',
  200018: 'missing ids',
  200019: 'invalid ids',
  200020: 'invalid kidList',
  200021: 'invalid sceneDesc',
  200022: 'template with the same title and keywords already exists',
  200100: 'invalid account type',
};

/** On /cgi-bin/token, 40001 means a wrong AppSecret and WeChat omits the getStableAccessToken hint. */
export const WRONG_SECRET_ERRMSG = 'invalid credential, access_token is invalid or not latest';

export function errmsgFor(errcode: number): string {
  return ERRMSG[errcode] ?? `simulated error ${errcode}`;
}
