import type { QuotaPolicy } from '../../config.js';
import { UpstreamUnavailableError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { noopObserver, type Observer } from '../../shared/observer.js';
import { SendReport } from '../sending/send-report.js';
import type { CampaignGate, CampaignVerdict } from './campaign-gate.js';
import { hasQuota, type LedgerStore, type SubscriptionKey } from '../ledger/ledger-store.js';
import {
  type BatchClaim,
  type BatchClaimResult,
  heldUntil,
  DUE_SLACK_MS,
  INTERRUPTED_SEND,
  type MessagePatch,
  type MessageRecord,
  type MessageStore,
  type TransitionResult,
} from '../messages/message-store.js';
import {
  userSendLockKey,
  type ExclusiveSteps,
  type HeldLease,
  type KeyedMutex,
  type SharedClaim,
} from '../sending/keyed-mutex.js';
import type { SubscribeMessageSender } from '../sending/send-service.js';
import {
  SeparateSentRecorder,
  type SentCredit,
  type SentEntry,
  type SentRecorder,
} from '../sending/sent-recorder.js';
import { groupCommit } from '../../shared/group-commit.js';
import { slotPool, type ReleaseSlot, type SlotPool } from '../../shared/slot-pool.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';
import { WeChatErrcode } from '../wechat/client/errcodes.js';
import { TransportError } from '../wechat/client/http-transport.js';
import type { Lang, MiniprogramState } from '../wechat/client/wechat-client.js';
import { WeChatError } from '../wechat/client/wechat-error.js';
import { TokenRejectedError } from '../wechat/token/token-errors.js';
import type {
  BatchContext,
  BatchEntry,
  BatchJob,
  JobOutcome,
  SendTurns,
} from './delivery-engine.js';
import { nextMinute, nextShanghaiMidnight, retryDelay } from './quota-clock.js';

export interface MessageProcessorDeps {
  appId: string;
  messages: MessageStore;
  ledger: LedgerStore;
  catalog: TemplateCatalog;
  sender: SubscribeMessageSender;
  userMutex: KeyedMutex;
  quotaPolicy: QuotaPolicy;
  logger: Logger;
  /** Metrics: every send outcome is counted like a direct send's. */
  observer?: Observer;
  now?: () => Date;
  /** Counted retries (-1, connection never made) before the message is FAILED; default 5. */
  maxRetries?: number;
  random?: () => number;
  /** When WeChat's quotas reset; WeChat's clock by default (tests shorten the wait). */
  quotaReset?: { minute(now: Date): Date; day(now: Date): Date };
  /** Whether a campaign's message may go now (paused: it stays QUEUED; cancelled: SKIPPED). */
  campaignGate?: CampaignGate;
  /** Records an accepted send in the log and the ledger; by default the two stores in turn. */
  sentRecorder?: SentRecorder;
  /** The engine's rate limit, taken a turn per send of a batch (the engine counts single jobs). */
  takeSends?: (n: number, yieldToWaiting: boolean) => Promise<SendTurns>;
  /**
   * The engine's hold on every process's sends, asked as soon as a send gets a quota answer: the
   * job that got it ends only once its other sends have settled, and other processes must not
   * go on calling meanwhile.
   */
  holdSends?: (until: Date, scope: 'minute' | 'day') => Promise<void>;
  /**
   * Calls to WeChat at once in this process, batch sends and single jobs alike, while twice as
   * many sends of batches more may be readied meanwhile (turn taken, message claimed; as many
   * on the single path); default 8 (WORKER_CONCURRENCY).
   */
  concurrency?: number;
}

const READY = ['SCHEDULED', 'QUEUED'] as const;
/** How often a message of a paused campaign looks at its campaign again. */
const HOLD_RECHECK_MS = 10_000;
/** Claims or sends recorded in one store step at most. */
const MAX_GROUP = 100;
/** Store steps of one kind (claims, SENT records, turns) on their way at once. */
const GROUPS_IN_FLIGHT = 2;
/** How long a send of a batch gives way to waiting jobs of normal priority at most. */
const MAX_YIELD_MS = 2000;
/** How often a send waiting for the rate limit looks whether to give up waiting. */
const STOP_CHECK_MS = 200;
/** When a batch finds its user's lock taken (another send to them), it tries again this late. */
const BUSY_RETRY_MS = 1000;

const noop = (): void => undefined;

/**
 * How a send gets its call slot, right before its call: `take` waits for one (a batch's send
 * trades its place in the line for it), `release` gives it back after the call. A batch's send
 * gives it back only after a success: after a failure the batch keeps it until it knows the
 * outcome, so that a quota answer stops its readied sends before one of them takes the slot and
 * calls. Nothing waits for a call slot while holding one, and nobody holding one waits for a
 * per-user lock: the slots bound every call of the process, and cannot all be held by sends
 * waiting for each other.
 */
interface CallSlot {
  /**
   * Waits for a call slot, then says whether the send still goes: on 'hold' its message goes back
   * QUEUED, on 'cancel' it is SKIPPED, and WeChat is not called.
   */
  take(): Promise<CampaignVerdict>;
  release(succeeded: boolean): void;
}

/**
 * A batch's send: its place in the line, traded for a call slot just before its call. Once it has
 * the slot it asks `stillSend` (what came while it was readied: a pause, a cancel, a quota answer
 * to another send, shutdown); `heldBack` then tells the batch it gave its message back. `end`
 * gives back whatever it still holds.
 */
class BatchCallSlot implements CallSlot {
  heldBack = false;
  private leaveCall: ReleaseSlot | null = null;

  constructor(
    private readonly leaveLine: ReleaseSlot,
    private readonly callSlots: SlotPool,
    private readonly stillSend: () => Promise<CampaignVerdict>,
  ) {}

  async take(): Promise<CampaignVerdict> {
    this.leaveCall ??= await this.callSlots();
    this.leaveLine();
    const verdict = await this.stillSend();
    if (verdict === 'hold') this.heldBack = true;
    return verdict;
  }

  release(succeeded: boolean): void {
    if (succeeded) this.leaveCall?.();
  }

  end(): void {
    this.leaveLine();
    this.leaveCall?.();
  }
}

/** Records an accepted send; the single path frees the lock in the same write. */
type RecordSent = (patch: MessagePatch, credit: SentCredit) => Promise<TransitionResult>;

/**
 * What a job does with its message. The message log is the truth and every move is a
 * compare-and-set, so a job that runs twice, late, or after a cancel does the right thing:
 * QUEUED → SENDING happens before WeChat is called, and a job that finds its message already
 * SENDING (its worker died mid-send) marks it UNKNOWN instead of sending again.
 */
export class MessageProcessor {
  private readonly now: () => Date;
  private readonly sentRecorder: SentRecorder;
  /**
   * The sends of every batch of this process share three pools and one group commit per step: a
   * send takes its turn of the rate limit in the turn line (`turnLine`), then a place in the line
   * (`readySlots`) for its claim, then a call slot (`callSlots`) for its call to WeChat only, so
   * that the next sends are readied and the last ones recorded while calls are in flight (the
   * Redis steps then overlap the calls instead of adding to each), while no more than
   * `concurrency` calls are ever in flight. Turns are taken ahead of the claims because a turn
   * left unused costs only a little of the rate, while a claimed message not yet called is one
   * that a crash leaves UNKNOWN: only the line bounds those. The single path (no group commits)
   * has no turn line: its sends take their turns in the line.
   */
  private readonly turnLine: SlotPool | null;
  private readonly readySlots: SlotPool;
  private readonly callSlots: SlotPool;
  /** Claims and SENT records of batch sends go to the store in groups: a shared lock, no credit to reserve. */
  private readonly grouped: boolean;
  /** The last quota answer WeChat gave a send of this process, and until when it holds. */
  private quotaPause: { until: Date; scope: 'minute' | 'day' } | null = null;
  private readonly claimInGroup: (claim: BatchClaim) => Promise<BatchClaimResult>;
  private readonly recordInGroup: (entry: SentEntry) => Promise<TransitionResult>;
  private readonly turnInGroup: (yieldToWaiting: boolean) => Promise<SendTurns>;

  constructor(private readonly deps: MessageProcessorDeps) {
    this.now = deps.now ?? (() => new Date());
    this.sentRecorder = deps.sentRecorder ?? new SeparateSentRecorder(deps.messages, deps.ledger);
    const concurrency = deps.concurrency ?? 8;
    // Sends claimed and recorded with the others in flight have store round trips to overlap with
    // the calls, and a longer line keeps the call slots busy; the single path (the in-process
    // engine, QUOTA_POLICY=enforce) has none, and there a longer line only costs.
    this.grouped = deps.quotaPolicy === 'track' && deps.userMutex.sharesLock;
    this.readySlots = slotPool(this.grouped ? concurrency * 2 : concurrency);
    // The single path has no store round trips to overlap: there turns taken ahead would only
    // keep jobs of normal priority waiting longer, so its sends take theirs in the line.
    this.turnLine = this.grouped ? slotPool(concurrency * 2) : null;
    this.callSlots = slotPool(concurrency);
    // Two flushes of each step at once, each gathering what one round of I/O brought: Redis runs
    // the next group while the process reads the answer to the last one, instead of each step
    // idling through every round trip. The single path's only group is its turns, which the
    // in-process engine answers at once: there larger groups would only take turns that jobs of
    // normal priority falling due meanwhile could have had.
    const groups = this.grouped ? { inFlight: GROUPS_IN_FLIGHT, gatherForLoopTurn: true } : {};
    this.claimInGroup = groupCommit(
      (claims) => deps.messages.claimBatch(deps.appId, claims, this.now()),
      MAX_GROUP,
      groups,
    );
    this.recordInGroup = groupCommit(
      (entries) => this.sentRecorder.recordSentMany(deps.appId, entries),
      MAX_GROUP,
      groups,
    );
    // Each caller gets its turn or how long to wait before asking again; the group yields to
    // waiting jobs of normal priority unless one of its callers has given way long enough.
    this.turnInGroup = groupCommit(
      async (asks) => {
        if (!deps.takeSends) return asks.map(() => ({ granted: 1, retryInMs: 0, yielded: false }));
        const turns = await deps.takeSends(asks.length, asks.every(Boolean));
        return asks.map((_, i) =>
          i < turns.granted ? { ...turns, granted: 1 } : { ...turns, granted: 0 },
        );
      },
      MAX_GROUP,
      groups,
    );
  }

  /**
   * A batch job: its messages are sent side by side (at most `concurrency` sends of batches at
   * once in this process), each after its turn of the rate limit. With the per-user lock in the
   * store and no credit to reserve (QUOTA_POLICY=track), claims and SENT records of concurrent
   * sends go to the store together (group commit); otherwise each message takes the single path.
   * A message the batch cannot finish now is handed to a job of its own (`handOff`); after a
   * quota answer, or once its campaign is paused, the rest stay QUEUED and the batch runs again
   * when the quota resets, or looks at its campaign again a little later.
   */
  async processBatch(
    batch: BatchJob,
    context: BatchContext,
    handOff: (messageId: string, at: Date) => Promise<void>,
  ): Promise<JobOutcome> {
    const { deps } = this;
    const gate = (): Promise<CampaignVerdict> =>
      batch.campaignId !== null && deps.campaignGate
        ? deps.campaignGate.verdict(batch.campaignId)
        : Promise.resolve('send');
    let stop: JobOutcome | null = null;
    let unfinished = false;
    let turnsTaken = context.turnsTaken;
    const turn = (): Promise<boolean> => {
      if (turnsTaken <= 0) return this.turn(context);
      turnsTaken--;
      return Promise.resolve(true);
    };
    // A quota answer to any send of this process stops every batch of the app at its next send,
    // not only the batch that had it (the engine's own wait starts once that batch has settled).
    const quotaHit = (): boolean => {
      stop ??= this.quotaStop();
      return stop !== null;
    };
    // Asked again once a readied send has its call slot: what came meanwhile (a pause, a cancel,
    // a quota answer to another send, shutdown) keeps it from being called.
    const stillSend = (): Promise<CampaignVerdict> =>
      quotaHit() || context.stopping() ? Promise.resolve('hold') : gate();
    const one = async (entry: BatchEntry, slot: BatchCallSlot) => {
      // A quota answer may have come while this send waited for its place.
      if (quotaHit()) {
        unfinished = true;
        return;
      }
      // Asked for each send, after its turn: a pause stops the batch's next send, not only the
      // next batch (the gate caches "send" briefly, so this costs no read per send).
      const holdBatch = () => {
        stop ??= { kind: 'later', at: new Date(this.now().getTime() + HOLD_RECHECK_MS) };
        unfinished = true;
      };
      const verdict = await gate();
      if (verdict === 'hold') return holdBatch();
      // A cancelled campaign's messages are skipped, and a reserved credit is taken one at a time:
      // both by the single path.
      const shared =
        verdict === 'send' && this.grouped
          ? deps.userMutex.sharedClaim(userSendLockKey(deps.appId, entry.openid))
          : null;
      const outcome = shared
        ? await this.sendInGroup(batch.id, entry, shared, slot)
        : await this.process(entry.id, 0, batch.id, slot);
      if (slot.heldBack) {
        if (stop === null && !context.stopping()) holdBatch();
        unfinished = true;
        return;
      }
      if (outcome.kind === 'quota') stop ??= outcome;
      else if (outcome.kind === 'retry')
        await handOff(entry.id, new Date(this.now().getTime() + outcome.delayMs));
      else if (outcome.kind === 'later') await handOff(entry.id, outcome.at);
    };
    // Every send settles before the job does, even when one fails: a job that ended while its
    // sends were still in flight could run again and find them SENDING by itself.
    const settled = await Promise.allSettled(
      batch.entries.map((entry) =>
        this.readied(
          async () => !quotaHit() && !context.stopping() && (await turn()),
          stillSend,
          (slot) => one(entry, slot),
          () => void (unfinished = true),
        ),
      ),
    );
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    if (stop !== null) return stop;
    return unfinished ? { kind: 'later', at: this.now() } : { kind: 'done' };
  }

  /**
   * Readies one send of a batch: its turn of the rate limit, taken in the turn line, which it
   * leaves once it has its place in the line (so the turns taken ahead are bounded too), or on
   * the single path in its place in the line; then `send` in that place. `noTurn` runs instead
   * of the send when no turn came (a stop, a quota answer).
   */
  private async readied(
    takeTurn: () => Promise<boolean>,
    stillSend: () => Promise<CampaignVerdict>,
    send: (slot: BatchCallSlot) => Promise<void>,
    noTurn: () => void,
  ): Promise<void> {
    if (this.turnLine === null)
      return this.withSlots(stillSend, async (slot) =>
        (await takeTurn()) ? send(slot) : noTurn(),
      );
    const leaveTurnLine = await this.turnLine();
    try {
      if (await takeTurn()) await this.withSlots(stillSend, send, leaveTurnLine);
      else noTurn();
    } finally {
      leaveTurnLine();
    }
  }

  /**
   * Runs one send of a batch in its place in the line, which its slot trades for a call slot just
   * before the call; whatever the send did, both are back when it ends. A send waits for its turn
   * of the rate limit before its call slot (in the turn line, or on the single path in its place),
   * never in one: the call slots are shared with single jobs, which must not wait behind a batch's
   * turns. `placed` runs once it has its place.
   */
  private async withSlots<T>(
    stillSend: () => Promise<CampaignVerdict>,
    send: (slot: BatchCallSlot) => Promise<T>,
    placed: () => void = noop,
  ): Promise<T> {
    const slot = new BatchCallSlot(await this.readySlots(), this.callSlots, stillSend);
    placed();
    try {
      return await send(slot);
    } finally {
      slot.end();
    }
  }

  /**
   * Waits for a turn of the rate limit; false once the engine is closing. It gives way to jobs of
   * normal priority waiting for the limit, for MAX_YIELD_MS in all: batches may hold every worker
   * slot, and a waiting job must not keep them from ever sending.
   */
  private async turn(context: BatchContext): Promise<boolean> {
    let yieldedMs = 0;
    for (;;) {
      const turn = await this.turnInGroup(yieldedMs < MAX_YIELD_MS);
      if (turn.granted > 0) return true;
      const waitMs = Math.max(1, turn.retryInMs);
      if (turn.yielded) yieldedMs += waitMs;
      // The limiter may say to wait up to a minute (a quota wait): a shutdown or a quota answer
      // meanwhile must not wait that long to be noticed.
      const give = () => context.stopping() || this.quotaStop() !== null;
      for (let left = waitMs; left > 0 && !give(); left -= STOP_CHECK_MS)
        await new Promise((resolve) => setTimeout(resolve, Math.min(left, STOP_CHECK_MS)));
      if (give()) return false;
    }
  }

  /** The quota wait a send of this process learned of, while it lasts (see failed). */
  private quotaStop(): JobOutcome | null {
    const pause = this.quotaPause;
    if (pause === null || pause.until <= this.now()) return null;
    return { kind: 'quota', until: pause.until, scope: pause.scope };
  }

  /** One message of a batch, claimed and recorded together with the others in flight. */
  private async sendInGroup(
    jobId: string,
    entry: BatchEntry,
    shared: SharedClaim,
    slot: CallSlot,
  ): Promise<JobOutcome> {
    const { deps } = this;
    const claimed = await this.claimInGroup({ id: entry.id, jobId, lock: shared.claim });
    switch (claimed.kind) {
      case 'busy':
        shared.done();
        return { kind: 'later', at: new Date(this.now().getTime() + BUSY_RETRY_MS) };
      case 'interrupted':
        shared.done();
        deps.logger.warn(
          { messageId: entry.id },
          'message found SENDING by its batch: marked UNKNOWN',
        );
        return { kind: 'done' };
      case 'other':
        shared.done();
        // Not due, expired, final, or another job's: the single path knows what to do.
        if (claimed.record === null) return { kind: 'done' };
        return this.process(entry.id, 0, jobId, slot);
      case 'claimed':
        break;
    }
    shared.held();
    let recorded = false;
    try {
      const message = claimed.record;
      const key = { appId: deps.appId, openid: message.openid, templateId: message.templateId };
      return await this.sendClaimed(message, key, false, 0, slot, async (patch, credit) => {
        const result = await this.recordInGroup({
          id: message.id,
          claimed: message,
          patch,
          credit,
          release: shared.claim,
        });
        recorded = true;
        return result;
      });
    } finally {
      shared.done();
      if (!recorded) await shared.claim.handle.release().catch(() => undefined);
    }
  }

  /**
   * `jobId`: the job running this (null for the message's own job, the batch's id for a batch):
   * a message SENDING by that same job was interrupted; SENDING by another is left to it. `slot`:
   * where its call slot comes from (a batch's send: its place in the line).
   */
  async process(
    messageId: string,
    attempt: number,
    jobId: string | null = null,
    slot: CallSlot = this.ownCallSlot(),
  ): Promise<JobOutcome> {
    const { deps } = this;
    const message = await deps.messages.get(deps.appId, messageId);
    if (!message) return { kind: 'done' };
    const now = this.now();
    switch (message.status) {
      case 'SENDING':
        // Another job's send in flight (or its lease will end it): not ours to settle.
        if (message.sendingJob !== jobId) return { kind: 'done' };
        await this.move(message, ['SENDING'], { status: 'UNKNOWN', errmsg: INTERRUPTED_SEND });
        deps.logger.warn({ messageId }, 'message found SENDING by a new job: marked UNKNOWN');
        return { kind: 'done' };
      case 'HELD': {
        const wait = heldUntil(message, now);
        if (wait.until > now) return { kind: 'later', at: wait.until };
        await this.move(message, ['HELD'], { status: 'SKIPPED', skipReason: wait.ending });
        return { kind: 'done' };
      }
      case 'SCHEDULED':
      case 'QUEUED':
        break;
      default:
        return { kind: 'done' }; // final, or cancelled meanwhile
    }
    if (message.campaignId !== null && deps.campaignGate) {
      const verdict = await deps.campaignGate.verdict(message.campaignId);
      // Paused: look again later; a resume requeues the campaign's messages at once anyway, and a
      // job kept waiting cannot be lost to a resume racing this very check.
      if (verdict === 'hold')
        return { kind: 'later', at: new Date(now.getTime() + HOLD_RECHECK_MS) };
      if (verdict === 'cancel') {
        await this.move(message, READY, { status: 'SKIPPED', skipReason: 'CAMPAIGN_CANCELLED' });
        return { kind: 'done' };
      }
    }
    if (message.sendAt && message.sendAt.getTime() > now.getTime() + DUE_SLACK_MS)
      return { kind: 'later', at: message.sendAt };
    if (message.expiresAt && message.expiresAt <= now) {
      await this.move(message, READY, { status: 'SKIPPED', skipReason: 'EXPIRED' });
      return { kind: 'done' };
    }
    // WeChat answers 43108 to concurrent sends to one user: the same lock as direct sends.
    return deps.userMutex.runExclusiveSteps(
      userSendLockKey(deps.appId, message.openid),
      this.sendSteps(message, attempt, jobId, slot),
    );
  }

  /**
   * The send, under the per-user lock. With no credit to check first, the move to SENDING takes
   * the lock in the same write and the SENT write frees it: the lock costs no round trip of its own.
   */
  private sendSteps(
    message: MessageRecord,
    attempt: number,
    jobId: string | null,
    slot: CallSlot,
  ): ExclusiveSteps<JobOutcome> {
    const { deps } = this;
    const key: SubscriptionKey = {
      appId: deps.appId,
      openid: message.openid,
      templateId: message.templateId,
    };
    const reserved = deps.quotaPolicy === 'enforce';
    // Stamped when written: the sweeper reads a SENDING message's age from updatedAt.
    const sending = (): MessagePatch => ({
      status: 'SENDING',
      sendingJob: jobId,
      updatedAt: this.now(),
    });
    if (!reserved && message.scheduleKey === null) {
      let claimed: TransitionResult = { applied: false, record: null };
      return {
        take: async (lock) => {
          const result =
            lock === null
              ? await deps.messages.transition(deps.appId, message.id, READY, sending())
              : await deps.messages.transitionTakingLock(
                  deps.appId,
                  message.id,
                  READY,
                  sending(),
                  lock,
                );
          if (result === 'busy') return false;
          claimed = result;
          return true;
        },
        rest: async (lease) =>
          claimed.applied
            ? this.sendClaimed(
                message,
                key,
                false,
                attempt,
                slot,
                this.recordFreeing(message, lease),
              )
            : { kind: 'done' },
      };
    }
    return {
      take: (lock) => (lock === null ? Promise.resolve(true) : lock.tryTake()),
      rest: async (lease) => {
        if (reserved && !(await deps.ledger.reserve(key, this.now()))) {
          await this.move(message, READY, { status: 'SKIPPED', skipReason: 'NO_CREDIT' });
          return { kind: 'done' };
        }
        // A recurring occurrence of a one-time template without credit would be a certain 43101:
        // skipped under `track` too (the credit may have been spent since it was queued).
        if (!reserved && !(await this.oneTimeCreditLeft(key))) {
          await this.move(message, READY, { status: 'SKIPPED', skipReason: 'NO_CREDIT' });
          return { kind: 'done' };
        }
        const claimed = await deps.messages.transition(deps.appId, message.id, READY, sending());
        if (!claimed.applied) {
          if (reserved) await deps.ledger.release(key, this.now());
          return { kind: 'done' };
        }
        return this.sendClaimed(
          message,
          key,
          reserved,
          attempt,
          slot,
          this.recordFreeing(message, lease),
        );
      },
    };
  }

  /** Records SENT and frees the per-user lock in the same write. */
  private recordFreeing(message: MessageRecord, lease: HeldLease): RecordSent {
    return (patch, credit) =>
      lease.freeWith((lock) =>
        this.sentRecorder.recordSent(
          this.deps.appId,
          message.id,
          ['SENDING'],
          patch,
          credit,
          lock === null ? {} : { release: lock },
        ),
      );
  }

  /** A message's own job: a call slot taken right before its call, given back right after. */
  private ownCallSlot(): CallSlot {
    let release: ReleaseSlot = noop;
    return {
      take: async () => {
        release = await this.callSlots();
        return 'send';
      },
      release: () => release(),
    };
  }

  /**
   * Calls WeChat for a message this job moved to SENDING, in a call slot (see CallSlot), and
   * records the outcome.
   */
  private async sendClaimed(
    message: MessageRecord,
    key: SubscriptionKey,
    reserved: boolean,
    attempt: number,
    slot: CallSlot,
    recordSent: RecordSent,
  ): Promise<JobOutcome> {
    const { deps } = this;
    const attemptsBefore = message.attempts;
    const report = new SendReport(deps.logger, deps.observer ?? noopObserver, {
      messageId: message.id,
      appId: deps.appId,
      template: {
        name: deps.catalog.registry.find(message.templateId)?.name ?? message.templateId,
        id: message.templateId,
      },
    });
    // Given back before the call (its lock is freed as for any send that was not recorded).
    const verdict = await slot.take();
    if (verdict !== 'send') {
      if (reserved) await deps.ledger.release(key, this.now());
      await this.move(
        message,
        ['SENDING'],
        verdict === 'cancel'
          ? { status: 'SKIPPED', skipReason: 'CAMPAIGN_CANCELLED' }
          : { status: 'QUEUED' },
      );
      return { kind: 'done' };
    }
    try {
      const outcome = await deps.sender
        .sendSubscribeMessage({
          touser: message.openid,
          templateId: message.templateId,
          page: message.page,
          miniprogramState: message.miniprogramState as MiniprogramState,
          lang: message.lang as Lang,
          data: message.data,
        })
        .then(
          (answer) => {
            slot.release(true);
            return answer;
          },
          (error: unknown) => {
            slot.release(false);
            throw error;
          },
        );
      const sent = await recordSent(
        {
          status: 'SENT',
          msgid: outcome.msgid,
          attempts: attemptsBefore + outcome.attempts,
          sentAt: this.now(),
          errcode: null,
          errmsg: null,
          updatedAt: this.now(),
        },
        { key, reserved, at: this.now() },
      );
      if (sent.applied) report.finished(sent.record);
      return { kind: 'done' };
    } catch (error) {
      const final = await this.failed(error, message, key, reserved, attempt);
      if (final.record) report.finished(final.record);
      return final.outcome;
    }
  }

  private async failed(
    error: unknown,
    message: MessageRecord,
    key: SubscriptionKey,
    reserved: boolean,
    attempt: number,
  ): Promise<{ outcome: JobOutcome; record: MessageRecord | null }> {
    const { deps } = this;
    const calls = (error as { attempts?: number }).attempts ?? 0;
    const attempts = message.attempts + calls;
    const errcode = error instanceof WeChatError ? error.errcode : null;
    const requeue = async (patch: MessagePatch) => {
      if (reserved) await deps.ledger.release(key, this.now());
      await this.move(message, ['SENDING'], { status: 'QUEUED', ...patch });
    };

    // Quota answers: WeChat did nothing; the app waits, and the call is not an attempt.
    if (
      errcode === WeChatErrcode.MINUTE_QUOTA_EXCEEDED ||
      errcode === WeChatErrcode.DAILY_QUOTA_EXCEEDED
    ) {
      const daily = errcode === WeChatErrcode.DAILY_QUOTA_EXCEEDED;
      const reset = deps.quotaReset ?? { minute: nextMinute, day: nextShanghaiMidnight };
      const until = daily ? reset.day(this.now()) : reset.minute(this.now());
      const scope = daily ? 'day' : 'minute';
      // Known to every batch of this process at once, before anything else is awaited, and to
      // every other process as soon as the engine has it.
      if (this.quotaPause === null || this.quotaPause.until < until)
        this.quotaPause = { until, scope };
      const held = deps
        .holdSends?.(until, scope)
        .catch((holdError: unknown) =>
          deps.logger.warn(
            { err: holdError, messageId: message.id },
            'could not hold the app’s sends at once; they stop when this job ends',
          ),
        );
      await requeue({ attempts: message.attempts, errcode, errmsg: (error as WeChatError).errmsg });
      await held;
      deps.logger.warn(
        { messageId: message.id, errcode, until: until.toISOString() },
        daily ? 'daily send quota used up: delivery paused' : 'minute send quota used up: waiting',
      );
      (deps.observer ?? noopObserver).quotaWait({ appId: message.appId, scope });
      return { outcome: { kind: 'quota', until, scope }, record: null };
    }

    // WeChat busy, or no connection was ever made: certainly not acted on, so retry (bounded).
    const transport = transportCause(error);
    const retryable =
      errcode === WeChatErrcode.SYSTEM_BUSY || (transport !== null && !transport.sent);
    if (retryable && attempt + 1 < (deps.maxRetries ?? 5)) {
      await requeue({ attempts, errcode, errmsg: errorText(error) });
      return {
        outcome: { kind: 'retry', delayMs: retryDelay(attempt, deps.random) },
        record: null,
      };
    }

    // The request may have reached WeChat and got no answer: never resend by ourselves.
    if (transport !== null && transport.sent) {
      const record = await this.move(message, ['SENDING'], {
        status: 'UNKNOWN',
        attempts,
        errcode: null,
        errmsg: errorText(error),
      });
      return { outcome: { kind: 'done' }, record };
    }

    const refusal =
      error instanceof WeChatError
        ? { errcode: error.errcode, errmsg: error.errmsg }
        : error instanceof TokenRejectedError
          ? { errcode: Number(error.extensions.errcode), errmsg: error.message }
          : null;
    if (refusal?.errcode === WeChatErrcode.USER_REFUSED) {
      const longTerm = deps.catalog.registry.find(message.templateId)?.type === 'LONG_TERM';
      if (longTerm) await deps.ledger.revoke(key, { source: 'events', at: this.now() });
      else await deps.ledger.markNoCredit(key, this.now());
    } else if (reserved) {
      await deps.ledger.release(key, this.now());
    }
    if (refusal === null) {
      // Not WeChat's answer: something of ours failed before or after the call. The request may
      // have gone out, so the message is UNKNOWN rather than retried.
      deps.logger.error({ err: error, messageId: message.id }, 'delivery send failed unexpectedly');
      const record = await this.move(message, ['SENDING'], {
        status: 'UNKNOWN',
        attempts,
        errmsg: errorText(error),
      });
      return { outcome: { kind: 'done' }, record };
    }
    if (refusal.errcode !== WeChatErrcode.USER_REFUSED) {
      deps.logger.warn(
        { errcode: refusal.errcode, templateId: message.templateId, messageId: message.id },
        'WeChat refused a scheduled send',
      );
    }
    const record = await this.move(message, ['SENDING'], {
      status: 'FAILED',
      ...refusal,
      attempts,
    });
    return { outcome: { kind: 'done' }, record };
  }

  /** True for a long-term template (its status is checked by WeChat) or a one-time credit left. */
  private async oneTimeCreditLeft(key: SubscriptionKey): Promise<boolean> {
    if (this.deps.catalog.registry.find(key.templateId)?.type === 'LONG_TERM') return true;
    const entry = await this.deps.ledger.get(key);
    return entry !== null && hasQuota(entry);
  }

  private async move(
    message: MessageRecord,
    from: readonly MessageRecord['status'][],
    patch: MessagePatch,
  ): Promise<MessageRecord | null> {
    const result = await this.deps.messages.transition(this.deps.appId, message.id, from, {
      ...patch,
      updatedAt: this.now(),
    });
    return result.applied ? result.record : null;
  }
}

function transportCause(error: unknown): TransportError | null {
  if (error instanceof TransportError) return error;
  if (error instanceof UpstreamUnavailableError && error.cause instanceof TransportError)
    return error.cause;
  return null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
}
