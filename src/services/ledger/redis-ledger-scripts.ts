import { LUA_ESCAPE, LuaScript } from '../../infra/redis/redis-lua.js';

// Lua for the Redis ledger. Each script runs atomically, so a credit is read, changed and
// re-indexed as one step no matter how many gateway instances race. Index keys are derived inside
// the script from ARGV[1] (the app's key base) because which indexes a record leaves depends on
// its stored state; this is fine on a single Redis or a replica set, not on Redis Cluster.
// Lua string comparison follows the server's locale, so positions are only ever compared by
// Redis itself (BYLEX ranges, ZLEXCOUNT), never with `<` in Lua.

/**
 * Shared helpers, given the Lua expression of the app's ledger key base (ARGV[1] in the ledger's own
 * scripts; a script that also includes the message helpers passes another argument).
 */
export const ledgerPrelude = (base: string) => `
local base = ${base}

local FIELDS = { 'id', 'appId', 'openid', 'templateId', 'longTerm', 'status', 'remaining',
  'accepted', 'sent', 'source', 'createdAt', 'updatedAt' }

${LUA_ESCAPE}
local function recordKey(id) return base .. ':sub:' .. id end

local function load(key)
  local flat = redis.call('HGETALL', key)
  if #flat == 0 then return nil end
  local r = {}
  for i = 1, #flat, 2 do r[flat[i]] = flat[i + 1] end
  return r
end

local function copy(r)
  local c = {}
  for k, v in pairs(r) do c[k] = v end
  return c
end

local function flat(r)
  local out = {}
  for _, f in ipairs(FIELDS) do
    if r[f] ~= nil then
      out[#out + 1] = f
      out[#out + 1] = r[f]
    end
  end
  return out
end

local function quota(r)
  if r.longTerm == '1' then
    if r.status == 'ACCEPT' then return '1' end
    return '0'
  end
  if tonumber(r.remaining or '0') > 0 then return '1' end
  return '0'
end

-- One sorted set per subset of (status, quota, template): fixed-vocabulary parts first and the
-- free-text template id last (escaped), so no two subsets can produce the same key.
local function subsetKey(s, q, t)
  local k = base .. ':idx'
  if s then k = k .. ':s:' .. s end
  if q then k = k .. ':q:' .. q end
  if t then k = k .. ':t:' .. esc(t) end
  if not (s or q or t) then k = k .. ':all' end
  return k
end

local function openidKey(o) return base .. ':idx:o:' .. esc(o) end

local function indexKeys(r)
  local s, q, t = r.status, quota(r), r.templateId
  return {
    subsetKey(nil, nil, nil), subsetKey(s, nil, nil), subsetKey(nil, q, nil), subsetKey(nil, nil, t),
    subsetKey(s, q, nil), subsetKey(s, nil, t), subsetKey(nil, q, t), subsetKey(s, q, t),
    openidKey(r.openid),
  }
end

local function position(r)
  return string.rep('0', 16 - #r.createdAt) .. r.createdAt .. '|' .. r.id
end

-- The subsets (which of status, quota, template each names) whose key a change of those moves.
local SUBSETS = { { true, false, false }, { false, true, false }, { false, false, true },
  { true, true, false }, { true, false, true }, { false, true, true }, { true, true, true } }

local function pick(on, v) if on then return v end return nil end

-- Writes the fields that changed, and moves the record only in the subsets whose key changed:
-- an update that keeps status, quota and template (a long-term template's send) moves none.
local function save(key, old, r)
  local changed = {}
  for _, f in ipairs(FIELDS) do
    if r[f] ~= nil and (old == nil or old[f] ~= r[f]) then
      changed[#changed + 1] = f
      changed[#changed + 1] = r[f]
    end
  end
  if #changed > 0 then redis.call('HSET', key, unpack(changed)) end
  if r.remaining == nil and old and old.remaining ~= nil then redis.call('HDEL', key, 'remaining') end
  local member = position(r)
  if old == nil then
    for _, k in ipairs(indexKeys(r)) do redis.call('ZADD', k, '0', member) end
    return
  end
  local os, oq, ot = old.status, quota(old), old.templateId
  local ns, nq, nt = r.status, quota(r), r.templateId
  for _, u in ipairs(SUBSETS) do
    if (u[1] and os ~= ns) or (u[2] and oq ~= nq) or (u[3] and ot ~= nt) then
      redis.call('ZREM', subsetKey(pick(u[1], os), pick(u[2], oq), pick(u[3], ot)), member)
      redis.call('ZADD', subsetKey(pick(u[1], ns), pick(u[2], nq), pick(u[3], nt)), '0', member)
    end
  end
  if old.openid ~= r.openid then
    redis.call('ZREM', openidKey(old.openid), member)
    redis.call('ZADD', openidKey(r.openid), '0', member)
  end
end
`;

/**
 * ledgerOp(key, appId, openid, templateId, id, op, atMs, op arguments a1…a3) mirrors
 * ledger-rules.ts; returns the record as a flat field/value array, false when there is none, or
 * 1/0 for `reserve`.
 */
