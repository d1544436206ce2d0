import { systemClock, type Clock } from '../../shared/clock.js';
import { createHash } from 'node:crypto';
import type { QuotaPolicy } from '../../config.js';
import {
  BadUserInputError,
  ErrorCode,
  GatewayError,
  NoSubscriptionError,
  SentButNotRecordedError,
  UpstreamUnavailableError,
} from '../../shared/errors.js';
import { assertIdempotencyKey, type IdempotencyStore } from './idempotency/idempotency-store.js';
import type { LedgerStore, SubscriptionKey } from '../ledger/ledger-store.js';
import type { Logger } from '../../shared/logger.js';
import { noopObserver, type Observer } from '../../shared/observer.js';
import {
  blankKeyMessage,
  directSendFields,
  MessageNotFoundError,
  newMessageId,
  type MessageRecord,
  type MessageStore,
} from '../messages/message-store.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';
import { validateTemplateData } from '../templates/validate-data.js';
import { TokenRejectedError } from '../wechat/token/token-errors.js';
import { WeChatErrcode } from '../wechat/client/errcodes.js';
import { TransportError } from '../wechat/client/http-transport.js';
import type { Lang, MiniprogramState, SubscribeMessage } from '../wechat/client/wechat-client.js';
import { WeChatError } from '../wechat/client/wechat-error.js';
import type { SendOutcome } from '../wechat/wechat-service.js';
import { assertIdentifier, looksBlank } from '../../shared/identifiers.js';
import {
  userSendLockKey,
  type ExclusiveSteps,
  type HeldLease,
  type KeyedMutex,
} from './keyed-mutex.js';
import { normalizeTemplateData } from './normalize-data.js';
import { assertMiniProgramPage } from './page-path.js';
import { SendReport } from './send-report.js';
import { SeparateSentRecorder, type SentRecorder } from './sent-recorder.js';

export interface SendRequest {
  openid: string;
  /** WeChat id or template name. */
  templateId: string;
  data: unknown;
  page?: string | null;
  miniprogramState?: MiniprogramState | null;
  lang?: Lang | null;
  idempotencyKey?: string | null;
}

export interface SendOptions {
  /** The id of the request asking for the send: every line about the send carries it. */
  requestId?: string;
}

export interface SubscribeMessageSender {
  /** `logger`: the send's logger, for the lines about this call. */
  sendSubscribeMessage(
    message: SubscribeMessage,
    options?: { logger?: Logger },
  ): Promise<SendOutcome>;
}

export interface SendServiceDeps {
  appId: string;
  catalog: TemplateCatalog;
  sender: SubscribeMessageSender;
  ledger: LedgerStore;
  messages: MessageStore;
  idempotency: IdempotencyStore;
  userMutex: KeyedMutex;
  quotaPolicy: QuotaPolicy;
  logger: Logger;
  /** Counts send outcomes for the metrics; none recorded when absent. */
  observer?: Observer;
  now?: Clock;
  /** How long a finished request's key is remembered; default 24 h. */
  idempotencyTtlSeconds?: number;
  /** How long a claim holds without renewal, i.e. how soon a dead owner's key frees; default 30 s. */
  idempotencyLeaseSeconds?: number;
  /** How long a duplicate request waits for the original one to finish. */
  duplicateWaitMs?: number;
  /** Records an accepted send in the log and the ledger; by default the two stores in turn. */
  sentRecorder?: SentRecorder;
}

/**
 * One send, end to end: validate against the template before WeChat sees anything, honour the
 * idempotency key, serialise per user (WeChat answers 43108 to concurrent sends to one user),
 * apply the quota policy, call WeChat, and record the outcome in the log and the ledger.
 * A WeChat refusal is a recorded outcome (FAILED), not an exception.
 */
export class SendService {
  private readonly clock: Clock;
  private readonly sentRecorder: SentRecorder;

  constructor(private readonly deps: SendServiceDeps) {
    this.clock = deps.now ?? systemClock;
    this.sentRecorder = deps.sentRecorder ?? new SeparateSentRecorder(deps.messages, deps.ledger);
  }

  private now(): Date {
    return new Date(this.clock());
  }

