import { LOCK_IN_SCRIPT } from '../../infra/redis/redis-lock.js';
import { LUA_ESCAPE, LuaScript } from '../../infra/redis/redis-lua.js';
import { MESSAGE_STATUSES } from './message-store.js';

// Lua for the Redis message log: record, indexes and msgid map change in one atomic step. Index
// keys are derived inside the script from ARGV[1] (the app's key base) because an update must
// leave the indexes of the stored status, which only the script sees; fine on a single Redis or
// a replica set, not on Redis Cluster.

/** Shared helpers; the app's message key base is ARGV[1] in every script that includes them. */
export const MESSAGE_PRELUDE = `
local base = ARGV[1]

${LUA_ESCAPE}
-- Sorted sets of message ids (one score, so ranked by id, which is time-ordered): every message,
-- and the messages of one openid, one template, one status, one template in one status. Free-text
-- parts are escaped so that no two subsets can produce the same key.
local function subsetKey(o, t, s)
  local k = base .. ':idx'
  if o then k = k .. ':o:' .. esc(o) end
  if t then k = k .. ':t:' .. esc(t) end
  if s then k = k .. ':s:' .. s end
  if not (o or t or s) then k = k .. ':all' end
  return k
end

-- SENDING lasts as long as a call to WeChat, and every send passes through it: it is indexed by
-- status alone, and a filter naming it with a template walks that set, which holds only the sends
-- in flight. A filter with an openid walks that user's own set (see listMessages): one user's
-- messages are few, and the per-user subsets by template and status were most of a send's index
-- writes and most of the keys.
local STATUS_ONLY = { SENDING = true }

local function indexKeys(o, t, s)
  if STATUS_ONLY[s] then
    return { subsetKey(nil, nil, nil), subsetKey(o, nil, nil), subsetKey(nil, t, nil), subsetKey(nil, nil, s) }
  end
  return { subsetKey(nil, nil, nil), subsetKey(o, nil, nil), subsetKey(nil, t, nil), subsetKey(nil, nil, s),
    subsetKey(nil, t, s) }
end

`;

