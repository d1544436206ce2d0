// Key layout (base = `${prefix}:{${appId}}:ledger`; the braces are a Redis Cluster hash tag, so
// every key of one app lives in one slot and the scripts below may touch them together):
//   ${base}:sub:${id}                 hash    one subscription record; dates as epoch ms,
//                                             longTerm '1'/'0', `remaining` absent when null
//   ${base}:idx:all                   zset    every record of the app
//   ${base}:idx:o:${openid}           zset    a user's records (at most one per template)
//   ${base}:idx[:s:${status}][:q:${0|1}][:t:${templateId}]
//                                     zset    one per non-empty subset of status, hasQuota and
//                                             template, so every filter without an openid is a
//                                             single sorted set
// Every zset has score 0 and members `${createdAt ms, 16 digits}|${id}`, so lexical order is list
// order and a cursor is a BYLEX bound. `:` and `%` in openid/templateId are %-escaped in keys.
// All writes go through one Lua script (redis-ledger-scripts.ts) that updates record and indexes
// together.
import type { RedisClient } from '../../infra/redis/redis-connection.js';
import { validatePageSize, type Page, type PageRequest } from '../../shared/page.js';
import {
  decodeLedgerCursor,
  encodeLedgerCursor,
  ledgerPosition,
  positionId,
} from './ledger-order.js';
import { assertAppId } from '../../shared/identifiers.js';
import {
  assertHolderRequest,
  assertLedgerWrite,
  assertSubscriptionFilter,
  assertSubscriptionKey,
  parseSubscriptionId,
  subscriptionId,
  type HolderPage,
  type LedgerSource,
  type LedgerStore,
  type SubscribeStatus,
  type SubscriptionFilter,
  type SubscriptionKey,
  type SubscriptionRecord,
} from './ledger-store.js';
import type { LuaReply } from '../../infra/redis/redis-lua.js';
import { applyLedgerOp, listCreditHolders, listLedger } from './redis-ledger-scripts.js';

export interface RedisLedgerStoreOptions {
  client: RedisClient;
  /** Namespace of every key, e.g. `wsg`; records live under `${prefix}:{${appId}}:ledger:`. */
  prefix: string;
}

type LedgerOp = 'record' | 'reserve' | 'release' | 'sent' | 'noCredit' | 'revoke';

export class RedisLedgerStore implements LedgerStore {
  constructor(private readonly options: RedisLedgerStoreOptions) {}

  async record(
    key: SubscriptionKey,
    r: { status: SubscribeStatus; longTerm: boolean; source: LedgerSource; at: Date },
  ): Promise<SubscriptionRecord> {
    assertLedgerWrite(r);
    const reply = await this.apply(key, 'record', r.at, [
      r.status,
      r.longTerm ? '1' : '0',
      r.source,
    ]);
    const record = parseRecord(reply);
    if (record === null) throw new Error('ledger script returned no record for record()');
    return record;
  }

  async reserve(key: SubscriptionKey, at: Date): Promise<boolean> {
    assertLedgerWrite({ at });
    return (await this.apply(key, 'reserve', at)) === 1;
  }

  async release(key: SubscriptionKey, at: Date): Promise<void> {
    assertLedgerWrite({ at });
    await this.apply(key, 'release', at);
  }

  async recordSent(
    key: SubscriptionKey,
    r: { reserved: boolean; at: Date },
  ): Promise<SubscriptionRecord | null> {
    assertLedgerWrite(r);
    return parseRecord(await this.apply(key, 'sent', r.at, [r.reserved ? '1' : '0']));
  }

  async markNoCredit(key: SubscriptionKey, at: Date): Promise<void> {
    assertLedgerWrite({ at });
    await this.apply(key, 'noCredit', at);
  }

  async revoke(
    key: SubscriptionKey,
    r: { source: LedgerSource; at: Date },
  ): Promise<SubscriptionRecord | null> {
    assertLedgerWrite(r);
    return parseRecord(await this.apply(key, 'revoke', r.at, [r.source]));
  }

  async get(key: SubscriptionKey): Promise<SubscriptionRecord | null> {
    assertSubscriptionKey(key);
    const hash = await this.options.client.hGetAll(this.recordKey(key));
    return Object.keys(hash).length === 0 ? null : fromHash(hash);
  }

