import { randomUUID } from 'node:crypto';
import { BadUserInputError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { Page, PageRequest } from '../../shared/page.js';
import { hasQuota, type LedgerStore } from '../ledger/ledger-store.js';
import {
  assertMessageKey,
  assertNewMessageKey,
  DuplicateMessageKeyError,
  MAX_MESSAGE_KEY_LENGTH,
  newMessageId,
  type MessageRecord,
  type MessageStore,
  unsentFields,
} from '../messages/message-store.js';
import type { SendRequest, SendService } from '../sending/send-service.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';
import { occurrenceKey, OCCURRENCE_SUFFIX_LENGTH } from './occurrence-key.js';
import {
  assertStableCron,
  canonicalTimezone,
  nextRun,
  parseCronSchedule,
  type RecurringSpec,
} from '../../shared/cron-schedule.js';
import type { RecurringScheduleRecord, RecurringScheduleStore } from './recurring-store.js';

export interface RecurringScheduleRequest extends Omit<SendRequest, 'idempotencyKey'> {
  key: string;
  cron: string;
  timezone: string;
  startAt?: Date | null;
  endAt?: Date | null;
  limit?: number | null;
}

/** A schedule as callers see it: the stored one plus when it runs next. */
export interface RecurringScheduleView extends RecurringScheduleRecord {
  nextRunAt: Date | null;
}

/** The part of the delivery engine schedules use (kept narrow: the engine imports nothing here). */
export interface RecurringTimers {
  upsertRecurring(key: string, spec: RecurringSpec): Promise<void>;
  removeRecurring(key: string): Promise<void>;
  /** Runs the message's send job at `runAt`. */
  enqueue(messageId: string, runAt: Date): Promise<void>;
}

export interface RecurringServiceDeps {
  appId: string;
  store: RecurringScheduleStore;
  messages: MessageStore;
  ledger: LedgerStore;
  catalog: TemplateCatalog;
  /** Validates the send part exactly as a direct send is validated. */
  sending: Pick<SendService, 'prepare'>;
  engine: RecurringTimers;
  logger: Logger;
  now?: () => Date;
}

/**
 * Recurring schedules: the engine's timer says "occurrence T of schedule K is due", and this
 * turns it into one message keyed `K@T`. The key makes a second run of the same occurrence (a
 * worker died, a replaced schedule hits the same time) find the message instead of sending again.
 */
export class RecurringService {
  private readonly now: () => Date;

  constructor(private readonly deps: RecurringServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async upsert(request: RecurringScheduleRequest): Promise<RecurringScheduleView> {
    const { deps } = this;
    const now = this.now();
    assertNewMessageKey(request.key, 'key');
    if (request.key.length > MAX_MESSAGE_KEY_LENGTH - OCCURRENCE_SUFFIX_LENGTH) {
      throw new BadUserInputError(
        `key must be at most ${MAX_MESSAGE_KEY_LENGTH - OCCURRENCE_SUFFIX_LENGTH} characters (each occurrence's message key adds @<time>)`,
        'key',
      );
    }
    const { message } = deps.sending.prepare({ ...request, idempotencyKey: null });
    const timezone = canonicalTimezone(request.timezone);
    assertStableCron(request.cron);
    parseCronSchedule(request.cron, timezone);
    const startAt = optionalDate(request.startAt, 'startAt');
    const endAt = optionalDate(request.endAt, 'endAt');
    if (endAt !== null && endAt <= now)
      throw new BadUserInputError('endAt is in the past', 'endAt');
    if (startAt !== null && endAt !== null && endAt <= startAt)
      throw new BadUserInputError('endAt must be after startAt', 'endAt');
    const limit = request.limit ?? null;
    if (limit !== null && (!Number.isInteger(limit) || limit < 1))
      throw new BadUserInputError('limit must be a positive integer', 'limit');
    const spec = { cron: request.cron.trim(), timezone, startAt, endAt };
    if (nextRun(spec, now) === null) {
      // The window as the caller gave it: from startAt when that is ahead, else from now.
      const from = startAt !== null && startAt > now ? 'startAt' : 'now';
      const window = endAt === null ? `after ${from}` : `between ${from} and endAt`;
      throw new BadUserInputError(`cron never runs ${window}`, 'cron');
    }

    const previous = await deps.store.get(deps.appId, request.key);
    const record: RecurringScheduleRecord = {
      appId: deps.appId,
      key: request.key,
      openid: message.touser,
      templateId: message.templateId,
      data: { ...message.data },
      page: message.page ?? null,
      miniprogramState: message.miniprogramState!,
      lang: message.lang!,
      ...spec,
      limit,
      occurrences: 0,
      lastRunAt: null,
      version: randomUUID(),
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    };
    await deps.store.put(record);
    await deps.engine.upsertRecurring(record.key, spec);
    return this.view(record);
  }

  async delete(key: string): Promise<boolean> {
    const { deps } = this;
    assertMessageKey(key, 'key');
    const deleted = await deps.store.delete(deps.appId, key);
    // Also when the record was already gone: a timer left behind would only find nothing.
    await deps.engine.removeRecurring(key);
    return deleted;
  }

  async list(page: PageRequest): Promise<Page<RecurringScheduleView>> {
    const result = await this.deps.store.list(this.deps.appId, page);
    return { ...result, items: result.items.map((r) => this.view(r)) };
  }

  async get(key: string): Promise<RecurringScheduleView | null> {
    assertMessageKey(key, 'key');
    const record = await this.deps.store.get(this.deps.appId, key);
    return record ? this.view(record) : null;
  }

  /**
   * Occurrence `at` of schedule `key` is due: records its message (QUEUED, or SKIPPED NO_CREDIT
   * for a one-time template without credit: WeChat would certainly answer 43101) and queues it.
   * Returns the message, or null when nothing was due (gone, outside the window, over the limit,
   * or already recorded). A message of another origin holding the occurrence's key (made before
   * such keys were reserved) is not this occurrence: the occurrence is not run nor counted, and
   * a warning says so.
   */
  async runOccurrence(key: string, at: Date): Promise<MessageRecord | null> {
    const { deps } = this;
    const schedule = await deps.store.get(deps.appId, key);
    if (!schedule) {
      await deps.engine.removeRecurring(key);
      return null;
    }
    if (schedule.startAt && at < schedule.startAt) return null;
    if (schedule.endAt && at > schedule.endAt) return null;
    if (schedule.limit !== null && schedule.occurrences >= schedule.limit) {
      await deps.engine.removeRecurring(key);
      return null;
    }
    const messageKey = occurrenceKey(key, at);
    const holder = await deps.messages.findByKey(deps.appId, messageKey);
    if (holder) {
      this.warnIfForeign(key, at, holder);
      return null;
    }

    const noCredit = !(await this.hasCredit(schedule));
    const now = this.now();
    const record: MessageRecord = {
      id: newMessageId(now),
      appId: deps.appId,
      openid: schedule.openid,
      templateId: schedule.templateId,
      status: noCredit ? 'SKIPPED' : 'QUEUED',
      ...unsentFields(now),
      data: { ...schedule.data },
      page: schedule.page,
      miniprogramState: schedule.miniprogramState,
      lang: schedule.lang,
      key: messageKey,
      sendAt: at,
      expiresAt: null,
      trigger: null,
      skipReason: noCredit ? 'NO_CREDIT' : null,
      campaignId: null,
      scheduleKey: key,
      inputHash: schedule.version,
      batchId: null,
      sendingJob: null,
      updatedAt: now,
    };
    try {
      await deps.messages.create(record);
    } catch (error) {
      if (!(error instanceof DuplicateMessageKeyError)) throw error;
      // Usually another worker ran it; a foreign message created meanwhile is reported too.
      const winner = await deps.messages.findByKey(deps.appId, messageKey);
      if (winner) this.warnIfForeign(key, at, winner);
      return null;
    }
    const after = await deps.store.recordRun(deps.appId, key, schedule.version, at);
    if (after && after.limit !== null && after.occurrences >= after.limit)
      await deps.engine.removeRecurring(key);
    if (!noCredit) {
      try {
        await deps.engine.enqueue(record.id, at);
      } catch (error) {
        deps.logger.warn(
          { err: error, messageId: record.id },
          'could not enqueue an occurrence; the sweeper will pick it up',
        );
      }
    }
    return record;
  }

  private warnIfForeign(key: string, at: Date, holder: MessageRecord): void {
    if (holder.scheduleKey === key) return;
    this.deps.logger.warn(
      {
        scheduleKey: key,
        occurrence: at.toISOString(),
        messageKey: holder.key,
        messageId: holder.id,
        holderScheduleKey: holder.scheduleKey,
      },
      'recurring occurrence not run: its message key is held by a message that is not of this schedule; the occurrence is not counted',
    );
  }

  private async hasCredit(schedule: RecurringScheduleRecord): Promise<boolean> {
    const { deps } = this;
    const template = deps.catalog.registry.find(schedule.templateId);
    // Long-term templates: the send path (and WeChat) decide, as for any scheduled send.
    if (template?.type === 'LONG_TERM') return true;
    const entry = await deps.ledger.get({
      appId: deps.appId,
      openid: schedule.openid,
      templateId: schedule.templateId,
    });
    return entry !== null && hasQuota(entry);
  }

  private view(record: RecurringScheduleRecord): RecurringScheduleView {
    const finished = record.limit !== null && record.occurrences >= record.limit;
    const after = new Date(
      Math.max(this.now().getTime(), record.lastRunAt?.getTime() ?? -Infinity),
    );
    return { ...record, nextRunAt: finished ? null : nextRun(record, after) };
  }
}

function optionalDate(value: Date | null | undefined, field: string): Date | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Date) || !Number.isFinite(value.getTime()))
    throw new BadUserInputError(`${field} must be a date-time with an explicit offset`, field);
  return value;
}
