import type { Config } from '../config.js';
import type { Logger } from '../shared/logger.js';
import { createSimulator, DEMO_APP_ID, type Simulator } from '../simulator/index.js';
import { PushSender } from '../simulator/push/index.js';
import { defaultTemplatesFile } from '../simulator/default-templates-file.js';

export type { Simulator };

export interface Sandbox {
  simulator: { url: string; instance: Simulator };
  /** What the gateway uses in place of WECHAT_APP_ID, WECHAT_APP_SECRET and WECHAT_API_BASE. */
  wechat: { appId: string; appSecret: string; apiBase: string };
  /** The demo templates, used when TEMPLATES_FILE is not set. */
  templatesFile: string;
  /**
   * Points the simulator's event pushes at the gateway, once its URL is known; the returned
   * function stops them (pending retries included) and must run before the gateway closes.
   */
  connectPush(gatewayUrl: string): () => Promise<void>;
  close(): Promise<void>;
}

/**
 * Sandbox mode: the embedded WeChat simulator on a loopback port stands in for WeChat, reached
 * through the same client code as production. With the push endpoint on, the simulator pushes
 * every tap, send and unsubscribe to the gateway for real (signed; safe mode when
 * WECHAT_PUSH_AES_KEY is set; XML, WeChat's default format), so the playground shows the loop.
 */
export async function startSandbox(config: Config, logger: Logger): Promise<Sandbox> {
  const push = config.push;
  const sender = push
    ? new PushSender({
        token: push.token,
        aesKey: push.aesKey,
        appId: DEMO_APP_ID,
        format: 'xml',
        logger: logger.child({ component: 'sandbox-push' }),
      })
    : null;
  const instance = createSimulator({
    appId: DEMO_APP_ID,
    logger: logger.child({ component: 'simulator' }),
    ...sender?.hooks(),
  });
  const url = await instance.listen(0, '127.0.0.1');
  return {
    simulator: { url, instance },
    wechat: { appId: instance.appId, appSecret: instance.appSecret, apiBase: url },
    templatesFile: defaultTemplatesFile(),
    connectPush(gatewayUrl) {
      if (!sender || !push) return async () => undefined;
      sender.setTarget(`${gatewayUrl}${push.path}`);
      return () => sender.close();
    },
    close: () => instance.close(),
  };
}
