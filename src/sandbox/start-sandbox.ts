import { templatesFileSetting, type AppConfig, type Config } from '../config.js';
import { loadConfiguredTemplatesFile } from '../services/templates/index.js';
import { projectFile } from '../shared/project-file.js';
import type { Logger } from '../shared/logger.js';
import {
  createSimulator,
  DEMO_APP_ID,
  DEMO_APP_SECRET,
  type Simulator,
} from '../simulator/index.js';
import { PushSender } from '../simulator/push/index.js';

export type { Simulator };

/** One demo app's stand-in for WeChat. */
export interface SandboxApp {
  simulator: { url: string; instance: Simulator };
  /** What the gateway uses in place of the app's id, secret and WECHAT_API_BASE. */
  wechat: { appId: string; appSecret: string; apiBase: string };
  /** The app's templates: its TEMPLATES_FILE, else its demo templates. */
  templatesFile: string;
}

export interface Sandbox {
  apps: ReadonlyMap<string, SandboxApp>;
  /**
   * Points the simulators' event pushes at the gateway, once its URL is known; the returned
   * function stops them (pending retries included) and must run before the gateway closes.
   */
  connectPush(gatewayUrl: string): () => Promise<void>;
  close(): Promise<void>;
}

/** Demo credentials and templates per demo app, in SANDBOX_APP_NAMES order. */
const DEMO_APPS = [
  { appId: DEMO_APP_ID, appSecret: DEMO_APP_SECRET, templates: 'demo.json' },
  {
    appId: 'wxsandbox000000002',
    appSecret: '5ad8b0c5ec2e7000000000000000cafe',
    templates: 'demo-clinic.json',
  },
];

/** Listens on `port` (0: a free one); a taken port is an error naming SANDBOX_SIMULATOR_PORT. */
async function listenOn(simulator: Simulator, port: number): Promise<string> {
  try {
    return await simulator.listen(port, '127.0.0.1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(
      `SANDBOX_SIMULATOR_PORT: port ${port} is in use on 127.0.0.1: pick another port, or unset it for free ones`,
      { cause: error },
    );
  }
}

/**
 * Sandbox mode: an embedded WeChat simulator per demo app, on loopback ports, stands in for
 * WeChat, reached through the same client code as production; each serves its app's own
 * templates. With the push endpoint on, each simulator pushes every tap, send and unsubscribe to
 * its app's push path for real (signed; safe mode when WECHAT_PUSH_AES_KEY is set; XML, WeChat's
 * default format), so the playground shows the loop.
 */
export async function startSandbox(config: Config, logger: Logger): Promise<Sandbox> {
  const started: { app: AppConfig; sandboxApp: SandboxApp; sender: PushSender | null }[] = [];
  const closeAll = () => Promise.all(started.map((s) => s.sandboxApp.simulator.instance.close()));
  try {
    for (const [index, app] of config.apps.entries()) {
      const demo = DEMO_APPS[index];
      if (!demo) throw new Error(`the sandbox has ${DEMO_APPS.length} demo apps, not ${index + 1}`);
      const { appId } = demo;
      // The operator's file is checked as the gateway's templates first, so its mistakes are
      // reported as TEMPLATES_FILE's, not as the simulator's that happens to read it first.
      if (app.templatesFile !== null)
        await loadConfiguredTemplatesFile(app.templatesFile, templatesFileSetting(app));
      const templatesFile = app.templatesFile ?? projectFile('templates', demo.templates);
      const sender = app.push
        ? new PushSender({
            token: app.push.token,
            aesKey: app.push.aesKey,
            appId,
            format: 'xml',
            logger: logger.child({ component: 'sandbox-push', app: app.name }),
          })
        : null;
      const instance = createSimulator({
        appId,
        appSecret: demo.appSecret,
        templatesFile,
        logger: logger.child({ component: 'simulator', app: app.name }),
        ...sender?.hooks(),
      });
      const pinned = config.sandboxSimulatorPort;
      const url = await listenOn(instance, pinned === 0 ? 0 : pinned + index);
      started.push({
        app,
        sender,
        sandboxApp: {
          simulator: { url, instance },
          wechat: { appId: instance.appId, appSecret: instance.appSecret, apiBase: url },
          templatesFile,
        },
      });
    }
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    apps: new Map(started.map((s) => [s.app.name, s.sandboxApp])),
    connectPush(gatewayUrl) {
      for (const { app, sender } of started) {
        if (sender && app.push) sender.setTarget(`${gatewayUrl}${app.push.path}`);
      }
      return async () => {
        await Promise.all(started.map(({ sender }) => sender?.close()));
      };
    },
    close: async () => {
      await closeAll();
    },
  };
}
