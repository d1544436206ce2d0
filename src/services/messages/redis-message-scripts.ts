import { LuaScript } from '../../infra/redis/redis-lua.js';

// Lua for the Redis message log: record, indexes and msgid map change in one atomic step. Index
// keys are derived inside the script from ARGV[1] (the app's key base) because an update must
// leave the indexes of the stored status, which only the script sees; fine on a single Redis or
// a replica set, not on Redis Cluster.

const PRELUDE = `
local base = ARGV[1]

local function esc(v)
  return (string.gsub(v, '[%%:]', function(c) return string.format('%%%02X', string.byte(c)) end))
end

-- One sorted set per subset of (openid, template, status); free-text parts are escaped so that
-- no two subsets can produce the same key.
local function subsetKey(o, t, s)
  local k = base .. ':idx'
  if o then k = k .. ':o:' .. esc(o) end
  if t then k = k .. ':t:' .. esc(t) end
  if s then k = k .. ':s:' .. s end
  if not (o or t or s) then k = k .. ':all' end
  return k
end

local function indexKeys(o, t, s)
  return {
    subsetKey(nil, nil, nil), subsetKey(o, nil, nil), subsetKey(nil, t, nil), subsetKey(nil, nil, s),
    subsetKey(o, t, nil), subsetKey(o, nil, s), subsetKey(nil, t, s), subsetKey(o, t, s),
  }
end

local function contains(list, x)
  for _, y in ipairs(list) do if y == x then return true end end
  return false
end
`;

/** KEYS[1] record hash. ARGV: base, id, field/value pairs. Returns 1, or false if the id exists. */
export const createMessage = new LuaScript(
  PRELUDE +
    `
local key, id = KEYS[1], ARGV[2]
if redis.call('EXISTS', key) == 1 then return false end
local f = {}
for i = 3, #ARGV, 2 do f[ARGV[i]] = ARGV[i + 1] end
redis.call('HSET', key, unpack(ARGV, 3))
for _, k in ipairs(indexKeys(f.openid, f.templateId, f.status)) do redis.call('ZADD', k, 0, id) end
if f.msgid then redis.call('HSET', base .. ':msgid', f.msgid, id) end
return 1
`,
);

/**
 * KEYS[1] record hash. ARGV: base, id, number of fields to set, their field/value pairs, then the
 * fields to delete (set to null). Returns the record as HGETALL, or false for an unknown id.
 */
export const updateMessage = new LuaScript(
  PRELUDE +
    `
local key, id = KEYS[1], ARGV[2]
local old = redis.call('HMGET', key, 'openid', 'templateId', 'status', 'msgid')
if not old[1] then return false end
local nset = tonumber(ARGV[3])
if nset > 0 then redis.call('HSET', key, unpack(ARGV, 4, 3 + 2 * nset)) end
if #ARGV > 3 + 2 * nset then redis.call('HDEL', key, unpack(ARGV, 4 + 2 * nset)) end
local new = redis.call('HMGET', key, 'openid', 'templateId', 'status', 'msgid')
local before, after = indexKeys(old[1], old[2], old[3]), indexKeys(new[1], new[2], new[3])
for _, k in ipairs(before) do
  if not contains(after, k) then redis.call('ZREM', k, id) end
end
for _, k in ipairs(after) do
  if not contains(before, k) then redis.call('ZADD', k, 0, id) end
end
if old[4] ~= new[4] then
  local map = base .. ':msgid'
  if old[4] and redis.call('HGET', map, old[4]) == id then redis.call('HDEL', map, old[4]) end
  if new[4] then redis.call('HSET', map, new[4], id) end
end
return redis.call('HGETALL', key)
`,
);

/**
 * ARGV: base, openid, templateId, status, after id, limit; '' = not given. Every filter names
 * exactly one maintained sorted set, so a page is one reverse BYLEX range (O(log n + page)) and
 * the count one ZCARD. Returns { totalCount, { HGETALL, ... } }, newest first.
 */
export const listMessages = new LuaScript(
  PRELUDE +
    `
local function given(v) if v == '' then return nil end return v end
local index = subsetKey(given(ARGV[2]), given(ARGV[3]), given(ARGV[4]))
local from = '+'
if ARGV[5] ~= '' then from = '(' .. ARGV[5] end
local items = {}
for _, id in ipairs(redis.call('ZREVRANGEBYLEX', index, from, '-', 'LIMIT', 0, tonumber(ARGV[6]))) do
  local flat = redis.call('HGETALL', base .. ':rec:' .. id)
  if #flat > 0 then items[#items + 1] = flat end
end
return { redis.call('ZCARD', index), items }
`,
);

/**
 * ARGV: base, id bound, limit. Deletes the oldest messages whose id sorts below the bound (ids are
 * time-ordered), up to limit, with their index entries and msgid mapping. Returns the count.
 */
export const pruneMessages = new LuaScript(
  PRELUDE +
    `
local all = subsetKey(nil, nil, nil)
local ids = redis.call('ZRANGEBYLEX', all, '-', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local key = base .. ':rec:' .. id
  local f = redis.call('HMGET', key, 'openid', 'templateId', 'status', 'msgid')
  if f[1] then
    for _, k in ipairs(indexKeys(f[1], f[2], f[3])) do redis.call('ZREM', k, id) end
    local map = base .. ':msgid'
    if f[4] and redis.call('HGET', map, f[4]) == id then redis.call('HDEL', map, f[4]) end
    redis.call('DEL', key)
  else
    redis.call('ZREM', all, id)
  end
end
return #ids
`,
);
