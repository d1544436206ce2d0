import { BadUserInputError } from '../../shared/errors.js';
import { assertIdentifier } from '../../shared/identifiers.js';
import type { Logger } from '../../shared/logger.js';
import {
  assertMessageKey,
  assertNewMessageKey,
  DuplicateMessageKeyError,
  heldUntil,
  isMessageId,
  newMessageId,
  type MessageRecord,
  type MessageStatus,
  type MessageStore,
  unsentFields,
} from '../messages/message-store.js';
import type { QuotaPolicy } from '../../config/types.js';
import type { LedgerStore } from '../ledger/ledger-store.js';
import { countSettledSend, releaseSettledCredit } from '../ledger/settled-send.js';
import type { SendService } from '../sending/send-service.js';
import type { DeliveryEngine, EngineKind, EnqueueOptions, RateLimit } from './delivery-engine.js';
import {
  assertDueBeforeExpiry,
  inputHash,
  resolveWhen,
  SEND_AT_PAST_TOLERANCE_MS,
  type ScheduleRequest,
} from './schedule-request.js';

export type CancelOutcome = 'CANCELLED' | 'ALREADY_FINAL' | 'TOO_LATE' | 'NOT_FOUND';
export type UnknownResolution = 'MARK_SENT' | 'MARK_FAILED' | 'RESEND';

export interface MessageRef {
  id?: string | null;
  key?: string | null;
}

export interface DeliveryHealth {
  engine: EngineKind;
  scheduled: number;
  held: number;
  queued: number;
  sending: number;
  unknown: number;
  rateLimit: RateLimit;
  rateLimitedUntil: Date | null;
  paused: boolean;
  pausedUntil: Date | null;
}

export interface DeliveryServiceDeps {
  appId: string;
  messages: MessageStore;
  /** Settling an UNKNOWN message settles its credit too. */
  ledger: Pick<LedgerStore, 'recordSent' | 'release'>;
  quotaPolicy: QuotaPolicy;
  /** Validates the send part of a request exactly as a direct send is validated. */
  sending: Pick<SendService, 'prepare'>;
  engine: DeliveryEngine;
  logger: Logger;
  now?: () => Date;
}

const CANCELLABLE: readonly MessageStatus[] = ['SCHEDULED', 'HELD', 'QUEUED'];
const RESCHEDULABLE: readonly MessageStatus[] = ['SCHEDULED', 'QUEUED'];

/**
 * Later sends: validates and records a message (SCHEDULED, HELD or QUEUED), then hands its id to
 * the engine. Every state change is a compare-and-set on the message log, which stays the truth:
 * the engine's jobs only say "look at this message now".
 */
export class DeliveryService {
  private readonly now: () => Date;

