import type { SimTemplate } from '../templates/sim-template.js';
import { unixSeconds, type Clock } from '../common/clock.js';
import { htmlResponse, prefersJson } from '../http/negotiate.js';
import { jsonResponse, parseJsonObject } from '../http/sim-http.js';
import { renderInboxPage } from '../messages/inbox-page.js';
import type { Logger } from '../../shared/logger.js';
import type { SimulatorState } from '../state/simulator-state.js';
import { USER_LABEL_PATTERN } from '../users/login-codes.js';
import { openIdProblem } from '../users/openids.js';
import { badRequest, type ControlRoute } from './control-route.js';
import { subscribeTap, type PopupEvent } from './subscribe-tap.js';

export type ChangeEvent = PopupEvent;

export interface UserControlDeps {
  appId: string;
  state: SimulatorState;
  now: Clock;
  logger: Logger;
  onPopup?: (event: PopupEvent) => void | Promise<void>;
  onChange?: (event: ChangeEvent) => void | Promise<void>;
}

/** Runs a push hook; a failing hook is logged and never breaks the simulated user action. */
async function runHook<E>(
  logger: Logger,
  name: string,
  hook: ((event: E) => void | Promise<void>) | undefined,
  event: E,
): Promise<void> {
  if (!hook) return;
  try {
    await hook(event);
  } catch (error) {
    logger.warn({ err: error, hook: name }, 'simulator push hook failed');
  }
}

function creditsView(state: SimulatorState, openid: string) {
  return {
    openid,
    templates: state.library.all().map((template: SimTemplate) => ({
      templateId: template.id,
      name: template.name,
      title: template.title,
      type: template.type,
      ...(template.type === 'ONE_TIME'
        ? { credits: state.ledger.credits(openid, template.id) }
        : { accepted: state.ledger.isLongTermAccepted(openid, template.id) }),
    })),
  };
}

/** What simulated users do (log in, tap the popup, turn a template off) and what they have. */
export function userControls(deps: UserControlDeps): ControlRoute[] {
  const { state, now, logger } = deps;
  return [
    {
      method: 'POST',
      path: '/__sim/subscribe',
      summary:
        'the user taps the subscribe popup: accept* adds a one-time credit (credits accumulate) or turns a long-term template on; answers exactly like wx.requestSubscribeMessage, after onPopup has run',
      input:
        '{ openid, results: { [templateIdOrName]: "accept"|"reject"|"ban"|"filter"|"acceptWithAudio"|"acceptWithAlert"|"acceptWithForcePush" } } or { openid, templateIds: [...] } (all accept); at most 5, one type',
      async handle({ body }) {
        const outcome = subscribeTap(body, {
          library: state.library,
          ledger: state.ledger,
          createTime: unixSeconds(now()),
        });
        // The tap completes once WeChat has pushed the popup event, so sandbox flows are deterministic.
        if (outcome.ok && outcome.event)
          await runHook(logger, 'onPopup', deps.onPopup, outcome.event);
        return outcome.response;
      },
    },
    {
      method: 'POST',
      path: '/__sim/unsubscribe',
      summary:
        'the user turns a template off in settings: one-time credits drop to 0, long-term off; onChange gets a reject',
      input: '{ openid, templateId }  (templateId may be the template name)',
      async handle({ body }) {
        const parsed = parseJsonObject(body);
        if (!parsed.ok) return badRequest(parsed.reason);
        const { openid, templateId } = parsed.value;
        const problem = openIdProblem(openid);
        if (problem) return badRequest(problem);
        const template =
          typeof templateId === 'string' ? state.library.byIdOrName(templateId) : undefined;
        if (!template) {
          return badRequest(`unknown template id or name: ${JSON.stringify(templateId ?? null)}`);
        }
        state.ledger.turnOff(openid as string, template.id);
        await runHook(logger, 'onChange', deps.onChange, {
          openid: openid as string,
          createTime: unixSeconds(now()),
          items: [{ templateId: template.id, status: 'reject' }],
        });
        return jsonResponse(creditsView(state, openid as string));
      },
    },
    {
      method: 'POST',
      path: '/__sim/login',
      summary:
        "wx.login on the user's phone: a fresh js_code for /sns/jscode2session (5 minutes, single use) and the openid it will give",
      input:
        '{ user: "demo-user-1" }  (letters, digits, "_" and "-"; the same user always gets the same openid)',
      handle({ body }) {
        const parsed = parseJsonObject(body);
        if (!parsed.ok) return badRequest(parsed.reason);
        const { user } = parsed.value;
        if (typeof user !== 'string' || !USER_LABEL_PATTERN.test(user)) {
          return badRequest(
            `user must be 1-40 letters, digits, "_" or "-", got ${JSON.stringify(user ?? null)}`,
          );
        }
        return jsonResponse(state.loginCodes.mint(user));
      },
    },
    {
      method: 'GET',
      path: '/__sim/credits',
      summary:
        'what each user may receive: credits per one-time template, accepted per long-term template',
      input: '?openid=  (omit for every user with a record)',
      handle({ query }) {
        const openid = query.get('openid');
        if (openid === null) {
          return jsonResponse({ users: state.ledger.users().map((id) => creditsView(state, id)) });
        }
        const problem = openIdProblem(openid);
        return problem ? badRequest(problem) : jsonResponse(creditsView(state, openid));
      },
    },
    {
      method: 'GET',
      path: '/__sim/inbox',
      summary:
        'delivered messages as the user sees them, newest first: an HTML page laid out like the phone, or with Accept: application/json { messages: [{ title, lines: ["label: value"], … }] }',
      input: '?openid=  (omit for every user)',
      handle({ query, accept }) {
        const openid = query.get('openid') ?? undefined;
        const problem = openid === undefined ? null : openIdProblem(openid);
        if (prefersJson(accept)) {
          return problem
            ? badRequest(problem)
            : jsonResponse({ messages: state.inbox.list(openid) });
        }
        const everyone = state.inbox.delivered();
        const page = renderInboxPage({
          appId: deps.appId,
          messages: problem ? [] : state.inbox.delivered(openid),
          openids: [...new Set(everyone.map((message) => message.openid))],
          ...(openid === undefined ? {} : { openid }),
          ...(problem ? { problem } : {}),
        });
        return htmlResponse(page, problem ? 400 : 200);
      },
    },
  ];
}