export const LEDGER_OP = `
local function ledgerOp(key, appId, openid, templateId, id, op, at, a1, a2, a3)
  local old = load(key)
  local r = nil
  if old then r = copy(old) end

  if op == 'record' then
    local status, longTerm, source = a1, a2, a3
    if not r then
      r = { id = id, appId = appId, openid = openid, templateId = templateId, longTerm = longTerm,
        status = 'FILTER', accepted = '0', sent = '0', source = source, createdAt = at, updatedAt = at }
      if longTerm == '0' then r.remaining = '0' end
      if status == 'FILTER' then
        save(key, nil, r)
        return flat(r)
      end
    end
    if status == 'FILTER' then
      r.updatedAt = at
    else
      r.longTerm, r.status, r.source, r.updatedAt = longTerm, status, source, at
      if status == 'ACCEPT' then
        r.accepted = tostring(tonumber(r.accepted) + 1)
        if longTerm == '1' then r.remaining = nil else r.remaining = tostring(tonumber(r.remaining or '0') + 1) end
      elseif status == 'REJECT' then
        -- a popup REJECT keeps the credits of earlier accepts (see ledger-rules.ts)
        if longTerm == '1' then r.remaining = nil else r.remaining = r.remaining or '0' end
      else
        if longTerm == '1' then r.remaining = nil else r.remaining = '0' end
      end
    end
    save(key, old, r)
    return flat(r)
  end

  if not r then
    if op == 'reserve' then return 0 end
    return false
  end

  if op == 'reserve' then
    if r.longTerm == '1' then
      if r.status == 'ACCEPT' then return 1 end
      return 0
    end
    local remaining = tonumber(r.remaining or '0')
    if remaining <= 0 then return 0 end
    r.remaining, r.updatedAt = tostring(remaining - 1), at
    save(key, old, r)
    return 1
  elseif op == 'release' then
    -- only while the record still grants: a revoked permission must not come back (see ledger-rules.ts)
    if r.longTerm == '1' then return false end
    local grants = r.status == 'ACCEPT' or (r.status == 'REJECT' and tonumber(r.remaining or '0') > 0)
    if not grants then return false end
    r.remaining, r.updatedAt = tostring(tonumber(r.remaining or '0') + 1), at
  elseif op == 'sent' then
    r.sent, r.updatedAt = tostring(tonumber(r.sent) + 1), at
    if a1 == '0' and r.longTerm == '0' then
      r.remaining = tostring(math.max(0, tonumber(r.remaining or '0') - 1))
    end
  elseif op == 'noCredit' then
    if r.longTerm == '1' then return false end
    r.remaining, r.updatedAt = '0', at
  elseif op == 'revoke' then
    r.status, r.source, r.updatedAt = 'REJECT', a1, at
    if r.longTerm == '1' then r.remaining = nil else r.remaining = '0' end
  else
    return redis.error_reply('unknown ledger op ' .. op)
  end
  save(key, old, r)
  return flat(r)
end
`;

/** KEYS[1] record hash. ARGV: base, appId, openid, templateId, id, op, atMs, op arguments. */
export const applyLedgerOp = new LuaScript(
  ledgerPrelude('ARGV[1]') +
    LEDGER_OP +
    `
return ledgerOp(KEYS[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10])
`,
);

/**
 * ARGV: base, openid, status, quota ('1'/'0'), templateId, after position, limit; '' = not given.
 * Returns { totalCount, { flat record, ... } } with up to `limit` records after `after`.
 *
 * With an openid the per-user index is walked and the other filters applied here: a user has at
 * most one record per template, so that set is small whatever the app's size. Without one, the
 * filter names exactly one maintained sorted set (a subset of status, quota, template), so the
 * page is one BYLEX range (O(log n + page)) and the count one ZCARD.
 */
export const listLedger = new LuaScript(
  ledgerPrelude('ARGV[1]') +
    `
local openid, status, quotaFilter, templateId, after = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local limit = tonumber(ARGV[7])
local items = {}

if openid ~= '' then
  local index = openidKey(openid)
  local members = redis.call('ZRANGE', index, 0, -1)
  local skip = 0
  if after ~= '' then skip = redis.call('ZLEXCOUNT', index, '-', '[' .. after) end
  local total = 0
  for i, member in ipairs(members) do
    local r = load(recordKey(string.sub(member, 18)))
    if r and (templateId == '' or r.templateId == templateId) and (status == '' or r.status == status)
      and (quotaFilter == '' or quota(r) == quotaFilter) then
      total = total + 1
      if i > skip and #items < limit then items[#items + 1] = flat(r) end
    end
  end
  return { total, items }
end

local function given(v) if v == '' then return nil end return v end
local index = subsetKey(given(status), given(quotaFilter), given(templateId))
local from = '-'
if after ~= '' then from = '(' .. after end
for _, member in ipairs(redis.call('ZRANGEBYLEX', index, from, '+', 'LIMIT', 0, limit)) do
  local r = load(recordKey(string.sub(member, 18)))
  if r then items[#items + 1] = flat(r) end
end
return { redis.call('ZCARD', index), items }
`,
);

/**
 * ARGV: base, templateId, after position ('' = from the first), limit.
 * Returns up to `limit` positions of the template's credit holders after `after`: the members of
 * the one sorted set that `list({ templateId, hasQuota: true })` ranges, so no record is read
 * (a position ends with the record's id, and the id holds the openid).
 */
export const listCreditHolders = new LuaScript(
  ledgerPrelude('ARGV[1]') +
    `
local from = '-'
if ARGV[3] ~= '' then from = '(' .. ARGV[3] end
return redis.call('ZRANGEBYLEX', subsetKey(nil, '1', ARGV[2]), from, '+', 'LIMIT', 0, tonumber(ARGV[4]))
`,
);