// Status-dependent indexes of one record state. Each zset maps to its score: the filter subsets
// (score 0, lexical by id), the campaign and schedule indexes, and the due-time index of a
// pending status (see dueTime in message-store.ts: the two adapters must agree). `held` is the
// set of HELD messages waiting for one (trigger name, matchKey).
export const MESSAGE_INDEXING = `
local PENDING = { SCHEDULED = true, QUEUED = true, HELD = true, SENDING = true }

-- Scores and counts go to Redis as the strings they are stored as: a Lua number passed to
-- redis.call is formatted with snprintf first, which was a noticeable part of every send.
local function dueScore(f)
  local s = f.status
  if s == 'SCHEDULED' or s == 'QUEUED' then return f.sendAt or f.updatedAt end
  if s == 'HELD' then
    local timeout = f.triggerTimeoutAt or f.updatedAt
    if f.expiresAt and tonumber(f.expiresAt) < tonumber(timeout) then return f.expiresAt end
    return timeout
  end
  if s == 'SENDING' then return f.updatedAt end
  return nil
end

local function heldKey(f)
  if f.status == 'HELD' and f.triggerName then
    return base .. ':held:' .. esc(f.triggerName) .. ':' .. esc(f.triggerMatchKey)
  end
  return nil
end

local function memberships(f)
  local z = {}
  for _, k in ipairs(indexKeys(f.openid, f.templateId, f.status)) do z[k] = '0' end
  if f.campaignId then z[base .. ':idx:c:' .. esc(f.campaignId)] = '0' end
  if f.scheduleKey then z[base .. ':idx:r:' .. esc(f.scheduleKey)] = '0' end
  local due = dueScore(f)
  if due then z[base .. ':due:' .. f.status] = due end
  return z, heldKey(f)
end

-- The filter subsets that name a status: all a status change moves when nothing else changes.
local function statusKeys(t, s)
  if STATUS_ONLY[s] then return { subsetKey(nil, nil, s) } end
  return { subsetKey(nil, nil, s), subsetKey(nil, t, s) }
end

local function sameOwners(old, new)
  return old.openid == new.openid and old.templateId == new.templateId
    and old.campaignId == new.campaignId and old.scheduleKey == new.scheduleKey
end

-- A transition that keeps openid, template, campaign and schedule (every one the engine makes):
-- only the status subsets, the due-time index and the trigger set can change, so only their keys
-- are built (building all of them was most of a transition's time).
local function reindexStatus(id, old, new)
  if old.status ~= new.status then
    for _, k in ipairs(statusKeys(old.templateId, old.status)) do redis.call('ZREM', k, id) end
    for _, k in ipairs(statusKeys(new.templateId, new.status)) do redis.call('ZADD', k, '0', id) end
  end
  local od, nd = dueScore(old), dueScore(new)
  if od and (nd == nil or old.status ~= new.status) then redis.call('ZREM', base .. ':due:' .. old.status, id) end
  if nd and (old.status ~= new.status or od ~= nd) then redis.call('ZADD', base .. ':due:' .. new.status, nd, id) end
  local oh, nh = heldKey(old), heldKey(new)
  if oh and oh ~= nh then redis.call('SREM', oh, id) end
  if nh and nh ~= oh then redis.call('SADD', nh, id) end
end

-- A campaign's count of messages per status, kept with the records so that progress is one
-- HGETALL instead of a pass over every message of the campaign (which blocks Redis for as long).
local function countInCampaign(f, delta)
  if not (f and f.campaignId) then return end
  local key = base .. ':cstat:' .. esc(f.campaignId)
  if redis.call('HINCRBY', key, f.status, delta) <= 0 then redis.call('HDEL', key, f.status) end
end

-- Moves a record's index entries from state old (nil on create) to state new.
local function reindex(id, old, new)
  if not old or old.status ~= new.status or old.campaignId ~= new.campaignId then
    countInCampaign(old, '-1')
    countInCampaign(new, '1')
  end
  if old and sameOwners(old, new) then
    reindexStatus(id, old, new)
  else
    local oz, oh = {}, nil
    if old then oz, oh = memberships(old) end
    local nz, nh = memberships(new)
    for k, _ in pairs(oz) do if nz[k] == nil then redis.call('ZREM', k, id) end end
    for k, score in pairs(nz) do if oz[k] ~= score then redis.call('ZADD', k, score, id) end end
    if oh and oh ~= nh then redis.call('SREM', oh, id) end
    if nh and nh ~= oh then redis.call('SADD', nh, id) end
  end
  local om, nm = old and old.msgid, new.msgid
  if om ~= nm then
    local map = base .. ':msgid'
    if om and redis.call('HGET', map, om) == id then redis.call('HDEL', map, om) end
    if nm then redis.call('HSET', map, nm, id) end
  end
end

local function toTable(flat)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end
`;

/**
 * patchMessage(key, id, allowed, setFrom, nset, delTo): ARGV[setFrom …] holds nset field/value
 * pairs to set and the rest up to ARGV[delTo] the fields to delete. `allowed` is a comma-separated
 * status list ('' = any). Returns false for an unknown id, else { 1 applied | 0 refused, the
 * record as HGETALL before the patch }.
 */
export const MESSAGE_PATCH = `
local function patchMessage(key, id, allowed, setFrom, nset, delTo)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return false end
  local old = toTable(flat)
  if allowed ~= '' and not string.find(',' .. allowed .. ',', ',' .. old.status .. ',', 1, true) then
    return { 0, flat }
  end
  local new = toTable(flat)
  local setTo, delFrom = setFrom + 2 * nset - 1, setFrom + 2 * nset
  for i = setFrom, setTo, 2 do new[ARGV[i]] = ARGV[i + 1] end
  for i = delFrom, delTo do new[ARGV[i]] = nil end
  if nset > 0 then redis.call('HSET', key, unpack(ARGV, setFrom, setTo)) end
  if delTo >= delFrom then redis.call('HDEL', key, unpack(ARGV, delFrom, delTo)) end
  reindex(id, old, new)
  return { 1, flat }
end
`;

