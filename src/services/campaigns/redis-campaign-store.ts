// Key layout (base = `${prefix}:{${appId}}:campaigns`, one store per app; the braces are a Redis
// Cluster hash tag, so the app's campaign keys share one slot and the scripts may touch them
// together):
//   ${base}:rec:${id}          string  one campaign as JSON (dates as epoch ms)
//   ${base}:aud:${id}          list    its fixed audience, in fan-out order
//   ${base}:app:${appId}:all   zset    the app's campaigns (score 0, id: newest first by BYLEX)
//   ${base}:app:${appId}:key   hash    caller key → campaign id
//   ${base}:app:${appId}:open  set     campaigns not finished yet (what the runner looks at)
// Ids are unique across apps, so a record is found without its app.
import type { RedisClient } from '../../infra/redis/redis-connection.js';
import { LuaScript } from '../../infra/redis/redis-lua.js';
import { validatePageSize, type Page, type PageRequest } from '../../shared/page.js';
import {
  campaignFromJson,
  campaignToJson,
  decodeCampaignCursor,
  DuplicateCampaignKeyError,
  encodeCampaignCursor,
  isCampaignId,
  type CampaignPatch,
  type CampaignRecord,
  type CampaignStatus,
  type CampaignStore,
  type CampaignTransition,
} from './campaign-store.js';

/** KEYS: rec, aud, all, key, open. ARGV: id, key, json, openids… → 1, or the id holding the key. */
const create = new LuaScript(`
local existing = redis.call('HGET', KEYS[4], ARGV[2])
if existing then return existing end
redis.call('SET', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[5], ARGV[1])
for i = 4, #ARGV, 5000 do
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 4999, #ARGV)))
end
return 1
`);

/** KEYS: rec. ARGV: from statuses (comma-separated, '' = any), patch JSON → {applied, json} or nil. */
const transition = new LuaScript(`
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local r = cjson.decode(raw)
if ARGV[1] ~= '' then
  local ok = false
  for s in string.gmatch(ARGV[1], '[^,]+') do if s == r.status then ok = true end end
  if not ok then return {0, raw} end
end
for k, v in pairs(cjson.decode(ARGV[2])) do r[k] = v end
local out = cjson.encode(r)
redis.call('SET', KEYS[1], out)
if r.finishedAt ~= cjson.null and r.finishedAt ~= nil then
  redis.call('SREM', ARGV[3] .. r.appId .. ':open', r.id)
end
return {1, out}
`);

/** KEYS: rec, aud. ARGV: expected cursor JSON, next cursor JSON, fix (0|1), openids… → 1|0. */
const appendAudience = new LuaScript(`
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local r = cjson.decode(raw)
if r.total ~= cjson.null and r.total ~= nil then return 0 end
if r.audienceCursor ~= cjson.decode('[' .. ARGV[1] .. ']')[1] then return 0 end
for i = 4, #ARGV, 5000 do
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 4999, #ARGV)))
end
r.audienceCursor = cjson.decode('[' .. ARGV[2] .. ']')[1]
if ARGV[3] == '1' then r.total = redis.call('LLEN', KEYS[2]) end
redis.call('SET', KEYS[1], cjson.encode(r))
return 1
`);

export class RedisCampaignStore implements CampaignStore {
  private readonly base: string;

  private readonly client: RedisClient;

  /** `appId`: the app whose campaigns the store holds (its hash tag). */
  constructor(deps: { client: RedisClient; prefix: string; appId: string }) {
    this.client = deps.client;
    this.base = `${deps.prefix}:{${deps.appId}}:campaigns`;
  }

  async create(record: CampaignRecord, openids: readonly string[] = []): Promise<void> {
    const reply = await create.run(
      this.client,
      [
        this.rec(record.id),
        this.aud(record.id),
        this.app(record.appId, 'all'),
        this.app(record.appId, 'key'),
        this.app(record.appId, 'open'),
      ],
      [record.id, record.key, campaignToJson(record), ...openids],
    );
    if (typeof reply === 'string')
      throw new DuplicateCampaignKeyError(record.appId, record.key, reply);
  }

  async get(id: string): Promise<CampaignRecord | null> {
    if (!isCampaignId(id)) return null;
    const json = await this.client.get(this.rec(id));
    return json ? campaignFromJson(json) : null;
  }

  async findByKey(appId: string, key: string): Promise<CampaignRecord | null> {
    const id = await this.client.hGet(this.app(appId, 'key'), key);
    return id ? this.get(id) : null;
  }

  async transition(
    id: string,
    from: readonly CampaignStatus[] | null,
    patch: CampaignPatch,
  ): Promise<CampaignTransition> {
    const reply = await transition.run(
      this.client,
      [this.rec(id)],
      [from === null ? '' : from.join(','), campaignToJson(patch), `${this.base}:app:`],
    );
    if (reply === null) return { applied: false, record: null };
    if (!Array.isArray(reply)) throw new Error('unexpected reply from the campaign script');
    const record = campaignFromJson(String(reply[1]));
    return reply[0] === 1 ? { applied: true, record } : { applied: false, record };
  }

  async list(
    appId: string,
    filter: { status?: CampaignStatus },
    page: PageRequest,
  ): Promise<Page<CampaignRecord>> {
    const first = validatePageSize(page.first);
    const after = page.after ? decodeCampaignCursor(page.after) : null;
    // An app has few campaigns: read them all, newest first, and filter here.
    const ids = await this.client.zRange(this.app(appId, 'all'), '+', '-', {
      BY: 'LEX',
      REV: true,
    });
    const records = await this.getMany(ids);
    const matching = records.filter((c) => !filter.status || c.status === filter.status);
    const rest = after === null ? matching : matching.filter((c) => c.id < after);
    const items = rest.slice(0, first);
    const last = items[items.length - 1];
    return {
      items,
      endCursor: last ? encodeCampaignCursor(last.id) : null,
      hasNextPage: rest.length > first,
      totalCount: matching.length,
    };
  }

  async listUnfinished(appId: string): Promise<CampaignRecord[]> {
    const ids = (await this.client.sMembers(this.app(appId, 'open'))).sort();
    return (await this.getMany(ids)).filter((c) => c.finishedAt === null);
  }

  async appendAudience(
    id: string,
    expected: string | null,
    openids: readonly string[],
    next: { cursor: string | null; fix: boolean },
  ): Promise<boolean> {
    const reply = await appendAudience.run(
      this.client,
      [this.rec(id), this.aud(id)],
      [JSON.stringify(expected), JSON.stringify(next.cursor), next.fix ? '1' : '0', ...openids],
    );
    return reply === 1;
  }

  async audience(id: string, start: number, count: number): Promise<string[]> {
    if (count <= 0) return [];
    return this.client.lRange(this.aud(id), start, start + count - 1);
  }

  private async getMany(ids: string[]): Promise<CampaignRecord[]> {
    if (ids.length === 0) return [];
    const jsons = await this.client.mGet(ids.map((id) => this.rec(id)));
    return jsons.filter((j): j is string => typeof j === 'string').map(campaignFromJson);
  }

  private rec(id: string): string {
    return `${this.base}:rec:${id}`;
  }

  private aud(id: string): string {
    return `${this.base}:aud:${id}`;
  }

  private app(appId: string, what: 'all' | 'key' | 'open'): string {
    return `${this.base}:app:${appId}:${what}`;
  }
}
