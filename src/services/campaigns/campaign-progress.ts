import type { MessageStatus } from '../messages/message-store.js';
import type { CampaignRecord } from './campaign-store.js';

export interface CampaignProgress {
  total: number;
  pending: number;
  sent: number;
  delivered: number;
  failed: number;
  skipped: number;
  unknown: number;
  cancelled: number;
}

/** Statuses a campaign message can still leave by itself. */
export const PENDING: readonly MessageStatus[] = ['SCHEDULED', 'HELD', 'QUEUED', 'SENDING'];

/**
 * The log's counts as progress: recipients without a message yet are pending, so the members
 * always add up to `total` (before the audience is fixed, total is what is known so far).
 */
export function campaignProgress(
  campaign: Pick<CampaignRecord, 'total' | 'fannedOut'>,
  counts: Partial<Record<MessageStatus, number>>,
): CampaignProgress {
  const n = (s: MessageStatus) => counts[s] ?? 0;
  const created = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const total = Math.max(campaign.total ?? campaign.fannedOut, created);
  const sent = n('SENT');
  const delivered = n('DELIVERED');
  const failed = n('FAILED') + n('DELIVERY_FAILED');
  const skipped = n('SKIPPED');
  const unknown = n('UNKNOWN');
  const cancelled = n('CANCELLED');
  return {
    total,
    pending: total - sent - delivered - failed - skipped - unknown - cancelled,
    sent,
    delivered,
    failed,
    skipped,
    unknown,
    cancelled,
  };
}