/**
 * createRecord(key, id, from, to): stores the message whose field/value pairs are ARGV[from … to],
 * with its indexes, its msgid and its caller key. Returns 1 when stored, 0 when the id exists, or
 * the id of the message already holding the key.
 */
const MESSAGE_CREATE = `
local function createRecord(key, id, from, to)
  if redis.call('EXISTS', key) == 1 then return 0 end
  local f = {}
  for i = from, to, 2 do f[ARGV[i]] = ARGV[i + 1] end
  if f.key then
    local holder = redis.call('HGET', base .. ':key', f.key)
    if holder then return holder end
    redis.call('HSET', base .. ':key', f.key, id)
  end
  redis.call('HSET', key, unpack(ARGV, from, to))
  reindex(id, nil, f)
  return 1
end
`;

/**
 * Creates a message (createRecord). KEYS[1] record hash. ARGV: base, id, field/value pairs.
 */
export const createMessage = new LuaScript(
  MESSAGE_PRELUDE +
    MESSAGE_INDEXING +
    MESSAGE_CREATE +
    `
return createRecord(KEYS[1], ARGV[2], 3, #ARGV)
`,
);

/**
 * Creates many messages (createRecord each), in one step.
 * KEYS[i] the i-th record hash. ARGV: base, then per record its id, how many ARGV its field/value
 * pairs take, and the pairs. Returns { 1 stored | 0 the id exists, ... } in KEYS order.
 */
export const createManyMessages = new LuaScript(
  MESSAGE_PRELUDE +
    MESSAGE_INDEXING +
    MESSAGE_CREATE +
    `
local out, at = {}, 2
for i = 1, #KEYS do
  local n = tonumber(ARGV[at + 1])
  out[i] = createRecord(KEYS[i], ARGV[at], at + 2, at + 1 + n)
  at = at + 2 + n
end
return out
`,
);

/**
 * Claims messages for the engine jobs sending them (see MessageStore.claimBatch), in one step.
 * KEYS: per claim its record hash then its lock. ARGV: base, now (epoch ms), due slack ms, the
 * UNKNOWN patch's three field/value pairs (ARGV[4..9]), then per claim ten: its id, job id, lock
 * owner, lease ms and its SENDING patch's three field/value pairs.
 * Returns per claim { 'claimed' | 'interrupted', the record as HGETALL before the patch },
 * { 'busy' } or { 'other', the record as HGETALL (empty if gone) }.
 */
export const claimBatchMessages = new LuaScript(
  MESSAGE_PRELUDE +
    MESSAGE_INDEXING +
    MESSAGE_PATCH +
    LOCK_IN_SCRIPT +
    `
local now, slack = tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
for i = 1, #KEYS / 2 do
  local key, lock, at = KEYS[2 * i - 1], KEYS[2 * i], 10 * i
  local id = ARGV[at]
  local r = redis.call('HMGET', key, 'status', 'sendingJob', 'sendAt', 'expiresAt')
  if r[1] == 'SENDING' and r[2] == ARGV[at + 1] then
    out[i] = { 'interrupted', patchMessage(key, id, 'SENDING', 4, 3, 9)[2] }
  elseif r[1] == 'QUEUED' and (not r[3] or tonumber(r[3]) <= now + slack)
      and (not r[4] or tonumber(r[4]) > now) then
    if lockBusy(lock) then
      out[i] = { 'busy' }
    else
      out[i] = { 'claimed', patchMessage(key, id, 'QUEUED', at + 4, 3, at + 9)[2] }
      takeLock(lock, ARGV[at + 2], ARGV[at + 3])
    end
  else
    out[i] = { 'other', redis.call('HGETALL', key) }
  end
end
return out
`,
);

