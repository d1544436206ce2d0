import { createHash } from 'node:crypto';

/**
 * A stable original id (原始ID, `gh_` + 12 hex digits) for a simulated mini program: WeChat puts
 * it in every push's ToUserName. Derived from the appid so one sandbox always shows the same one.
 */
export function sandboxOriginalId(appId: string): string {
  return `gh_${createHash('sha1').update(appId, 'utf8').digest('hex').slice(0, 12)}`;
}
