import { BadUserInputError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { Page, PageRequest } from '../../shared/page.js';
import type { DeliveryEngine } from '../delivery/delivery-engine.js';
import { newMessageId, type MessageStore } from '../messages/message-store.js';
import type { SendService } from '../sending/send-service.js';
import { campaignProgress, type CampaignProgress } from './campaign-progress.js';
import { acceptCampaign, type CampaignRequest } from './campaign-request.js';
import {
  CAMPAIGN_STATUSES,
  DuplicateCampaignKeyError,
  isCampaignId,
  type CampaignRecord,
  type CampaignStatus,
  type CampaignStore,
} from './campaign-store.js';
import { requeueHeldMessages } from './requeue-held.js';

export interface CampaignServiceDeps {
  appId: string;
  campaigns: CampaignStore;
  messages: MessageStore;
  sending: Pick<SendService, 'prepare'>;
  engine: DeliveryEngine;
  /** ratePerSecond when the request gives none. */
  defaultRate: number;
  logger: Logger;
  now?: () => Date;
}

/** How long a resumed message waits, so every process's gate has seen the resume. */
const RESUME_SETTLE_MS = 1000;

/**
 * Bulk sends of one app: accepts a campaign (everything validated first, the key makes a retry
 * safe), and pauses, resumes and cancels it. The runner does the work; this only moves states.
 */
export class CampaignService {
  private readonly now: () => Date;

  constructor(private readonly deps: CampaignServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get appId(): string {
    return this.deps.appId;
  }

  async create(request: CampaignRequest): Promise<CampaignRecord> {
    const { deps } = this;
    const now = this.now();
    const accepted = acceptCampaign(request, {
      sending: deps.sending,
      defaultRate: deps.defaultRate,
      now,
    });
    const existing = await deps.campaigns.findByKey(deps.appId, request.key);
    if (existing) return sameInput(existing, accepted.inputHash);
    const { message } = accepted;
    // Without a later startAt it runs from now: SCHEDULED means waiting for startAt.
    const startsNow = accepted.startAt === null || accepted.startAt <= now;
    const record: CampaignRecord = {
      id: newMessageId(now),
      appId: deps.appId,
      key: request.key,
      templateId: message.templateId,
      data: { ...message.data },
      page: message.page ?? null,
      miniprogramState: message.miniprogramState!,
      lang: message.lang!,
      audience: accepted.audience,
      status: startsNow ? 'RUNNING' : 'SCHEDULED',
      ratePerSecond: accepted.ratePerSecond,
      startAt: accepted.startAt,
      expiresAt: accepted.expiresAt,
      createdAt: now,
      startedAt: startsNow ? now : null,
      finishedAt: null,
      updatedAt: now,
      inputHash: accepted.inputHash,
      total: accepted.openids ? accepted.openids.length : null,
      audienceCursor: null,
      fannedOut: 0,
      pacedSince: startsNow ? now : null,
      pacedFrom: 0,
    };
    try {
      await deps.campaigns.create(record, accepted.openids ?? undefined);
    } catch (error) {
      if (!(error instanceof DuplicateCampaignKeyError)) throw error;
      const winner = await deps.campaigns.get(error.existingId);
      if (!winner) throw error;
      return sameInput(winner, accepted.inputHash);
    }
    if (startsNow) deps.logger.info({ campaignId: record.id }, 'campaign started');
    return record;
  }

  /** Any app's campaign (ids are unique across apps): the caller checks what it may see. */
  get(id: string): Promise<CampaignRecord | null> {
    if (!isCampaignId(id)) return Promise.resolve(null);
    return this.deps.campaigns.get(id);
  }

  list(
    filter: { status?: CampaignStatus | null },
    page: PageRequest,
  ): Promise<Page<CampaignRecord>> {
    const status = filter.status ?? undefined;
    if (status !== undefined && !CAMPAIGN_STATUSES.includes(status))
      throw new BadUserInputError(
        `status must be one of ${CAMPAIGN_STATUSES.join(', ')}`,
        'status',
      );
    return this.deps.campaigns.list(this.deps.appId, { status }, page);
  }

  async progress(campaign: CampaignRecord): Promise<CampaignProgress> {
    return campaignProgress(
      campaign,
      await this.deps.messages.countByCampaign(campaign.appId, campaign.id),
    );
  }

  /** Stops the fan-out and the queued sends; a paused campaign stays paused after a quota reset. */
  async pause(id: string): Promise<CampaignRecord> {
    const current = await this.require(id);
    if (current.status === 'PAUSED') return current;
    return this.move(current, ['SCHEDULED', 'RUNNING', 'PAUSED_QUOTA'], { status: 'PAUSED' });
  }

  async resume(id: string): Promise<CampaignRecord> {
    const current = await this.require(id);
    if (current.status !== 'PAUSED') {
      if (['SCHEDULED', 'RUNNING', 'PAUSED_QUOTA'].includes(current.status)) return current;
      throw notNow(current, 'resumed');
    }
    const now = this.now();
    const resumed = await this.move(current, ['PAUSED'], {
      status: current.startedAt === null ? 'SCHEDULED' : 'RUNNING',
      pacedSince: now,
      pacedFrom: current.fannedOut,
    });
    await requeueHeldMessages(this.deps, resumed, new Date(now.getTime() + RESUME_SETTLE_MS));
    return resumed;
  }

  /** The runner marks every message not sent yet SKIPPED CAMPAIGN_CANCELLED. */
  async cancel(id: string): Promise<CampaignRecord> {
    const current = await this.require(id);
    if (current.status === 'CANCELLED') return current;
    return this.move(current, ['SCHEDULED', 'RUNNING', 'PAUSED', 'PAUSED_QUOTA'], {
      status: 'CANCELLED',
    });
  }

  private async require(id: string): Promise<CampaignRecord> {
    const campaign = await this.get(id);
    if (!campaign || campaign.appId !== this.deps.appId)
      throw new BadUserInputError('no campaign with this id', 'id');
    return campaign;
  }

  private async move(
    current: CampaignRecord,
    from: readonly CampaignStatus[],
    patch: Partial<CampaignRecord>,
  ): Promise<CampaignRecord> {
    const result = await this.deps.campaigns.transition(current.id, from, {
      ...patch,
      updatedAt: this.now(),
    });
    if (!result.applied)
      throw notNow(result.record ?? current, String(patch.status ?? 'changed').toLowerCase());
    return result.record;
  }
}

function notNow(campaign: CampaignRecord, verb: string): BadUserInputError {
  return new BadUserInputError(`the campaign is ${campaign.status}: it cannot be ${verb}`, 'id');
}

function sameInput(existing: CampaignRecord, hash: string): CampaignRecord {
  if (existing.inputHash !== hash)
    throw new BadUserInputError('key was already used for a campaign with different input', 'key');
  return existing;
}
