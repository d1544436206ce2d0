/** What a due campaign message may do now: go, wait for a resume, or end as cancelled. */
export type CampaignVerdict = 'send' | 'hold' | 'cancel';

/** The processor's question to the campaigns: may this campaign's message go now? */
export interface CampaignGate {
  verdict(campaignId: string): Promise<CampaignVerdict>;
}
