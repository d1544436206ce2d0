import type { DistributedLock } from '../../shared/lock.js';
import type { Logger } from '../../shared/logger.js';
import type { DeliveryEngine } from '../delivery/delivery-engine.js';
import type { LedgerStore } from '../ledger/ledger-store.js';
import type { MessageStore } from '../messages/message-store.js';
import type { SendService } from '../sending/send-service.js';
import { defaultCampaignRate } from './campaign-request.js';
import { CampaignRunner } from './campaign-runner.js';
import { CampaignService } from './campaign-service.js';
import type { CampaignStore } from './campaign-store.js';

export interface StartCampaignsOptions {
  appId: string;
  store: CampaignStore;
  messages: MessageStore;
  ledger: LedgerStore;
  sending: Pick<SendService, 'prepare'>;
  engine: DeliveryEngine;
  lock: DistributedLock;
  logger: Logger;
  /** Drive campaigns in this process (GATEWAY_ROLE all or worker). */
  runWorkers: boolean;
  tickMs?: number;
  lockTtlMs?: number;
}

export interface Campaigns {
  service: CampaignService;
  runner: CampaignRunner | null;
  close(): Promise<void>;
}

/**
 * Campaigns of one app on top of its delivery engine. The engine's processor must have been
 * given a CampaignStatusGate over the same store, so that pauses and cancels reach queued sends.
 */
export function startCampaigns(options: StartCampaignsOptions): Campaigns {
  const logger = options.logger.child({ component: 'campaigns' });
  const service = new CampaignService({
    appId: options.appId,
    campaigns: options.store,
    messages: options.messages,
    sending: options.sending,
    engine: options.engine,
    defaultRate: defaultCampaignRate(options.engine.rateLimit),
    logger,
  });
  const runner = options.runWorkers
    ? new CampaignRunner({
        appId: options.appId,
        campaigns: options.store,
        messages: options.messages,
        ledger: options.ledger,
        engine: options.engine,
        lock: options.lock,
        logger,
        tickMs: options.tickMs,
        lockTtlMs: options.lockTtlMs,
      })
    : null;
  runner?.start();
  return { service, runner, close: async () => runner?.stop() };
}
