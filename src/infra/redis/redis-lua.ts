import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-connection.js';

// Shared by every Redis adapter (ledger, messages, idempotency, locks).

/** RESP2 reply of a Lua script: Lua tables become arrays, numbers integers, false/nil null. */
export type LuaReply = string | number | null | LuaReply[];

/**
 * A Lua script run with EVALSHA, falling back to EVAL (which also caches it server-side) when
 * Redis does not know the script yet, e.g. after a restart or SCRIPT FLUSH. Each run is atomic:
 * that is what makes read-modify-write of credits and indexes safe across gateway instances.
 */
export class LuaScript {
  private readonly sha1: string;

  constructor(private readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisClient, keys: string[], args: string[]): Promise<LuaReply> {
    // The command as RESP arguments, straight to sendCommand: the evalSha helper would build
    // the same array through its command parser on every call of the hottest path.
    const command = ['EVALSHA', this.sha1, String(keys.length), ...keys, ...args];
    try {
      return (await client.sendCommand(command)) as LuaReply;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      command[0] = 'EVAL';
      command[1] = this.source;
      return (await client.sendCommand(command)) as LuaReply;
    }
  }
}

/**
 * `esc(v)`: `%` and `:` %-escaped, so free text (openids, template ids) inside a key cannot make
 * two different keys collide. Memoised: one script run builds many index keys from the same few
 * values, and gsub with a function is the costliest step of building them.
 */
export const LUA_ESCAPE = `
local escaped = {}
local function esc(v)
  local e = escaped[v]
  if e == nil then
    e = (string.gsub(v, '[%%:]', function(c) return string.format('%%%02X', string.byte(c)) end))
    escaped[v] = e
  end
  return e
end
`;