  async list(
    appId: string,
    filter: SubscriptionFilter,
    page: PageRequest,
  ): Promise<Page<SubscriptionRecord>> {
    assertAppId(appId);
    assertSubscriptionFilter(filter);
    const first = validatePageSize(page.first);
    const after = page.after ? decodeLedgerCursor(page.after) : '';
    const reply = await listLedger.run(
      this.options.client,
      [],
      [
        this.base(appId),
        filter.openid ?? '',
        filter.status ?? '',
        filter.hasQuota === undefined ? '' : filter.hasQuota ? '1' : '0',
        filter.templateId ?? '',
        after,
        String(first + 1),
      ],
    );
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || !Array.isArray(reply[1])) {
      throw new Error('unexpected reply from the ledger list script');
    }
    const records = reply[1].map((flat) => {
      const record = parseRecord(flat);
      if (record === null) throw new Error('unexpected record in the ledger list reply');
      return record;
    });
    const items = records.slice(0, first);
    const last = items[items.length - 1];
    return {
      items,
      endCursor: last === undefined ? null : encodeLedgerCursor(ledgerPosition(last)),
      hasNextPage: records.length > first,
      totalCount: reply[0],
    };
  }

  async creditHolders(appId: string, templateId: string, page: PageRequest): Promise<HolderPage> {
    const first = assertHolderRequest(appId, templateId, page);
    const after = page.after ? decodeLedgerCursor(page.after) : '';
    const reply = await listCreditHolders.run(
      this.options.client,
      [],
      [this.base(appId), templateId, after, String(first + 1)],
    );
    if (!Array.isArray(reply)) throw new Error('unexpected reply from the credit holders script');
    const positions = reply.slice(0, first).map(String);
    const openids = positions.map((position) => {
      const key = parseSubscriptionId(positionId(position));
      if (key === null) throw new Error(`unexpected member ${position} in a ledger index`);
      return key.openid;
    });
    const last = positions[positions.length - 1];
    return {
      openids,
      endCursor: last === undefined ? null : encodeLedgerCursor(last),
      hasNextPage: reply.length > first,
    };
  }

  private async apply(
    key: SubscriptionKey,
    op: LedgerOp,
    at: Date,
    extra: string[] = [],
  ): Promise<LuaReply> {
    assertSubscriptionKey(key);
    const id = subscriptionId(key.openid, key.templateId);
    return applyLedgerOp.run(
      this.options.client,
      [this.recordKey(key)],
      [
        this.base(key.appId),
        key.appId,
        key.openid,
        key.templateId,
        id,
        op,
        String(at.getTime()),
        ...extra,
      ],
    );
  }

  private base(appId: string): string {
    return ledgerKeyBase(this.options.prefix, appId);
  }

  private recordKey(key: SubscriptionKey): string {
    return ledgerRecordKey(this.options.prefix, key);
  }
}

export function ledgerKeyBase(prefix: string, appId: string): string {
  return `${prefix}:{${appId}}:ledger`;
}

export function ledgerRecordKey(prefix: string, key: SubscriptionKey): string {
  return `${ledgerKeyBase(prefix, key.appId)}:sub:${subscriptionId(key.openid, key.templateId)}`;
}

function parseRecord(reply: LuaReply): SubscriptionRecord | null {
  if (reply === null) return null;
  if (!Array.isArray(reply)) throw new Error('unexpected reply from the ledger script');
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) hash[String(reply[i])] = String(reply[i + 1]);
  return fromHash(hash);
}

function fromHash(h: Record<string, string>): SubscriptionRecord {
  const field = (name: string): string => {
    const value = h[name];
    if (value === undefined) throw new Error(`ledger record is missing field ${name}`);
    return value;
  };
  return {
    id: field('id'),
    appId: field('appId'),
    openid: field('openid'),
    templateId: field('templateId'),
    longTerm: field('longTerm') === '1',
    status: field('status') as SubscribeStatus,
    remaining: h.remaining === undefined ? null : Number(h.remaining),
    accepted: Number(field('accepted')),
    sent: Number(field('sent')),
    source: field('source') as LedgerSource,
    createdAt: new Date(Number(field('createdAt'))),
    updatedAt: new Date(Number(field('updatedAt'))),
  };
}
