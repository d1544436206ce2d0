import type { RedisClient } from '../../infra/redis/redis-connection.js';
import { LuaScript } from '../../infra/redis/redis-lua.js';
import { assertAppId } from '../../shared/identifiers.js';
import {
  assertLedgerWrite,
  assertSubscriptionKey,
  subscriptionId,
} from '../ledger/ledger-store.js';
import { LEDGER_OP, ledgerPrelude } from '../ledger/redis-ledger-scripts.js';
import { ledgerKeyBase, ledgerRecordKey } from '../ledger/redis-ledger-store.js';
import {
  assertMessageFields,
  assertMessageId,
  type MessagePatch,
  type MessageStatus,
  type TransitionResult,
} from '../messages/message-store.js';
import {
  MESSAGE_INDEXING,
  MESSAGE_PATCH,
  MESSAGE_PRELUDE,
} from '../messages/redis-message-scripts.js';
import { encodePatch, messageKeyBase, messageRecordKey } from '../messages/redis-message-store.js';
import type { SentCredit, SentRecorder } from './sent-recorder.js';

/**
 * The message's patch and the ledger's `sent` in one step. Both key families carry the app's hash
 * tag, so the script stays within one Redis Cluster slot. The ledger's helpers come after the
 * message's and shadow their names (base, esc, …): each function keeps the ones it was defined with.
 * KEYS[1] message record, KEYS[2] ledger record. ARGV: message base, ledger base, appId, openid,
 * templateId, ledger record id, atMs, reserved ('1'/'0'), message id, allowed statuses ('' = any),
 * number of fields to set, their field/value pairs, then the fields to delete.
 * Returns what patchMessage returns.
 */
const recordSentScript = new LuaScript(
  MESSAGE_PRELUDE +
    MESSAGE_INDEXING +
    MESSAGE_PATCH +
    ledgerPrelude('ARGV[2]') +
    LEDGER_OP +
    `
local nset = tonumber(ARGV[11])
local result = patchMessage(KEYS[1], ARGV[9], ARGV[10], 12, nset, #ARGV)
ledgerOp(KEYS[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], 'sent', ARGV[7], ARGV[8])
return result
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
  ): Promise<TransitionResult> {
    assertAppId(appId);
    assertMessageId(id);
    assertMessageFields(patch, false);
    assertSubscriptionKey(credit.key);
    assertLedgerWrite({ at: credit.at });
    if (credit.key.appId !== appId) throw new Error('a send is counted in its own app');
    if (from !== null && from.length === 0) throw new Error('recordSent needs a from status');
    const { prefix, client } = this.options;
    const encoded = encodePatch(id, from, patch);
    const reply = await recordSentScript.run(
      client,
      [messageRecordKey(prefix, appId, id), ledgerRecordKey(prefix, credit.key)],
      [
        messageKeyBase(prefix, appId),
        ledgerKeyBase(prefix, appId),
        appId,
        credit.key.openid,
        credit.key.templateId,
        subscriptionId(credit.key.openid, credit.key.templateId),
        String(credit.at.getTime()),
        credit.reserved ? '1' : '0',
        ...encoded.args,
      ],
    );
    return encoded.decode(reply);
  }
}
