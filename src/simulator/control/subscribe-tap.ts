import type { SimTemplate } from '../templates/sim-template.js';
import { jsonResponse, parseJsonObject, type SimResponse } from '../http/sim-http.js';
import type { SubscriptionLedger } from '../messages/subscription-ledger.js';
import type { PrivateLibrary } from '../templates/private-library.js';
import { openIdProblem } from '../users/openids.js';
import { badRequest } from './control-route.js';

/** The per-template results wx.requestSubscribeMessage reports (docs/wechat.md §5.2). */
export const SUBSCRIBE_STATUSES: readonly string[] = [
  'accept',
  'reject',
  'ban',
  'filter',
  'acceptWithAudio',
  'acceptWithAlert',
  'acceptWithForcePush',
];

/** tmplIds per call: 5 in the current typings (3 on older base libraries), docs/wechat.md §5.1. */
export const MAX_TEMPLATES_PER_TAP = 5;

export interface PopupEvent {
  openid: string;
  /** Unix seconds. */
  createTime: number;
  /** What the user chose (accept* or reject); `ban`/`filter` never reach the user, so never here. */
  items: { templateId: string; status: string }[];
}

export type TapOutcome =
  | { ok: true; response: SimResponse; event: PopupEvent | null }
  | { ok: false; response: SimResponse };

type Requested = { key: string; status: string }[];

/** The client's own fail result, as wx.requestSubscribeMessage would report it (docs/wechat.md §5.3). */
function clientFail(errCode: number, errMsg: string, message: string, details = {}): TapOutcome {
  return {
    ok: false,
    response: badRequest(message, {
      errCode,
      errMsg: `requestSubscribeMessage:fail ${errMsg}`,
      ...details,
    }),
  };
}

function fail(message: string, details = {}): TapOutcome {
  return { ok: false, response: badRequest(message, details) };
}

function readRequested(body: Record<string, unknown>): Requested | string {
  const { results, templateIds } = body;
  if (results !== undefined && templateIds !== undefined) {
    return 'give either "results" or "templateIds", not both';
  }
  if (templateIds !== undefined) {
    if (!Array.isArray(templateIds) || !templateIds.every((id) => typeof id === 'string')) {
      return '"templateIds" must be an array of template ids or names';
    }
    return templateIds.map((key: string) => ({ key, status: 'accept' }));
  }
  if (typeof results !== 'object' || results === null || Array.isArray(results)) {
    return 'give "results": { <templateIdOrName>: "accept" | "reject" | … } or "templateIds": [...]';
  }
  const requested = Object.entries(results).map(([key, status]) => ({
    key,
    status: status as string,
  }));
  const bad = requested.filter(
    ({ status }) => typeof status !== 'string' || !SUBSCRIBE_STATUSES.includes(status),
  );
  if (bad.length > 0) {
    const named = bad.map(({ key, status }) => `${key}: ${JSON.stringify(status)}`).join(', ');
    return `unknown subscribe status (${named}); allowed: ${SUBSCRIBE_STATUSES.join(', ')}`;
  }
  return requested;
}

/**
 * `POST /__sim/subscribe`: the user taps the subscribe popup. Validated like the client does
 * (empty 10001, more than 5 ids 20003, unknown ids 20001, one-time and long-term mixed 20002) and
 * applied per docs/wechat.md §5.4: each accept* adds a one-time credit or turns a long-term template on;
 * reject grants nothing (and turns a long-term template off); ban grants nothing. A template whose
 * title already appeared in the same tap is reported `filter` and changes nothing, as WeChat filters
 * same-title templates.
 */
export function subscribeTap(
  body: string,
  deps: { library: PrivateLibrary; ledger: SubscriptionLedger; createTime: number },
): TapOutcome {
  const parsed = parseJsonObject(body);
  if (!parsed.ok) return fail(parsed.reason);
  const { openid } = parsed.value;
  const openidProblem = openIdProblem(openid);
  if (openidProblem) return fail(openidProblem);
  const requested = readRequested(parsed.value);
  if (typeof requested === 'string') return fail(requested);
  if (requested.length === 0)
    return clientFail(10001, "TmplIds can't be empty", 'no template ids given');
  if (requested.length > MAX_TEMPLATES_PER_TAP) {
    return clientFail(
      20003,
      'Templates count out of max bounds',
      `${requested.length} templates requested; at most ${MAX_TEMPLATES_PER_TAP} per tap`,
    );
  }
  const unknown = requested
    .filter(({ key }) => !deps.library.byIdOrName(key))
    .map(({ key }) => key);
  if (unknown.length > 0) {
    return clientFail(
      20001,
      'No template data return, verify the template id exist',
      `unknown template id or name: ${unknown.join(', ')}`,
      { unknown },
    );
  }
  const chosen = requested.map(({ key, status }) => ({
    template: deps.library.byIdOrName(key)!,
    status,
  }));
  const repeated = chosen.filter(
    ({ template }, i) => chosen.findIndex((c) => c.template === template) !== i,
  );
  if (repeated.length > 0) {
    return fail(
      `template requested twice: ${repeated.map(({ template }) => template.id).join(', ')}`,
    );
  }
  if (new Set(chosen.map(({ template }) => template.type)).size > 1) {
    const kinds = chosen.map(({ template }) => `${template.name} ${template.type}`).join(', ');
    return clientFail(
      20002,
      'Templates type must be same',
      `one-time and long-term templates mixed (${kinds})`,
    );
  }
  return apply(String(openid), chosen, deps);
}

function apply(
  openid: string,
  chosen: { template: SimTemplate; status: string }[],
  deps: { ledger: SubscriptionLedger; createTime: number },
): TapOutcome {
  const result: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
  const items: PopupEvent['items'] = [];
  const titles = new Set<string>();
  for (const { template, status } of chosen) {
    const final = titles.has(template.title) ? 'filter' : status;
    titles.add(template.title);
    if (final.startsWith('accept')) deps.ledger.accept(openid, template);
    if (final === 'reject') deps.ledger.reject(openid, template);
    if (final.startsWith('accept') || final === 'reject')
      items.push({ templateId: template.id, status: final });
    result[template.id] = final;
  }
  const event = items.length > 0 ? { openid, createTime: deps.createTime, items } : null;
  return { ok: true, response: jsonResponse(result), event };
}