/**
 * Creates a message (createRecord) and takes a RedisLock in the same step: -1, and nothing
 * stored, while anybody holds the lock; the lock is taken only when the message was stored.
 * KEYS[1] record hash, KEYS[2] the lock. ARGV: base, id, lock owner, lease ms, field/value pairs.
 */
export const createMessageTakingLock = new LuaScript(
  MESSAGE_PRELUDE +
    MESSAGE_INDEXING +
    MESSAGE_CREATE +
    LOCK_IN_SCRIPT +
    `
if lockBusy(KEYS[2]) then return -1 end
local created = createRecord(KEYS[1], ARGV[2], 5, #ARGV)
if created == 1 then takeLock(KEYS[2], ARGV[3], ARGV[4]) end
return created
`,
);

/**
 * Patches a message and moves its indexes, optionally only from given statuses (compare-and-set):
 * one atomic step, so no two processes can both move a message out of a state.
 * KEYS[1] record hash. ARGV: base, id, allowed statuses comma-separated ('' = any), number of
 * fields to set, their field/value pairs, then the fields to delete (set to null).
 * Returns false for an unknown id, else { 1 applied | 0 refused, the record as HGETALL before the
 * patch } (the caller applies the patch it sent: cheaper than reading the record again).
 */
export const updateMessage = new LuaScript(
  MESSAGE_PRELUDE +
    MESSAGE_INDEXING +
    MESSAGE_PATCH +
    `
local nset = tonumber(ARGV[4])
return patchMessage(KEYS[1], ARGV[2], ARGV[3], 5, nset, #ARGV)
`,
);

/**
 * updateMessage that also takes a RedisLock: -1, and nothing changed, while anybody holds the
 * lock; the lock is taken only when the patch applied.
 * KEYS[1] record hash, KEYS[2] the lock. ARGV: base, lock owner, lease ms, then updateMessage's
 * ARGV from the id on. Returns -1 or what updateMessage returns.
 */
export const updateMessageTakingLock = new LuaScript(
  MESSAGE_PRELUDE +
    MESSAGE_INDEXING +
    MESSAGE_PATCH +
    LOCK_IN_SCRIPT +
    `
if lockBusy(KEYS[2]) then return -1 end
local result = patchMessage(KEYS[1], ARGV[4], ARGV[5], 7, tonumber(ARGV[6]), #ARGV)
if result and result[1] == 1 then takeLock(KEYS[2], ARGV[2], ARGV[3]) end
return result
`,
);

/**
 * One page of the log, newest first.
 * KEYS none. ARGV: base, openid, templateId, statuses comma-separated, campaignId, scheduleKey,
 * upper and lower id bounds of the time window (ZRANGEBYLEX syntax), limit, the cursor (the page
 * starts below this id); '' = not given. The count covers the window, the page starts at the cursor.
 * Without campaign or schedule: with an openid, that user's own set is walked (O(the user's
 * messages in the window)); otherwise every (template, status) subset is one sorted set, a page
 * merges one BYLEX range per admitted status and the count sums ZLEXCOUNTs, O(log n + page);
 * SENDING with a template walks the SENDING set (the sends in flight), see indexKeys.
 * A campaign or schedule index is scanned and filtered (such lists are bounded by their size).
 * Returns { totalCount, { HGETALL, ... } }.
 */
