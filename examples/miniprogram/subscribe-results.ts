import type { SubscribeResultInput, SubscribeStatus } from '../generated/graphql.js';

/**
 * What `wx.requestSubscribeMessage` (or Taro's) hands to `success`: `errMsg` plus one entry per
 * requested template id. The official typings declare the values as plain strings, and WeChat
 * has added new ones over the years, so nothing here assumes a closed set.
 */
export interface SubscribePopupResult {
  readonly [templateId: string]: string | undefined;
}

function statusOf(choice: string): SubscribeStatus | null {
  // acceptWithAudio / acceptWithAlert / acceptWithForcePush (and whatever comes next) are all
  // grants with a reminder style attached: each still earns one send credit.
  if (choice.startsWith('accept')) return 'ACCEPT';
  if (choice === 'reject') return 'REJECT';
  if (choice === 'ban') return 'BAN';
  if (choice === 'filter') return 'FILTER';
  return null;
}

/**
 * The popup's answer as the gateway's `subscribe` input, one entry per requested template, in
 * request order. `errMsg` is not a template; ids the popup did not answer, and values nobody
 * documents (`fail` on other platforms), are left out rather than guessed at, so the ledger
 * only ever records a choice the user actually made.
 */
export function toSubscribeResults(
  result: SubscribePopupResult,
  tmplIds: readonly string[],
): SubscribeResultInput[] {
  const results: SubscribeResultInput[] = [];
  const seen = new Set<string>();
  for (const templateId of tmplIds) {
    if (templateId === 'errMsg' || seen.has(templateId)) continue;
    seen.add(templateId);
    const choice = result[templateId];
    const status = typeof choice === 'string' ? statusOf(choice) : null;
    if (status) results.push({ templateId, status });
  }
  return results;
}