  constructor(private readonly deps: DeliveryServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get engineKind(): EngineKind {
    return this.deps.engine.kind;
  }

  async schedule(request: ScheduleRequest): Promise<MessageRecord> {
    const { deps } = this;
    const now = this.now();
    const prepared = deps.sending.prepare({ ...request, idempotencyKey: null });
    const when = resolveWhen(request, now);
    const expiresAt = request.expiresAt ?? null;
    const key = request.key ?? null;
    const hash = inputHash(prepared.fingerprint, when, expiresAt);
    if (key !== null) {
      const existing = await deps.messages.findByKey(deps.appId, key);
      if (existing) return this.sameInput(existing, hash);
    }
    const status: MessageStatus =
      when.kind === 'trigger' ? 'HELD' : when.sendAt <= now ? 'QUEUED' : 'SCHEDULED';
    const { message } = prepared;
    const record: MessageRecord = {
      id: newMessageId(now),
      appId: deps.appId,
      openid: message.touser,
      templateId: message.templateId,
      status,
      ...unsentFields(now),
      data: { ...message.data },
      page: message.page ?? null,
      miniprogramState: message.miniprogramState!,
      lang: message.lang!,
      key,
      sendAt: when.kind === 'at' ? when.sendAt : null,
      expiresAt,
      trigger: when.kind === 'trigger' ? when.trigger : null,
      skipReason: null,
      campaignId: null,
      scheduleKey: null,
      inputHash: hash,
      batchId: null,
      sendingJob: null,
      updatedAt: now,
    };
    try {
      await deps.messages.create(record);
    } catch (error) {
      if (!(error instanceof DuplicateMessageKeyError)) throw error;
      // A concurrent request with the same key won the race.
      const winner = await deps.messages.get(deps.appId, error.existingId);
      if (!winner) throw error;
      return this.sameInput(winner, hash);
    }
    await this.enqueue(
      record.id,
      when.kind === 'trigger' ? heldUntil(record, now).until : when.sendAt,
      { fresh: true },
    );
    return record;
  }

  async reschedule(ref: MessageRef, sendAt: Date): Promise<MessageRecord> {
    const { deps } = this;
    const now = this.now();
    if (!(sendAt instanceof Date) || !Number.isFinite(sendAt.getTime()))
      throw new BadUserInputError('sendAt must be a date-time with an explicit offset', 'sendAt');
    if (sendAt.getTime() < now.getTime() - SEND_AT_PAST_TOLERANCE_MS)
      throw new BadUserInputError('sendAt is more than 60 seconds in the past', 'sendAt');
    const current = await this.find(ref);
    if (!current) throw new BadUserInputError('no message with this id or key', refField(ref));
    assertDueBeforeExpiry(sendAt, current.expiresAt, 'sendAt');
    const result = await deps.messages.transition(deps.appId, current.id, RESCHEDULABLE, {
      status: sendAt <= now ? 'QUEUED' : 'SCHEDULED',
      sendAt,
      updatedAt: now,
    });
    if (!result.applied) {
      throw new BadUserInputError(
        `only a SCHEDULED or QUEUED message can be rescheduled; this one is ${result.record?.status ?? 'gone'}`,
        refField(ref),
      );
    }
    await this.enqueue(current.id, sendAt);
    return result.record;
  }

  async cancel(
    ref: MessageRef,
  ): Promise<{ outcome: CancelOutcome; message: MessageRecord | null }> {
    const { deps } = this;
    const current = await this.find(ref);
    if (!current) return { outcome: 'NOT_FOUND', message: null };
    const result = await deps.messages.transition(deps.appId, current.id, CANCELLABLE, {
      status: 'CANCELLED',
      updatedAt: this.now(),
    });
    if (result.applied) {
      // A job already running re-reads the message and stops at CANCELLED.
      await deps.engine
        .remove(current.id)
        .catch((error: unknown) =>
          deps.logger.warn({ err: error, messageId: current.id }, 'could not drop a cancelled job'),
        );
      return { outcome: 'CANCELLED', message: result.record };
    }
    const latest = result.record;
    if (!latest) return { outcome: 'NOT_FOUND', message: null };
    return { outcome: latest.status === 'SENDING' ? 'TOO_LATE' : 'ALREADY_FINAL', message: latest };
  }

  /**
   * Releases every HELD message waiting for (name, matchKey); returns how many. One whose wait
   * already ended (its expiry or timeout passed, and its job has not run yet) is not released:
   * it is SKIPPED as its job would have done.
   */
  async fireTrigger(name: string, matchKey: string): Promise<number> {
    const { deps } = this;
    // As strict as scheduling: a name of only spaces never names a trigger anybody waits for.
    assertNewMessageKey(name, 'name');
    assertNewMessageKey(matchKey, 'matchKey');
    let fired = 0;
    for (const held of await deps.messages.listHeldByTrigger(deps.appId, name, matchKey)) {
      const now = this.now();
      const wait = heldUntil(held, now);
      if (wait.until <= now) {
        await deps.messages.transition(deps.appId, held.id, ['HELD'], {
          status: 'SKIPPED',
          skipReason: wait.ending,
          updatedAt: now,
        });
        continue;
      }
      const result = await deps.messages.transition(deps.appId, held.id, ['HELD'], {
        status: 'QUEUED',
        sendAt: now,
        updatedAt: now,
      });
      if (!result.applied) continue;
      fired++;
      await this.enqueue(held.id, now);
    }
    return fired;
  }

  async resolveUnknown(id: string, resolution: UnknownResolution): Promise<MessageRecord> {
    const { deps } = this;
    if (!isMessageId(id)) throw new BadUserInputError('id is not a message id', 'id');
    const now = this.now();
    const patch =
      resolution === 'MARK_SENT'
        ? { status: 'SENT' as const, sentAt: now, errcode: null, errmsg: null }
        : resolution === 'MARK_FAILED'
          ? { status: 'FAILED' as const }
          : resolution === 'RESEND'
            ? { status: 'QUEUED' as const, sendAt: now }
            : null;
    if (patch === null)
      throw new BadUserInputError(
        'resolution must be MARK_SENT, MARK_FAILED or RESEND',
        'resolution',
      );
    const result = await deps.messages.transition(deps.appId, id, ['UNKNOWN'], {
      ...patch,
      updatedAt: now,
    });
    if (!result.applied) {
      throw new BadUserInputError(
        result.record
          ? `only an UNKNOWN message can be resolved; this one is ${result.record.status}`
          : 'no message with this id',
        'id',
      );
    }
    // The transition applied once, so the credit is settled once, whoever else tries.
    if (resolution === 'MARK_SENT')
      await countSettledSend(deps.ledger, deps.quotaPolicy, result.record, now);
    else await releaseSettledCredit(deps.ledger, deps.quotaPolicy, result.record, now);
    if (resolution === 'RESEND') await this.enqueue(id, now);
    return result.record;
  }

  messageByKey(key: string): Promise<MessageRecord | null> {
    assertMessageKey(key, 'key');
    return this.deps.messages.findByKey(this.deps.appId, key);
  }

  async health(): Promise<DeliveryHealth> {
    const { deps } = this;
    const count = async (status: MessageStatus) =>
      (await deps.messages.list(deps.appId, { status }, { first: 1 })).totalCount;
    const [scheduled, held, queued, sending, unknown, status] = await Promise.all([
      count('SCHEDULED'),
      count('HELD'),
      count('QUEUED'),
      count('SENDING'),
      count('UNKNOWN'),
      deps.engine.status(),
    ]);
    return {
      engine: deps.engine.kind,
      scheduled,
      held,
      queued,
      sending,
      unknown,
      rateLimit: deps.engine.rateLimit,
      rateLimitedUntil: status.rateLimitedUntil,
      paused: status.pausedUntil !== null,
      pausedUntil: status.pausedUntil,
    };
  }

  private sameInput(existing: MessageRecord, hash: string): MessageRecord {
    if (existing.inputHash !== hash) {
      throw new BadUserInputError('key was already used for a message with different input', 'key');
    }
    return existing;
  }

  private async find(ref: MessageRef): Promise<MessageRecord | null> {
    const { deps } = this;
    const hasId = ref.id !== undefined && ref.id !== null;
    const hasKey = ref.key !== undefined && ref.key !== null;
    if (hasId === hasKey) throw new BadUserInputError('give exactly one of id and key', 'id');
    if (hasId) {
      assertIdentifier('id', ref.id!);
      return deps.messages.get(deps.appId, ref.id!);
    }
    assertMessageKey(ref.key!, 'key');
    return deps.messages.findByKey(deps.appId, ref.key!);
  }

  /** The sweeper re-enqueues a message whose job could not be added now. */
  private async enqueue(id: string, at: Date, options: EnqueueOptions = {}): Promise<void> {
    try {
      await this.deps.engine.enqueue(id, at, options);
    } catch (error) {
      this.deps.logger.warn(
        { err: error, messageId: id },
        'could not enqueue a message; the sweeper will pick it up',
      );
    }
  }
}

function refField(ref: MessageRef): string {
  return ref.id !== undefined && ref.id !== null ? 'id' : 'key';
}
