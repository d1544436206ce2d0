import type { RedisClient } from '../../infra/redis/redis-connection.js';
import { LOCK_IN_SCRIPT } from '../../infra/redis/redis-lock.js';
import { LuaScript, type LuaReply } from '../../infra/redis/redis-lua.js';
import {
  assertLedgerWrite,
  assertSubscriptionKey,
  subscriptionId,
} from '../ledger/ledger-store.js';
import { LEDGER_OP, ledgerPrelude } from '../ledger/redis-ledger-scripts.js';
import { ledgerKeyBase, ledgerRecordKey } from '../ledger/redis-ledger-store.js';
import {
  withPatch,
  type MessagePatch,
  type MessageStatus,
  type TransitionResult,
} from '../messages/message-store.js';
import {
  MESSAGE_INDEXING,
  MESSAGE_PATCH,
  MESSAGE_PRELUDE,
} from '../messages/redis-message-scripts.js';
import { checkedPatch, messageKeyBase, messageRecordKey } from '../messages/redis-message-store.js';
import type { RecordSentOptions, SentCredit, SentEntry, SentRecorder } from './sent-recorder.js';

/**
 * The message's patch and the ledger's `sent` in one step. Both key families carry the app's hash
 * tag, so the script stays within one Redis Cluster slot. The ledger's helpers come after the
 * message's and shadow their names (base, esc, …): each function keeps the ones it was defined with.
 * KEYS[1] message record, KEYS[2] ledger record. ARGV: message base, ledger base, appId, openid,
 * templateId, ledger record id, atMs, reserved ('1'/'0'), message id, allowed statuses ('' = any),
 * number of fields to set, their field/value pairs, then the fields to delete.
 * Returns what patchMessage returns.
 */
const RECORD_SENT =
  MESSAGE_PRELUDE + MESSAGE_INDEXING + MESSAGE_PATCH + ledgerPrelude('ARGV[2]') + LEDGER_OP;

const recordSentScript = new LuaScript(
  RECORD_SENT +
    `
local nset = tonumber(ARGV[11])
local result = patchMessage(KEYS[1], ARGV[9], ARGV[10], 12, nset, #ARGV)
ledgerOp(KEYS[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], 'sent', ARGV[7], ARGV[8])
return result
`,
);

/**
 * recordSentScript, also freeing a RedisLock (its key carries the same hash tag): KEYS[3] the
 * lock, ARGV[9] its owner, the message id and the rest one place further.
 */
const recordSentFreeingLockScript = new LuaScript(
  RECORD_SENT +
    LOCK_IN_SCRIPT +
    `
local nset = tonumber(ARGV[12])
local result = patchMessage(KEYS[1], ARGV[10], ARGV[11], 13, nset, #ARGV)
ledgerOp(KEYS[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], 'sent', ARGV[7], ARGV[8])
freeLock(KEYS[3], ARGV[9])
return result
`,
);

/**
 * recordSentFreeingLockScript for many messages of one app, in one step.
 * KEYS: per entry its message record, ledger record and lock. ARGV: message base, ledger base,
 * appId, then per entry: openid, templateId, ledger record id, atMs, reserved ('1'/'0'), lock
 * owner ('' when the lock is not in this Redis: KEYS then repeats the record), how many ARGV its
 * patch takes, and the patch (message id, allowed statuses, number of fields set, their pairs,
 * the fields deleted). Returns per entry 1 when the patch applied (the caller knows the record
 * it claimed: no record is sent back), else what patchMessage returns.
 */
const recordSentManyScript = new LuaScript(
  RECORD_SENT +
    LOCK_IN_SCRIPT +
    `
local out, at = {}, 4
for i = 1, #KEYS / 3 do
  local record, ledger, lock = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local n = tonumber(ARGV[at + 6])
  local p = at + 7
  local result = patchMessage(record, ARGV[p], ARGV[p + 1], p + 3, tonumber(ARGV[p + 2]), p + n - 1)
  if result and result[1] == 1 then out[i] = 1 else out[i] = result end
  ledgerOp(ledger, ARGV[3], ARGV[at], ARGV[at + 1], ARGV[at + 2], 'sent', ARGV[at + 3], ARGV[at + 4])
  if ARGV[at + 5] ~= '' then freeLock(lock, ARGV[at + 5]) end
  at = p + n
end
return out
`,
);

export class RedisSentRecorder implements SentRecorder {
  constructor(private readonly options: { client: RedisClient; prefix: string }) {}

  async recordSent(
    appId: string,
    id: string,
    from: readonly MessageStatus[] | null,
    patch: MessagePatch,
    credit: SentCredit,
    options: RecordSentOptions = {},
  ): Promise<TransitionResult> {
    const encoded = checkedPatch(appId, id, from, patch);
    const counted = creditArgs(appId, credit);
    const { prefix, client } = this.options;
    const keys = [messageRecordKey(prefix, appId, id), ledgerRecordKey(prefix, credit.key)];
    const args = [messageKeyBase(prefix, appId), ledgerKeyBase(prefix, appId), appId, ...counted];
    const lock = options.release;
    const lockKey = lock?.storeKey ?? null;
    const reply =
      lock === undefined || lockKey === null
        ? await recordSentScript.run(client, keys, [...args, ...encoded.args])
        : await recordSentFreeingLockScript.run(
            client,
            [...keys, lockKey],
            [...args, lock.owner, ...encoded.args],
          );
    // A lock kept elsewhere than this Redis is freed on its own.
    if (lock !== undefined && lockKey === null) await lock.handle.release();
    return encoded.decode(reply);
  }

  async recordSentMany(appId: string, entries: readonly SentEntry[]): Promise<TransitionResult[]> {
    if (entries.length === 0) return [];
    const { prefix, client } = this.options;
    const keys: string[] = [];
    const args = [messageKeyBase(prefix, appId), ledgerKeyBase(prefix, appId), appId];
    const decoders = entries.map((e) => {
      const encoded = checkedPatch(appId, e.id, ['SENDING'], e.patch);
      const counted = creditArgs(appId, e.credit);
      const recordKey = messageRecordKey(prefix, appId, e.id);
      // A lock kept elsewhere than this Redis is freed on its own, after the script (owner '').
      const lockKey = e.release.storeKey;
      keys.push(recordKey, ledgerRecordKey(prefix, e.credit.key), lockKey ?? recordKey);
      args.push(
        ...counted,
        lockKey === null ? '' : e.release.owner,
        String(encoded.args.length),
        ...encoded.args,
      );
      return (reply: LuaReply): TransitionResult =>
        reply === 1
          ? { applied: true, record: withPatch(e.claimed, e.patch) }
          : encoded.decode(reply);
    });
    const reply = await recordSentManyScript.run(client, keys, args);
    for (const e of entries) if (e.release.storeKey === null) await e.release.handle.release();
    if (!Array.isArray(reply) || reply.length !== entries.length)
      throw new Error('unexpected reply from the batch sent script');
    return reply.map((one, i) => decoders[i]!(one));
  }
}

/** A send's credit checked, as the scripts' ARGV: openid, templateId, ledger record id, atMs, reserved. */
function creditArgs(appId: string, credit: SentCredit): string[] {
  assertSubscriptionKey(credit.key);
  assertLedgerWrite({ at: credit.at });
  if (credit.key.appId !== appId) throw new Error('a send is counted in its own app');
  const { openid, templateId } = credit.key;
  return [
    openid,
    templateId,
    subscriptionId(openid, templateId),
    String(credit.at.getTime()),
    credit.reserved ? '1' : '0',
  ];
}