export const listMessages = new LuaScript(
  MESSAGE_PRELUDE +
    `
local function given(v) if v == '' then return nil end return v end
local openid, template = given(ARGV[2]), given(ARGV[3])
local campaign, schedule = given(ARGV[5]), given(ARGV[6])
local upper, lower, limit, after = ARGV[7], ARGV[8], tonumber(ARGV[9]), given(ARGV[10])
local pageUpper = upper
if after and (upper == '+' or '(' .. after < upper) then pageUpper = '(' .. after end
local statuses = {}
for s in string.gmatch(ARGV[4], '[^,]+') do statuses[#statuses + 1] = s end
local ids, count = {}, 0
local admit = nil
if #statuses > 0 then admit = {} for _, s in ipairs(statuses) do admit[s] = true end end
if campaign or schedule then
  local source
  if campaign then source = base .. ':idx:c:' .. esc(campaign) else source = base .. ':idx:r:' .. esc(schedule) end
  for _, id in ipairs(redis.call('ZREVRANGEBYLEX', source, upper, lower)) do
    local r = redis.call('HMGET', base .. ':rec:' .. id, 'openid', 'templateId', 'status', 'campaignId', 'scheduleKey')
    if r[1] and (not openid or r[1] == openid) and (not template or r[2] == template)
      and (not admit or admit[r[3]]) and (not campaign or r[4] == campaign)
      and (not schedule or r[5] == schedule) then
      count = count + 1
      if #ids < limit and (not after or id < after) then ids[#ids + 1] = id end
    end
  end
else
  -- sources are exact (a BYLEX range is the page, a ZLEXCOUNT the count); walked sets are read
  -- whole and openid, template and status checked here: a user's own messages, or the sends in
  -- flight (see indexKeys).
  local sources, walked = {}, {}
  if openid then walked[1] = subsetKey(openid, nil, nil)
  elseif #statuses == 0 then sources[1] = subsetKey(nil, template, nil)
  else
    for _, s in ipairs(statuses) do
      if STATUS_ONLY[s] and template then walked[#walked + 1] = subsetKey(nil, nil, s)
      else sources[#sources + 1] = subsetKey(nil, template, s) end
    end
  end
  for _, source in ipairs(sources) do
    count = count + redis.call('ZLEXCOUNT', source, lower, upper)
    for _, id in ipairs(redis.call('ZREVRANGEBYLEX', source, pageUpper, lower, 'LIMIT', 0, limit)) do
      ids[#ids + 1] = id
    end
  end
  local function matches(id)
    local r = redis.call('HMGET', base .. ':rec:' .. id, 'openid', 'templateId', 'status')
    return r[1] and (not openid or r[1] == openid) and (not template or r[2] == template)
      and (not admit or admit[r[3]])
  end
  -- Redis bounds both ranges (the window for the count, below the cursor for the page), so no id
  -- is compared here.
  for _, source in ipairs(walked) do
    for _, id in ipairs(redis.call('ZREVRANGEBYLEX', source, upper, lower)) do
      if matches(id) then count = count + 1 end
    end
    local taken = 0
    for _, id in ipairs(redis.call('ZREVRANGEBYLEX', source, pageUpper, lower)) do
      if taken >= limit then break end
      if matches(id) then
        ids[#ids + 1] = id
        taken = taken + 1
      end
    end
  end
  if #sources + #walked > 1 then
    table.sort(ids, function(a, b) return a > b end)
    while #ids > limit do table.remove(ids) end
  end
end
local items = {}
for _, id in ipairs(ids) do
  local flat = redis.call('HGETALL', base .. ':rec:' .. id)
  if #flat > 0 then items[#items + 1] = flat end
end
return { count, items }
`,
);

/**
 * Pending messages of one status due at or before a time, earliest first (a sorted set orders
 * equal scores by member: ties by id).
 * KEYS none. ARGV: base, status, until (epoch ms), limit, offset. Returns { HGETALL, ... }.
 */
export const listDueMessages = new LuaScript(
  `
local base = ARGV[1]
local items = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', base .. ':due:' .. ARGV[2], '-inf', ARGV[3], 'LIMIT', ARGV[5], ARGV[4])) do
  local flat = redis.call('HGETALL', base .. ':rec:' .. id)
  if #flat > 0 then items[#items + 1] = flat end
end
return items
`,
);

