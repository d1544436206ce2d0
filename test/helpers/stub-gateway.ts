import type { Logger } from '../../src/shared/logger.js';
import { defaultTemplatesFile } from '../../src/simulator/default-templates-file.js';
import { startTestGateway, type StoreKind, type TestGateway } from './gateway.js';
import { startWeChatStub, type WeChatStub } from './wechat-stub.js';

export const STUB_ADMIN_KEY = 'admin-key-for-stub-gateway-0001';

export interface StubGateway {
  t: TestGateway;
  stub: WeChatStub;
  close(): Promise<void>;
}

/**
 * A live-mode gateway (real credentials path, API keys on) whose WeChat is the scriptable stub,
 * for tests that need WeChat to hang up, refuse tokens or issue tokens the test can recognise
 * (every stub token contains "stub-token-").
 */
export async function startStubGateway(
  options: {
    store?: StoreKind;
    env?: Record<string, string>;
    logger?: Logger;
    /** Load the demo templates (default true). */
    templates?: boolean;
  } = {},
): Promise<StubGateway> {
  const stub = await startWeChatStub();
  try {
    const t = await startTestGateway({
      store: options.store,
      logger: options.logger,
      env: {
        WECHAT_APP_ID: stub.appId,
        WECHAT_APP_SECRET: stub.appSecret,
        WECHAT_API_BASE: stub.url,
        GATEWAY_API_KEYS: `admin:${STUB_ADMIN_KEY}`,
        ...(options.templates === false ? {} : { TEMPLATES_FILE: defaultTemplatesFile() }),
        ...options.env,
      },
    });
    return {
      t,
      stub,
      async close() {
        await t.close();
        await stub.close();
      },
    };
  } catch (error) {
    await stub.close();
    throw error;
  }
}
