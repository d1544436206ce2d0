import { createHash } from 'node:crypto';
import { BadUserInputError } from '../../shared/errors.js';
import { assertIdentifier } from '../../shared/identifiers.js';
import { assertNewMessageKey } from '../messages/message-store.js';
import type { SendRequest, SendService } from '../sending/send-service.js';
import type { CampaignAudience } from './campaign-store.js';

export interface CampaignRequest extends Omit<SendRequest, 'openid' | 'idempotencyKey'> {
  key: string;
  audience: { creditHolders?: boolean | null; openids?: readonly string[] | null };
  startAt?: Date | null;
  ratePerSecond?: number | null;
  expiresAt?: Date | null;
}

export const MAX_CAMPAIGN_OPENIDS = 10_000;
export const MAX_CAMPAIGN_RATE = 100_000;
/** A startAt this far in the past is a mistake, not a request to start now. */
const START_AT_PAST_TOLERANCE_MS = 60_000;
/** Stands in for the recipient when the template data is checked once for all of them. */
const ANY_RECIPIENT = 'campaign-recipient';

export interface AcceptedCampaign {
  message: ReturnType<SendService['prepare']>['message'];
  audience: CampaignAudience;
  /** The given openids, duplicates dropped, in the order given. */
  openids: string[] | null;
  startAt: Date | null;
  expiresAt: Date | null;
  ratePerSecond: number;
  inputHash: string;
}

function assertDate(value: unknown, field: string): asserts value is Date {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime()))
    throw new BadUserInputError(`${field} must be a date-time with an explicit offset`, field);
}

/**
 * Checks a campaign request as a whole before anything is stored: the template data exactly as a
 * direct send checks it, exactly one audience member, the openids, the times and the rate.
 */
export function acceptCampaign(
  request: CampaignRequest,
  deps: { sending: Pick<SendService, 'prepare'>; defaultRate: number; now: Date },
): AcceptedCampaign {
  assertNewMessageKey(request.key, 'key');
  const audience = request.audience ?? {};
  const given = (['creditHolders', 'openids'] as const).filter(
    (name) => audience[name] !== undefined && audience[name] !== null,
  );
  if (given.length !== 1)
    throw new BadUserInputError(
      `audience must have exactly one of creditHolders, openids (got ${given.length === 0 ? 'none' : given.join(', ')})`,
      'audience',
    );
  let openids: string[] | null = null;
  if (audience.creditHolders !== undefined && audience.creditHolders !== null) {
    if (audience.creditHolders !== true)
      throw new BadUserInputError(
        'audience.creditHolders must be true (or give openids instead)',
        'audience.creditHolders',
      );
  } else {
    const list = audience.openids!;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_CAMPAIGN_OPENIDS)
      throw new BadUserInputError(
        `audience.openids must list 1 to ${MAX_CAMPAIGN_OPENIDS} openids`,
        'audience.openids',
      );
    for (const openid of list) assertIdentifier('audience.openids', openid);
    openids = [...new Set(list)];
  }
  const prepared = deps.sending.prepare({
    ...request,
    openid: ANY_RECIPIENT,
    idempotencyKey: null,
  });
  const now = deps.now.getTime();
  const startAt = request.startAt ?? null;
  if (startAt !== null) {
    assertDate(startAt, 'startAt');
    if (startAt.getTime() < now - START_AT_PAST_TOLERANCE_MS)
      throw new BadUserInputError('startAt is more than 60 seconds in the past', 'startAt');
  }
  const expiresAt = request.expiresAt ?? null;
  if (expiresAt !== null) {
    assertDate(expiresAt, 'expiresAt');
    if (expiresAt.getTime() <= Math.max(now, startAt?.getTime() ?? 0))
      throw new BadUserInputError('expiresAt must be after now and after startAt', 'expiresAt');
  }
  const rate = request.ratePerSecond ?? null;
  if (rate !== null && (!Number.isInteger(rate) || rate < 1 || rate > MAX_CAMPAIGN_RATE))
    throw new BadUserInputError(
      `ratePerSecond must be an integer from 1 to ${MAX_CAMPAIGN_RATE}`,
      'ratePerSecond',
    );
  const inputHash = createHash('sha256')
    .update(
      JSON.stringify([
        prepared.fingerprint,
        openids ?? 'creditHolders',
        startAt?.toISOString() ?? null,
        rate,
        expiresAt?.toISOString() ?? null,
      ]),
    )
    .digest('hex');
  return {
    message: prepared.message,
    audience: openids ? { kind: 'openids' } : { kind: 'creditHolders' },
    openids,
    startAt,
    expiresAt,
    ratePerSecond: rate ?? deps.defaultRate,
    inputHash,
  };
}

/** Half of SEND_RATE_LIMIT (per second, at least 1): campaigns leave room for the rest. */
export function defaultCampaignRate(limit: { max: number; perSeconds: number }): number {
  return Math.max(1, Math.floor(limit.max / limit.perSeconds / 2));
}
