import type { Logger } from '../../shared/logger.js';
import type { DeliveryEngine } from '../delivery/delivery-engine.js';
import type { MessageStore } from '../messages/message-store.js';
import type { CampaignRecord } from './campaign-store.js';

/**
 * Runs every QUEUED message of the campaign again at `at`: while it was paused its jobs found the
 * pause and went back to wait for a while (the message stayed QUEUED).
 */
export async function requeueHeldMessages(
  deps: { messages: MessageStore; engine: DeliveryEngine; logger: Logger },
  campaign: Pick<CampaignRecord, 'id' | 'appId'>,
  at: Date,
): Promise<number> {
  let after: string | null = null;
  let count = 0;
  for (;;) {
    const page = await deps.messages.list(
      campaign.appId,
      { campaignId: campaign.id, status: 'QUEUED' },
      { first: 100, after },
    );
    await Promise.all(
      page.items.map((m) =>
        deps.engine
          .enqueue(m.id, at, { priority: 'bulk' })
          .catch((error: unknown) =>
            deps.logger.warn(
              { err: error, messageId: m.id },
              'could not requeue a campaign message; the sweeper will',
            ),
          ),
      ),
    );
    count += page.items.length;
    if (!page.hasNextPage) return count;
    after = page.endCursor;
  }
}
