import type { LockClaim } from '../../shared/lock.js';
import type { LedgerStore, SubscriptionKey } from '../ledger/ledger-store.js';
import {
  MESSAGE_STATUSES,
  type MessagePatch,
  type MessageRecord,
  type MessageStatus,
  type MessageStore,
  type TransitionResult,
} from '../messages/message-store.js';

/** How a send WeChat accepted counts against the user's credit. */
export interface SentCredit {
  key: SubscriptionKey;
  /** The credit was taken before the call (QUOTA_POLICY=enforce), so it is not taken again. */
  reserved: boolean;
  at: Date;
}

/**
 * Records a send WeChat accepted: the ledger counts it whatever became of the message meanwhile
 * (the credit is spent either way), and the message moves to SENT if it is still in one of `from`.
 * With Redis both happen in one script (one round trip, one atomic step); in memory, in turn.
 */
export interface SentRecorder {
  /**
   * `from` are the statuses the message may be in (compare-and-set); null admits any. An unknown
   * message is `{ applied: false, record: null }`. `release`: frees this claim's lock as well
   * (in the same step where the store can), whatever became of the message.
   */
  recordSent(
    appId: string,
    id: string,
    from: readonly MessageStatus[] | null,
    patch: MessagePatch,
    credit: SentCredit,
    options?: RecordSentOptions,
  ): Promise<TransitionResult>;
  /**
   * recordSent for many messages of one app, each from SENDING and freeing its lock, in one step
   * where the store can. One result per entry, in order.
   */
  recordSentMany(appId: string, entries: readonly SentEntry[]): Promise<TransitionResult[]>;
}

export interface RecordSentOptions {
  release?: LockClaim;
}

/** One accepted send of a batch: its message, patch, credit and the lock its claim took. */
export interface SentEntry {
  id: string;
  /**
   * The message as this job's claim left it (SENDING by the job). A SENDING message is the job's
   * alone, so when the patch applies the store answers with this and the patch, without reading
   * the record back.
   */
  claimed: MessageRecord;
  patch: MessagePatch;
  credit: SentCredit;
  release: LockClaim;
}

/** The two stores' own operations in turn: for the memory stores, where nothing can interleave. */
export class SeparateSentRecorder implements SentRecorder {
  constructor(
    private readonly messages: MessageStore,
    private readonly ledger: LedgerStore,
  ) {}

  async recordSent(
    appId: string,
    id: string,
    from: readonly MessageStatus[] | null,
    patch: MessagePatch,
    credit: SentCredit,
    options: RecordSentOptions = {},
  ): Promise<TransitionResult> {
    const result = await this.messages.transition(appId, id, from ?? MESSAGE_STATUSES, patch);
    await this.ledger.recordSent(credit.key, { reserved: credit.reserved, at: credit.at });
    await options.release?.handle.release();
    return result;
  }

  async recordSentMany(appId: string, entries: readonly SentEntry[]): Promise<TransitionResult[]> {
    const results: TransitionResult[] = [];
    for (const e of entries)
      results.push(
        await this.recordSent(appId, e.id, ['SENDING'], e.patch, e.credit, { release: e.release }),
      );
    return results;
  }
}
