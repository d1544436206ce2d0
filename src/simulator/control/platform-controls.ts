import { jsonResponse, parseJsonObject, type SimResponse } from '../http/sim-http.js';
import type { SimulatorState } from '../state/simulator-state.js';
import type { TokenMode } from '../tokens/token-authority.js';
import { badRequest, type ControlRoute } from './control-route.js';

const MAX_INJECTION_TIMES = 10_000;
const QUOTA_FIELDS = ['perMinute', 'perDay', 'usedToday'];

/** The quota change a control body asks for, or what is wrong with it. */
function readQuotaChange(
  body: Record<string, unknown>,
): { perMinute?: number | null; perDay?: number | null; usedToday?: number } | string {
  const unknown = Object.keys(body).filter((key) => !QUOTA_FIELDS.includes(key));
  if (unknown.length > 0) {
    return `unknown field ${unknown.join(', ')}; the fields are ${QUOTA_FIELDS.join(', ')}`;
  }
  const problems: string[] = [];
  const change: { perMinute?: number | null; perDay?: number | null; usedToday?: number } = {};
  for (const field of ['perMinute', 'perDay'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (value === null || (Number.isSafeInteger(value) && (value as number) > 0)) {
      change[field] = value as number | null;
    } else
      problems.push(`${field} must be a positive integer or null, got ${JSON.stringify(value)}`);
  }
  const { usedToday } = body;
  if (usedToday !== undefined) {
    if (Number.isSafeInteger(usedToday) && (usedToday as number) >= 0) {
      change.usedToday = usedToday as number;
    } else problems.push(`usedToday must be an integer >= 0, got ${JSON.stringify(usedToday)}`);
  }
  return problems.length > 0 ? problems.join('; ') : change;
}

/** The send API, the path a hang-up applies to unless another is named. */
const SEND_PATH = '/cgi-bin/message/subscribe/send';

/** The WeChat path and the number of calls an injected error or a hang-up applies to. */
function readQueueTarget(
  body: Record<string, unknown>,
  wechatPaths: readonly string[],
): { ok: true; path: string; times: number } | { ok: false; refusal: SimResponse } {
  const { path, times = 1 } = body;
  if (typeof path !== 'string' || !wechatPaths.includes(path)) {
    return {
      ok: false,
      refusal: badRequest(`path ${JSON.stringify(path ?? null)} is not a simulated WeChat API`, {
        paths: wechatPaths,
      }),
    };
  }
  if (
    typeof times !== 'number' ||
    !Number.isSafeInteger(times) ||
    times < 1 ||
    times > MAX_INJECTION_TIMES
  ) {
    return {
      ok: false,
      refusal: badRequest(
        `times must be an integer from 1 to ${MAX_INJECTION_TIMES}, got ${JSON.stringify(times)}`,
      ),
    };
  }
  return { ok: true, path, times };
}

/** What WeChat itself does or suffers: injected errors, hang-ups, token events, counters, reset. */
export function platformControls(deps: {
  state: SimulatorState;
  /** The WeChat API paths errors may be injected into. */
  wechatPaths: readonly string[];
}): ControlRoute[] {
  const { state, wechatPaths } = deps;
  return [
    {
      method: 'POST',
      path: '/__sim/errors',
      summary:
        'the next `times` calls of a WeChat path answer this errcode, before any other check (queued per path, oldest first)',
      input:
        '{ path: "/cgi-bin/message/subscribe/send" | …, errcode: number (not 0), errmsg?: string, times?: number (default 1) }',
      handle({ body }) {
        const parsed = parseJsonObject(body);
        if (!parsed.ok) return badRequest(parsed.reason);
        const { errcode, errmsg } = parsed.value;
        const target = readQueueTarget(parsed.value, wechatPaths);
        if (!target.ok) return target.refusal;
        const { path, times } = target;
        if (typeof errcode !== 'number' || !Number.isSafeInteger(errcode) || errcode === 0) {
          return badRequest(
            `errcode must be a non-zero integer, got ${JSON.stringify(errcode ?? null)}`,
          );
        }
        if (errmsg !== undefined && typeof errmsg !== 'string') {
          return badRequest(`errmsg must be a string, got ${JSON.stringify(errmsg)}`);
        }
        state.injections.add({
          path,
          errcode,
          remaining: times,
          ...(errmsg === undefined ? {} : { errmsg }),
        });
        return jsonResponse({ queued: state.injections.list() });
      },
    },
    {
      method: 'GET',
      path: '/__sim/errors',
      summary: 'the injected errors still queued',
      handle: () => jsonResponse({ queued: state.injections.list() }),
    },
    {
      method: 'POST',
      path: '/__sim/hangups',
      summary:
        'the next `times` calls of a WeChat path are carried out (a send is delivered and its event pushed) but never answered: the connection is cut, as when the reply is lost',
      input:
        '{ path?: "/cgi-bin/message/subscribe/send" (default) | …, times?: number (default 1) }',
      handle({ body }) {
        const parsed = parseJsonObject(body);
        if (!parsed.ok) return badRequest(parsed.reason);
        const target = readQueueTarget({ path: SEND_PATH, ...parsed.value }, wechatPaths);
        if (!target.ok) return target.refusal;
        state.hangUps.add({ path: target.path, remaining: target.times });
        return jsonResponse({ queued: state.hangUps.list() });
      },
    },
    {
      method: 'GET',
      path: '/__sim/hangups',
      summary: 'the hang-ups still queued',
      handle: () => jsonResponse({ queued: state.hangUps.list() }),
    },
    {
      method: 'POST',
      path: '/__sim/tokens/expire',
      summary:
        'every live access token (classic and stable) expires now: business APIs answer 42001',
      handle: () => jsonResponse({ expired: state.tokens.expireAll() }),
    },
    {
      method: 'POST',
      path: '/__sim/tokens/rotate',
      summary:
        'someone else fetched a token: a new one is issued and every older token of that mode answers 40001 at once (no grace)',
      input: '{ mode?: "classic" | "stable" }  (default classic; the body may be empty)',
      handle({ body }) {
        let mode: unknown = 'classic';
        if (body.trim() !== '') {
          const parsed = parseJsonObject(body);
          if (!parsed.ok) return badRequest(parsed.reason);
          mode = parsed.value.mode ?? 'classic';
        }
        if (mode !== 'classic' && mode !== 'stable') {
          return badRequest(`mode must be "classic" or "stable", got ${JSON.stringify(mode)}`);
        }
        const { token, invalidated } = state.tokens.rotate(mode as TokenMode);
        return jsonResponse({ mode, ...token, invalidated });
      },
    },
    {
      method: 'GET',
      path: '/__sim/quota',
      summary:
        "the app's subscribe/send quotas (null: no limit), what is used and when each resets",
      handle: () => jsonResponse(state.sendQuota.snapshot()),
    },
    {
      method: 'POST',
      path: '/__sim/quota',
      summary:
        'sets the subscribe/send quotas: beyond perMinute calls in a calendar minute sends answer 45011, beyond perDay calls in a day (ending 00:00 Asia/Shanghai) 45009; usedToday fakes the calls already made today',
      input:
        '{ perMinute?: number | null, perDay?: number | null, usedToday?: number }  (null: no limit; an absent field stays)',
      handle({ body }) {
        const parsed = parseJsonObject(body);
        if (!parsed.ok) return badRequest(parsed.reason);
        const change = readQuotaChange(parsed.value);
        if (typeof change === 'string') return badRequest(change);
        state.sendQuota.configure(change);
        return jsonResponse(state.sendQuota.snapshot());
      },
    },
    {
      method: 'GET',
      path: '/__sim/counters',
      summary:
        'calls per WeChat path, replies per path and errcode, tokens issued per mode, sends ok/failed per errcode',
      handle: () =>
        jsonResponse({
          ...state.counters.snapshot(state.tokens.issuedCounts),
          forceRefreshesToday: state.tokens.forceRefreshesToday,
        }),
    },
    {
      method: 'POST',
      path: '/__sim/reset',
      summary:
        'back to the starting state: no tokens, credits, messages, login codes, injected errors, hang-ups or counts; the starting template library and quotas',
      handle() {
        state.reset();
        return jsonResponse({ ok: true });
      },
    },
  ];
}