/**
 * HELD messages waiting for one trigger.
 * KEYS none. ARGV: base, trigger name, matchKey. Returns { HGETALL, ... }.
 */
export const listHeldMessages = new LuaScript(
  MESSAGE_PRELUDE +
    `
local items = {}
for _, id in ipairs(redis.call('SMEMBERS', base .. ':held:' .. esc(ARGV[2]) .. ':' .. esc(ARGV[3]))) do
  local flat = redis.call('HGETALL', base .. ':rec:' .. id)
  if #flat > 0 then items[#items + 1] = flat end
end
return items
`,
);

/**
 * How many of a campaign's messages are in each status: the counts reindex keeps.
 * KEYS none. ARGV: base, campaignId. Returns { status, count, status, count, ... }.
 */
export const countCampaignMessages = new LuaScript(
  MESSAGE_PRELUDE +
    `
return redis.call('HGETALL', base .. ':cstat:' .. esc(ARGV[2]))
`,
);

/**
 * ARGV: base, id bound, limit. Deletes the oldest messages whose id sorts below the bound (ids are
 * time-ordered), up to limit, with every index entry, msgid and key mapping. Returns the count.
 * Messages still waiting to be sent (SCHEDULED, HELD, QUEUED) stay: a send may be scheduled
 * further ahead than the retention period. At most 10 × limit ids are looked at per call.
 */
export const pruneMessages = new LuaScript(
  MESSAGE_PRELUDE +
    MESSAGE_INDEXING +
    `
local WAITING = { SCHEDULED = true, HELD = true, QUEUED = true }
local all = subsetKey(nil, nil, nil)

-- Messages stored before the per-user subsets went (see indexKeys) may still be in them, in
-- whatever status they had then: nothing reads those sets any more, and pruning a message takes it
-- out of every one it could be in. Each of those messages was in its (openid, template) set until
-- pruned, so a message whose set is gone was never in any.
local STATUSES = { ${MESSAGE_STATUSES.map((s) => `'${s}'`).join(', ')} }
local function leaveLegacySubsets(f, id)
  local ot = subsetKey(f.openid, f.templateId, nil)
  if redis.call('EXISTS', ot) == 0 then return end
  redis.call('ZREM', ot, id)
  for _, s in ipairs(STATUSES) do
    redis.call('ZREM', subsetKey(f.openid, nil, s), id)
    redis.call('ZREM', subsetKey(f.openid, f.templateId, s), id)
  end
  redis.call('ZREM', subsetKey(nil, f.templateId, 'SENDING'), id)
end

local limit = tonumber(ARGV[3])
local ids = redis.call('ZRANGEBYLEX', all, '-', '(' .. ARGV[2], 'LIMIT', 0, limit * 10)
local pruned = 0
for _, id in ipairs(ids) do
  if pruned >= limit then break end
  local key = base .. ':rec:' .. id
  local flat = redis.call('HGETALL', key)
  if #flat > 0 then
    local f = toTable(flat)
    if not WAITING[f.status] then
      local z, held = memberships(f)
      for k, _ in pairs(z) do redis.call('ZREM', k, id) end
      leaveLegacySubsets(f, id)
      countInCampaign(f, '-1')
      if held then redis.call('SREM', held, id) end
      local map = base .. ':msgid'
      if f.msgid and redis.call('HGET', map, f.msgid) == id then redis.call('HDEL', map, f.msgid) end
      local keys = base .. ':key'
      if f.key and redis.call('HGET', keys, f.key) == id then redis.call('HDEL', keys, f.key) end
      redis.call('DEL', key)
      pruned = pruned + 1
    end
  else
    redis.call('ZREM', all, id)
    pruned = pruned + 1
  end
end
return pruned
`,
);
