import type {
  MessagePatch,
  MessageStatus,
  TransitionResult,
} from '../../messages/message-store.js';
import type {
  RecordSentOptions,
  SentCredit,
  SentEntry,
  SentRecorder,
} from '../../sending/sent-recorder.js';
import { REPORTED_STATUSES, type StatusNotifier } from './status-notifier.js';

/** The sent recorder, reporting the SENT it writes like NotifyingMessageStore reports the rest. */
export class NotifyingSentRecorder implements SentRecorder {
  constructor(
    private readonly inner: SentRecorder,
    private readonly notifier: StatusNotifier,
  ) {}

  async recordSent(
    appId: string,
    id: string,
    from: readonly MessageStatus[] | null,
    patch: MessagePatch,
    credit: SentCredit,
    options?: RecordSentOptions,
  ): Promise<TransitionResult> {
    const result = await this.inner.recordSent(appId, id, from, patch, credit, options);
    if (result.applied && REPORTED_STATUSES.has(result.record.status))
      await this.notifier.notify(result.record);
    return result;
  }

  async recordSentMany(appId: string, entries: readonly SentEntry[]): Promise<TransitionResult[]> {
    const results = await this.inner.recordSentMany(appId, entries);
    for (const result of results)
      if (result.applied && REPORTED_STATUSES.has(result.record.status))
        await this.notifier.notify(result.record);
    return results;
  }
}
