import { createHash } from 'node:crypto';
import { BadUserInputError } from '../../shared/errors.js';
import { assertNewMessageKey, type MessageTrigger } from '../messages/message-store.js';
import { hasOccurrenceKeyShape } from '../recurring/occurrence-key.js';
import type { SendRequest } from '../sending/send-service.js';

export interface WhenInput {
  sendAt?: Date | null;
  delaySeconds?: number | null;
  trigger?: { name: string; matchKey: string; timeoutAt: Date } | null;
}

export interface ScheduleRequest extends Omit<SendRequest, 'idempotencyKey'> {
  when: WhenInput;
  key?: string | null;
  expiresAt?: Date | null;
}

export const MAX_DELAY_SECONDS = 31_536_000;
/** A sendAt this far in the past is a mistake, not a request to send now. */
export const SEND_AT_PAST_TOLERANCE_MS = 60_000;

export type ResolvedWhen =
  | { kind: 'at'; sendAt: Date; spec: string }
  | { kind: 'trigger'; trigger: MessageTrigger; spec: string };

function assertDate(value: unknown, field: string): asserts value is Date {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime()))
    throw new BadUserInputError(`${field} must be a date-time with an explicit offset`, field);
}

function assertCallerKey(key: string): void {
  assertNewMessageKey(key, 'key');
  if (hasOccurrenceKeyShape(key)) {
    throw new BadUserInputError(
      'key must not end with @ and a UTC time such as @2030-01-01T09:00:00.000Z: keys of that form are reserved for the occurrences of recurring schedules',
      'key',
    );
  }
}

/**
 * A message due at or after its expiry could only ever be SKIPPED EXPIRED: refused when accepted
 * (and when rescheduled) rather than stored to fail later. `field` is the one the caller gave:
 * expiresAt when scheduling, sendAt when rescheduling a message whose expiresAt is stored.
 */
export function assertDueBeforeExpiry(
  sendAt: Date,
  expiresAt: Date | null | undefined,
  field: 'expiresAt' | 'sendAt' = 'expiresAt',
): void {
  if (expiresAt === undefined || expiresAt === null || sendAt < expiresAt) return;
  const [send, expiry] = [sendAt.toISOString(), expiresAt.toISOString()];
  throw new BadUserInputError(
    field === 'expiresAt'
      ? `expiresAt (${expiry}) must be after the send time (${send})`
      : `sendAt (${send}) must be before the message’s expiresAt (${expiry})`,
    field,
  );
}

/**
 * Checks `when` (exactly one member), `key` and `expiresAt`, and resolves when the message is
 * due. `spec` describes the request as given (a delay stays a delay), for key idempotency.
 */
export function resolveWhen(request: ScheduleRequest, now: Date): ResolvedWhen {
  const when = request.when ?? {};
  const given = (['sendAt', 'delaySeconds', 'trigger'] as const).filter(
    (name) => when[name] !== undefined && when[name] !== null,
  );
  if (given.length !== 1) {
    throw new BadUserInputError(
      `when must have exactly one of sendAt, delaySeconds, trigger (got ${given.length === 0 ? 'none' : given.join(', ')})`,
      'when',
    );
  }
  if (request.key !== undefined && request.key !== null) assertCallerKey(request.key);
  if (request.expiresAt !== undefined && request.expiresAt !== null) {
    assertDate(request.expiresAt, 'expiresAt');
    if (request.expiresAt <= now)
      throw new BadUserInputError('expiresAt must be in the future', 'expiresAt');
  }
  if (when.sendAt) {
    assertDate(when.sendAt, 'when.sendAt');
    if (when.sendAt.getTime() < now.getTime() - SEND_AT_PAST_TOLERANCE_MS) {
      throw new BadUserInputError('when.sendAt is more than 60 seconds in the past', 'when.sendAt');
    }
    assertDueBeforeExpiry(when.sendAt, request.expiresAt);
    return { kind: 'at', sendAt: when.sendAt, spec: `at:${when.sendAt.toISOString()}` };
  }
  if (when.delaySeconds !== undefined && when.delaySeconds !== null) {
    const delay = when.delaySeconds;
    if (!Number.isInteger(delay) || delay < 1 || delay > MAX_DELAY_SECONDS) {
      throw new BadUserInputError(
        `when.delaySeconds must be an integer from 1 to ${MAX_DELAY_SECONDS}`,
        'when.delaySeconds',
      );
    }
    const sendAt = new Date(now.getTime() + delay * 1000);
    assertDueBeforeExpiry(sendAt, request.expiresAt);
    return { kind: 'at', sendAt, spec: `delay:${delay}` };
  }
  const trigger = when.trigger!;
  assertNewMessageKey(trigger.name, 'when.trigger.name');
  assertNewMessageKey(trigger.matchKey, 'when.trigger.matchKey');
  assertDate(trigger.timeoutAt, 'when.trigger.timeoutAt');
  if (trigger.timeoutAt <= now)
    throw new BadUserInputError(
      'when.trigger.timeoutAt must be in the future',
      'when.trigger.timeoutAt',
    );
  return {
    kind: 'trigger',
    trigger: { name: trigger.name, matchKey: trigger.matchKey, timeoutAt: trigger.timeoutAt },
    spec: `trigger:${JSON.stringify([trigger.name, trigger.matchKey, trigger.timeoutAt.toISOString()])}`,
  };
}

/** The request's identity under its key: the send's own fingerprint, `when` and expiry. */
export function inputHash(
  sendFingerprint: string,
  when: ResolvedWhen,
  expiresAt: Date | null,
): string {
  return createHash('sha256')
    .update(JSON.stringify([sendFingerprint, when.spec, expiresAt?.toISOString() ?? null]))
    .digest('hex');
}