  async send(request: SendRequest, options: SendOptions = {}): Promise<MessageRecord> {
    const prepared = this.prepare(request);
    const { deps } = this;
    const logger =
      options.requestId === undefined
        ? deps.logger
        : deps.logger.child({ requestId: options.requestId });
    // The id and createdAt share one instant, so the newest-first log (ordered by id) also reads
    // newest first by createdAt when sends queue behind one user.
    const acceptedAt = this.now();
    const messageId = newMessageId(acceptedAt);
    const report = new SendReport(logger, deps.observer ?? noopObserver, {
      messageId,
      appId: deps.appId,
      template: prepared.template,
    });
    const run = async () => {
      try {
        const record = await deps.userMutex.runExclusiveSteps(
          userSendLockKey(deps.appId, prepared.message.touser),
          this.sendSteps(messageId, acceptedAt, prepared, logger),
        );
        report.finished(record);
        return record;
      } catch (error) {
        report.threw(error);
        throw error;
      }
    };
    const key = prepared.idempotencyKey;
    if (key === null) return run();
    const original = await this.claimOrAwaitOriginal(key, prepared.fingerprint, messageId);
    if (original !== null) return original;
    const lease = this.keepLease(key, messageId);
    try {
      const record = await run();
      lease.stop();
      await this.rememberOutcome(key, messageId);
      return record;
    } catch (error) {
      lease.stop();
      // Nothing reached WeChat: free the key so the client's retry is a fresh attempt. If it may
      // have, keep the key for the whole window: retrying could deliver the message twice.
      if (mayHaveReachedWeChat(error)) await this.rememberOutcome(key, messageId);
      else {
        await deps.idempotency.forget(deps.appId, key, messageId).catch((forgetError: unknown) =>
          // The lease frees the key soon anyway; the send's own error is the one to report.
          logger.warn({ err: forgetError, messageId }, 'could not free the idempotency key'),
        );
      }
      throw error;
    }
  }

  private get leaseSeconds(): number {
    return this.deps.idempotencyLeaseSeconds ?? 30;
  }

