import { silentLogger } from '../shared/logger.js';
import { ControlDispatcher, CONTROL_PREFIX } from './control/control-dispatch.js';
import { platformControls } from './control/platform-controls.js';
import { userControls } from './control/user-controls.js';
import { WeChatReplies } from './wechat/replies.js';
import { defaultTemplatesFile } from './default-templates-file.js';
import { SimHttpServer } from './http/node-server.js';
import type { SimRequest, SimResponse } from './http/sim-http.js';
import { pagePath } from './messages/send-request.js';
import { sendRoute } from './messages/send-route.js';
import { resolveOptions, type SimulatorOptions } from './options.js';
import { SimulatorState } from './state/simulator-state.js';
import { loadSimTemplatesFile } from './templates/read-templates.js';
import { newtmplReadRoutes } from './templates/newtmpl-read-routes.js';
import { newtmplWriteRoutes } from './templates/newtmpl-write-routes.js';
import { classicTokenRoute, stableTokenRoute } from './tokens/token-routes.js';
import { loginRoute } from './users/login-route.js';
import { FOREIGN_OPENIDS, OPENID_PATTERN } from './users/openids.js';
import { WeChatDispatcher } from './wechat/dispatch.js';

export interface Simulator {
  /** Starts serving (after the template library has loaded); resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops serving and waits for after-reply hooks (onSent) still running. */
  close(): Promise<void>;
  /** Resolves once every after-reply hook started so far has finished. */
  whenIdle(): Promise<void>;
  /** Resolves once the template library is loaded (rejects, naming the file, if it cannot be). */
  readonly ready: Promise<void>;
  readonly appId: string;
  readonly appSecret: string;
  /** For tests: everything the simulated WeChat remembers. */
  readonly state: SimulatorState;
  /** The control endpoints with their summaries, as `GET /__sim/` lists them. */
  readonly controlEndpoints: { method: string; path: string; summary: string; input?: string }[];
}

/**
 * An embedded WeChat API simulator: the token, subscribe-send, newtmpl and jscode2session
 * endpoints with WeChat's paths, shapes and errcodes (docs/wechat.md), plus a
 * control surface under /__sim/ for people and tests (`GET /__sim/` lists it).
 */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const resolved = resolveOptions(options);
  const { now, appId, appSecret } = resolved;
  const logger = options.logger ?? silentLogger;
  const state = new SimulatorState(now, appId, resolved.tokenExpiresInSeconds, resolved.sendQuota);
  const replies = new WeChatReplies(now);
  const app = { appId, appSecret };
  const releasedPages = new Set(resolved.pages.map(pagePath));

  const ready = options.templates
    ? Promise.resolve(state.setTemplates(options.templates))
    : loadSimTemplatesFile(options.templatesFile ?? defaultTemplatesFile()).then((templates) =>
        state.setTemplates(templates),
      );
  // Surfaced by listen()/ready; without this a bad file would also crash as an unhandled rejection.
  ready.catch(() => undefined);

  const newtmplDeps = {
    tokens: state.tokens,
    replies,
    library: state.library,
    publicLibrary: () => state.publicLibrary,
  };
  const wechat = new WeChatDispatcher(
    [
      classicTokenRoute({ app, tokens: state.tokens, replies }),
      stableTokenRoute({ app, tokens: state.tokens, replies }),
      sendRoute({
        now,
        tokens: state.tokens,
        replies,
        library: state.library,
        releasedPages,
        ledger: state.ledger,
        inFlight: state.inFlight,
        msgIds: state.msgIds,
        inbox: state.inbox,
        quota: state.sendQuota,
        sendLatencyMs: resolved.sendLatencyMs,
        ...(options.onSent ? { onSent: options.onSent } : {}),
      }),
      ...newtmplReadRoutes(newtmplDeps),
      ...newtmplWriteRoutes(newtmplDeps),
      loginRoute({ app, codes: state.loginCodes, replies }),
    ],
    state.injections,
    state.counters,
    replies,
    state.hangUps,
  );
  const control = new ControlDispatcher(
    [
      ...userControls({
        appId,
        state,
        now,
        logger,
        ...(options.onPopup ? { onPopup: options.onPopup } : {}),
        ...(options.onChange ? { onChange: options.onChange } : {}),
      }),
      ...platformControls({ state, wechatPaths: wechat.paths }),
    ],
    () => ({
      appId,
      pages: resolved.pages,
      openidRule: `${OPENID_PATTERN.source} (except the foreign openids, which answer 40003)`,
      foreignOpenIds: FOREIGN_OPENIDS,
      wechatApi: wechat.routeList.map(({ method, path }) => ({ method, path })),
    }),
  );

  async function handle(request: SimRequest): Promise<SimResponse> {
    await ready;
    const response = await (control.handles(request.path)
      ? control.handle(request)
      : wechat.handle(request));
    logger.debug(
      {
        method: request.method,
        path: request.path,
        status: response.status,
        errcode: response.errcode,
      },
      'simulator request',
    );
    return response;
  }

  const server = new SimHttpServer(handle, logger);
  return {
    async listen(port = 0, host = '127.0.0.1') {
      await ready;
      return server.listen(port, host);
    },
    close: () => server.close(),
    whenIdle: () => server.idle(),
    ready,
    appId,
    appSecret,
    state,
    controlEndpoints: control.catalogue,
  };
}

export { CONTROL_PREFIX };
