import type { CampaignGate, CampaignVerdict } from '../delivery/campaign-gate.js';
import type { CampaignStore } from './campaign-store.js';

/**
 * Reads the campaign's status for each of its due messages. Only "send" is cached (briefly, so a
 * fast campaign does not add a read per send; a pause takes effect within `ttlMs`): a hold read
 * from the cache after a resume would park a message for nothing.
 */
export class CampaignStatusGate implements CampaignGate {
  private readonly cache = new Map<string, { verdict: CampaignVerdict; until: number }>();

  constructor(
    private readonly campaigns: Pick<CampaignStore, 'get'>,
    private readonly ttlMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  async verdict(campaignId: string): Promise<CampaignVerdict> {
    const cached = this.cache.get(campaignId);
    if (cached && cached.until > this.now()) return cached.verdict;
    const campaign = await this.campaigns.get(campaignId);
    const status = campaign?.status;
    const verdict: CampaignVerdict =
      status === 'PAUSED' || status === 'PAUSED_QUOTA'
        ? 'hold'
        : status === 'CANCELLED'
          ? 'cancel'
          : 'send';
    if (this.cache.size > 1000) this.cache.clear();
    if (verdict === 'send') this.cache.set(campaignId, { verdict, until: this.now() + this.ttlMs });
    else this.cache.delete(campaignId);
    return verdict;
  }
}