  /**
   * Claims the key for `messageId` (null), or answers with the original message once it has an
   * outcome. The claim is retried while waiting: when the original's owner died, its lease runs
   * out and this request takes the key over instead of waiting for a record that stays SENDING.
   */
  private async claimOrAwaitOriginal(
    key: string,
    fingerprint: string,
    messageId: string,
  ): Promise<MessageRecord | null> {
    const { deps } = this;
    const deadline = Date.now() + (deps.duplicateWaitMs ?? 30_000);
    let delay = 5;
    for (;;) {
      const claim = await deps.idempotency.claim(deps.appId, key, {
        fingerprint,
        messageId,
        ttlSeconds: this.leaseSeconds,
      });
      if (claim.claimed) return null;
      if (claim.fingerprint !== fingerprint) {
        throw new BadUserInputError(
          'idempotencyKey was already used with a different request within the last 24 hours',
          'idempotencyKey',
        );
      }
      const message = await deps.messages.get(deps.appId, claim.messageId);
      if (message && message.status !== 'SENDING') return message;
      if (Date.now() > deadline) {
        throw new GatewayError(
          ErrorCode.IDEMPOTENCY_IN_PROGRESS,
          'The original request with this idempotencyKey is still in progress; retry later',
          { messageId: claim.messageId },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 100);
    }
  }

  /** Renews the claim every third of a lease until stopped. */
  private keepLease(key: string, messageId: string): { stop(): void } {
    const { deps } = this;
    const timer = setInterval(
      () => {
        deps.idempotency.extend(deps.appId, key, messageId, this.leaseSeconds).then(
          (held) => {
            if (!held)
              deps.logger.warn({ messageId }, 'idempotency lease lost while its send was running');
          },
          (error: unknown) =>
            deps.logger.warn({ err: error, messageId }, 'idempotency lease renewal failed'),
        );
      },
      (this.leaseSeconds * 1000) / 3,
    );
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /** Keeps the finished request's key for the idempotency window, so retries get its message. */
  private async rememberOutcome(key: string, messageId: string): Promise<void> {
    const { deps } = this;
    try {
      await deps.idempotency.extend(
        deps.appId,
        key,
        messageId,
        deps.idempotencyTtlSeconds ?? 86_400,
      );
    } catch (error) {
      // The send itself is done and recorded; failing it now would invite a duplicate retry.
      deps.logger.warn(
        { err: error, messageId },
        'could not keep the idempotency key after the send: it frees itself within one lease',
      );
    }
  }

  /**
   * Validates a request against its template (nothing is stored) and resolves its defaults; also
   * used by the delivery engine to validate a send before it is scheduled.
   */
  prepare(request: SendRequest) {
    assertIdentifier('openid', request.openid);
    const template = this.deps.catalog.registry.require(request.templateId);
    const data = normalizeTemplateData(request.data);
    const violations = validateTemplateData(template, data);
    if (violations.length > 0) {
      const [first] = violations;
      throw new BadUserInputError(
        violations.length === 1
          ? first!.message
          : `${first!.message} (and ${violations.length - 1} more)`,
        first!.key,
        { kind: first!.kind, rule: first!.rule, violations },
      );
    }
    const page = request.page ?? null;
    if (page !== null) assertMiniProgramPage(page);
    const message: SubscribeMessage = {
      touser: request.openid,
      templateId: template.id,
      page,
      miniprogramState: request.miniprogramState ?? 'formal',
      lang: request.lang ?? 'zh_CN',
      data,
    };
    const idempotencyKey = request.idempotencyKey ?? null;
    if (idempotencyKey !== null) {
      assertIdempotencyKey(this.deps.appId, idempotencyKey);
      // Only spaces (or invisible characters) look like no key; the stores keep accepting one
      // claimed before this rule.
      if (looksBlank(idempotencyKey))
        throw new BadUserInputError(blankKeyMessage('idempotencyKey'), 'idempotencyKey');
    }
    let fingerprint: string | undefined;
    return {
      template,
      message,
      idempotencyKey,
      /** The request's identity (idempotency keys, scheduled sends): hashed when first asked for. */
      get fingerprint(): string {
        fingerprint ??= requestFingerprint(message, data);
        return fingerprint;
      },
      longTerm: template.type === 'LONG_TERM',
    };
  }

  /**
   * The send, serialised per user. The record is created SENDING by the write that takes the
   * user's lock and marked SENT by the one that frees it (with Redis, one script each), except
   * under `enforce`: the credit is reserved first, under the lock, so that a user without credit
   * leaves no record.
   */
  private sendSteps(
    messageId: string,
    acceptedAt: Date,
    prepared: ReturnType<SendService['prepare']>,
    logger: Logger,
  ): ExclusiveSteps<MessageRecord> {
    const { deps } = this;
    const { message } = prepared;
    const key: SubscriptionKey = {
      appId: deps.appId,
      openid: message.touser,
      templateId: message.templateId,
    };
    const reserved = deps.quotaPolicy === 'enforce';
    const record: MessageRecord = {
      id: messageId,
      appId: deps.appId,
      openid: message.touser,
      templateId: message.templateId,
      status: 'SENDING',
      errcode: null,
      errmsg: null,
      msgid: null,
      attempts: 0,
      data: { ...message.data },
      page: message.page ?? null,
      miniprogramState: message.miniprogramState!,
      lang: message.lang!,
      idempotencyKey: prepared.idempotencyKey,
      createdAt: acceptedAt,
      sentAt: null,
      deliveredAt: null,
      deliveryErrorCode: null,
      deliveryErrorStatus: null,
      ...directSendFields(acceptedAt),
    };
    if (!reserved) {
      return {
        take: (claim) => deps.messages.create(record, claim === null ? {} : { lock: claim }),
        rest: (lease) => this.sendCreated(record, key, reserved, prepared, lease, logger),
      };
    }
    return {
      take: (claim) => (claim === null ? Promise.resolve(true) : claim.tryTake()),
      rest: async (lease) => {
        if (!(await deps.ledger.reserve(key, this.now())))
          throw new NoSubscriptionError(message.touser, prepared.template.name);
        await deps.messages.create(record);
        return this.sendCreated(record, key, reserved, prepared, lease, logger);
      },
    };
  }

  /** Calls WeChat for a message created SENDING, and records the outcome. */
  private async sendCreated(
    record: MessageRecord,
    key: SubscriptionKey,
    reserved: boolean,
    prepared: ReturnType<SendService['prepare']>,
    lease: HeldLease,
    logger: Logger,
  ): Promise<MessageRecord> {
    const { deps } = this;
    const { message } = prepared;
    const messageId = record.id;
    let outcome: Awaited<ReturnType<typeof deps.sender.sendSubscribeMessage>>;
    try {
      outcome = await deps.sender.sendSubscribeMessage(message, { logger });
    } catch (error) {
      return this.recordFailure(error, messageId, key, reserved, prepared.longTerm, logger);
    }
    // WeChat accepted the message. A store failure from here on must not read as "never sent":
    // the credit stays spent, the idempotency key stays pinned, and the record, left SENDING,
    // becomes UNKNOWN for the sweeper and the sent event to settle.
    try {
      const sent = await lease.freeWith((claim) =>
        this.sentRecorder.recordSent(
          deps.appId,
          messageId,
          null,
          {
            status: 'SENT',
            msgid: outcome.msgid,
            attempts: outcome.attempts,
            sentAt: this.now(),
            updatedAt: this.now(),
          },
          { key, reserved, at: this.now() },
          claim === null ? {} : { release: claim },
        ),
      );
      if (!sent.applied) throw new MessageNotFoundError(deps.appId, messageId);
      return sent.record;
    } catch (error) {
      logger.error(
        { err: error, messageId, msgid: outcome.msgid },
        'WeChat accepted the send but its outcome could not be recorded',
      );
      throw new SentButNotRecordedError(messageId, { cause: error });
    }
  }

  private async recordFailure(
    error: unknown,
    messageId: string,
    key: SubscriptionKey,
    reserved: boolean,
    longTerm: boolean,
    logger: Logger,
  ): Promise<MessageRecord> {
    const { deps } = this;
    const attempts = (error as { attempts?: number }).attempts ?? 0;
    const refusal =
      error instanceof WeChatError
        ? { errcode: error.errcode, errmsg: error.errmsg }
        : error instanceof TokenRejectedError
          ? { errcode: Number(error.extensions.errcode), errmsg: error.message }
          : null;
    if (refusal) {
      if (refusal.errcode === WeChatErrcode.USER_REFUSED) {
        // WeChat itself says the user cannot receive this template now: believe it over the ledger.
        if (longTerm) await deps.ledger.revoke(key, { source: 'events', at: this.now() });
        else await deps.ledger.markNoCredit(key, this.now());
      } else if (reserved) await deps.ledger.release(key, this.now());
      if (refusal.errcode !== WeChatErrcode.USER_REFUSED) {
        logger.warn(
          { errcode: refusal.errcode, appId: key.appId, templateId: key.templateId, messageId },
          'WeChat refused a send',
        );
      }
      return deps.messages.update(deps.appId, messageId, {
        status: 'FAILED',
        ...refusal,
        attempts,
        updatedAt: this.now(),
      });
    }
    // No answer from WeChat. If the request may have arrived, keep the credit spent and the
    // idempotency key held: retrying could deliver the message twice.
    if (reserved && !mayHaveReachedWeChat(error)) await deps.ledger.release(key, this.now());
    await deps.messages.update(deps.appId, messageId, {
      status: 'FAILED',
      errcode: null,
      errmsg:
        error instanceof GatewayError ? error.message : 'internal error before WeChat answered',
      attempts,
      updatedAt: this.now(),
    });
    throw error;
  }
}

/** A request that got no answer but may have been received: retrying it could send twice. */
function mayHaveReachedWeChat(error: unknown): boolean {
  if (error instanceof SentButNotRecordedError) return true;
  return (
    error instanceof UpstreamUnavailableError &&
    (error.cause as TransportError | undefined)?.sent === true
  );
}

function requestFingerprint(message: SubscribeMessage, data: Record<string, string>): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        message.touser,
        message.templateId,
        message.page,
        message.miniprogramState,
        message.lang,
        sortedEntries(data),
      ]),
    )
    .digest('hex');
}

function sortedEntries(data: Record<string, string>): [string, string][] {
  return Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1));
}
