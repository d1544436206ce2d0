import type { RedisClient } from '../../infra/redis/redis-connection.js';
import { LuaScript } from '../../infra/redis/redis-lua.js';
import { decodeCursor, encodeCursor, validatePageSize } from '../../shared/page.js';
import type { Page, PageRequest } from '../../shared/page.js';
import {
  fromJson,
  SCHEDULE_CURSOR,
  toJson,
  type RecurringScheduleRecord,
  type RecurringScheduleStore,
} from './recurring-store.js';

// Key layout (base = `${prefix}:{${appId}}:recurring`; the braces are a Redis Cluster hash tag, so
// one app's keys share a slot):
//   base:s:<key>  hash   json (the schedule as upserted), version, occurrences, lastRunAt (ms)
//   base:keys     zset   every key at score 0, paged BYLEX

/** KEYS[1] schedule hash. ARGV: version, at (ms). Returns 1 if counted. */
const recordRun = new LuaScript(`
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
redis.call('HINCRBY', KEYS[1], 'occurrences', 1)
local last = tonumber(redis.call('HGET', KEYS[1], 'lastRunAt') or '')
if last == nil or last < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], 'lastRunAt', ARGV[2]) end
return 1
`);

export class RedisRecurringScheduleStore implements RecurringScheduleStore {
  constructor(private readonly options: { client: RedisClient; prefix: string }) {}

  async put(record: RecurringScheduleRecord): Promise<void> {
    const { client } = this.options;
    const key = this.scheduleKey(record.appId, record.key);
    await client
      .multi()
      .del(key)
      .hSet(key, {
        json: toJson(record),
        version: record.version,
        occurrences: String(record.occurrences),
        ...(record.lastRunAt ? { lastRunAt: String(record.lastRunAt.getTime()) } : {}),
      })
      .zAdd(this.keysKey(record.appId), { score: 0, value: record.key })
      .exec();
  }

  async get(appId: string, key: string): Promise<RecurringScheduleRecord | null> {
    return this.read(await this.options.client.hGetAll(this.scheduleKey(appId, key)));
  }

  async delete(appId: string, key: string): Promise<boolean> {
    const { client } = this.options;
    const [deleted] = await client
      .multi()
      .del(this.scheduleKey(appId, key))
      .zRem(this.keysKey(appId), key)
      .exec();
    return Number(deleted) > 0;
  }

  async list(appId: string, page: PageRequest): Promise<Page<RecurringScheduleRecord>> {
    const { client } = this.options;
    const first = validatePageSize(page.first);
    const after = page.after ? decodeCursor(SCHEDULE_CURSOR, page.after, () => true) : null;
    const [total, keys] = await Promise.all([
      client.zCard(this.keysKey(appId)),
      client.zRangeByLex(this.keysKey(appId), after === null ? '-' : `(${after}`, '+', {
        LIMIT: { offset: 0, count: first + 1 },
      }),
    ]);
    const items: RecurringScheduleRecord[] = [];
    for (const key of keys.slice(0, first)) {
      const record = await this.get(appId, key);
      if (record) items.push(record);
    }
    const last = keys.slice(0, first).at(-1);
    return {
      items,
      endCursor: last === undefined ? null : encodeCursor(SCHEDULE_CURSOR, last),
      hasNextPage: keys.length > first,
      totalCount: total,
    };
  }

  async recordRun(
    appId: string,
    key: string,
    version: string,
    at: Date,
  ): Promise<RecurringScheduleRecord | null> {
    const counted = await recordRun.run(
      this.options.client,
      [this.scheduleKey(appId, key)],
      [version, String(at.getTime())],
    );
    return counted === 1 ? this.get(appId, key) : null;
  }

  private read(hash: Record<string, string>): RecurringScheduleRecord | null {
    if (!hash.json) return null;
    return {
      ...fromJson(hash.json),
      version: hash.version ?? '',
      occurrences: Number(hash.occurrences ?? 0),
      lastRunAt: hash.lastRunAt ? new Date(Number(hash.lastRunAt)) : null,
    };
  }

  private base(appId: string): string {
    return `${this.options.prefix}:{${appId}}:recurring`;
  }

  private scheduleKey(appId: string, key: string): string {
    return `${this.base(appId)}:s:${key}`;
  }

  private keysKey(appId: string): string {
    return `${this.base(appId)}:keys`;
  }
}
