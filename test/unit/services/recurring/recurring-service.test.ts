import { describe, expect, it } from '@jest/globals';
import { createMemoryStores } from '../../../../src/infra/stores.js';
import { nextRun } from '../../../../src/shared/cron-schedule.js';
import { BadUserInputError } from '../../../../src/shared/errors.js';
import type { MessageRecord } from '../../../../src/services/messages/message-store.js';
import { ChainedKeyedMutex } from '../../../../src/services/sending/keyed-mutex.js';
import { SendService } from '../../../../src/services/sending/send-service.js';
import {
  RecurringService,
  type RecurringTimers,
} from '../../../../src/services/recurring/recurring-service.js';
import { TemplateRegistry } from '../../../../src/services/templates/index.js';
import { TemplateCatalog } from '../../../../src/services/templates/template-catalog.js';
import { TEMPLATE } from '../../../helpers/delivery-harness.js';
import { recordingLogger } from '../../../helpers/recording-logger.js';

const APP = 'wxrecurring00001';
const OPENID = 'oDstUser';

/**
 * The service on an injectable clock, with an engine that only records: a test plays the timer,
 * stepping through nextRun across New York's two DST transitions of 2026.
 */
function setup(startAt: string) {
  let now = new Date(startAt);
  const stores = createMemoryStores();
  const catalog = new TemplateCatalog(new TemplateRegistry([TEMPLATE]));
  const logger = recordingLogger();
  const sending = new SendService({
    appId: APP,
    catalog,
    sender: {
      sendSubscribeMessage: () => Promise.reject(new Error('prepare only')),
    },
    ledger: stores.ledger,
    messages: stores.messages,
    idempotency: stores.idempotency,
    userMutex: new ChainedKeyedMutex(),
    quotaPolicy: 'track',
    logger,
  });
  const enqueued: string[] = [];
  const timers: RecurringTimers = {
    upsertRecurring: async () => undefined,
    removeRecurring: async () => undefined,
    enqueue: async (id) => void enqueued.push(id),
  };
  const service = new RecurringService({
    appId: APP,
    store: stores.recurring,
    messages: stores.messages,
    ledger: stores.ledger,
    catalog,
    sending,
    engine: timers,
    logger,
    now: () => now,
  });
  const grant = async (n: number) => {
    for (let i = 0; i < n; i++)
      await stores.ledger.record(
        { appId: APP, openid: OPENID, templateId: TEMPLATE.id },
        { status: 'ACCEPT', longTerm: false, source: 'client', at: now },
      );
  };
  /** Plays the engine's timer until `until`: each occurrence runs at its time. */
  const play = async (key: string, until: string) => {
    const schedule = (await stores.recurring.get(APP, key))!;
    const keys: string[] = [];
    for (let at = nextRun(schedule, now); at && at <= new Date(until); at = nextRun(schedule, at)) {
      now = at;
      const message = await service.runOccurrence(key, at);
      if (message) keys.push(message.key!.slice(key.length + 1));
    }
    return keys;
  };
  return {
    service,
    stores,
    grant,
    play,
    enqueued,
    logger,
    setNow: (iso: string) => (now = new Date(iso)),
  };
}

describe('RecurringService across DST in America/New_York', () => {
  const input = (cron: string) => ({
    key: 'ny',
    openid: OPENID,
    templateId: TEMPLATE.id,
    data: { thing1: '提醒' },
    cron,
    timezone: 'America/New_York',
  });

  it('fall back: 01:30 daily runs once on the night 01:30 happens twice', async () => {
    const t = setup('2026-10-30T12:00:00Z');
    await t.grant(10);
    const created = await t.service.upsert(input('30 1 * * *'));
    expect(created.nextRunAt).toEqual(new Date('2026-10-31T05:30:00Z'));
    expect(await t.play('ny', '2026-11-02T06:00:00Z')).toEqual([
      '2026-10-31T05:30:00.000Z',
      '2026-11-01T05:30:00.000Z',
    ]);
    const schedule = (await t.service.get('ny'))!;
    expect(schedule).toMatchObject({ occurrences: 2, lastRunAt: new Date('2026-11-01T05:30:00Z') });
    expect(schedule.nextRunAt).toEqual(new Date('2026-11-02T06:30:00Z'));
  });

  it('spring forward: 02:30 daily runs at 03:00 EDT on the night 02:30 does not exist', async () => {
    const t = setup('2026-03-06T12:00:00Z');
    await t.grant(10);
    await t.service.upsert(input('30 2 * * *'));
    expect(await t.play('ny', '2026-03-09T12:00:00Z')).toEqual([
      '2026-03-07T07:30:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:30:00.000Z',
    ]);
    expect(t.enqueued).toHaveLength(3);
  });

  it('runs the same occurrence once, however often the engine fires it', async () => {
    const t = setup('2026-10-30T12:00:00Z');
    await t.grant(10);
    await t.service.upsert(input('30 1 * * *'));
    const at = new Date('2026-10-31T05:30:00Z');
    t.setNow('2026-10-31T05:30:00Z');
    expect(await t.service.runOccurrence('ny', at)).not.toBeNull();
    expect(await t.service.runOccurrence('ny', at)).toBeNull();
    await t.service.upsert(input('30 1 * * *')); // replaced: the same occurrence still runs once
    expect(await t.service.runOccurrence('ny', at)).toBeNull();
    expect(
      (await t.stores.messages.list(APP, { scheduleKey: 'ny' }, { first: 10 })).totalCount,
    ).toBe(1);
  });

  it('stops at limit: nextRunAt null, later occurrences make no message', async () => {
    const t = setup('2026-10-30T12:00:00Z');
    await t.grant(10);
    await t.service.upsert({ ...input('30 1 * * *'), limit: 1 });
    expect(await t.play('ny', '2026-11-03T12:00:00Z')).toEqual(['2026-10-31T05:30:00.000Z']);
    expect(await t.service.get('ny')).toMatchObject({ occurrences: 1, nextRunAt: null });
  });

  it('does not take a message of another origin holding its key for the occurrence: warns, does not count it', async () => {
    const t = setup('2026-10-30T12:00:00Z');
    await t.grant(10);
    const first = new Date('2026-10-31T05:30:00Z');
    // A direct schedule keyed like the first occurrence, as was possible before such keys were reserved.
    await t.stores.messages.create(foreignHeldMessage(`ny@${first.toISOString()}`));
    await t.service.upsert({ ...input('30 1 * * *'), limit: 1 });

    expect(await t.play('ny', '2026-11-02T12:00:00Z')).toEqual(['2026-11-01T05:30:00.000Z']);
    const warnings = t.logger.at('warn').filter((l) => l.fields.occurrence !== undefined);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.fields).toMatchObject({
      scheduleKey: 'ny',
      occurrence: first.toISOString(),
      messageId: 'm-foreign',
    });
    expect(warnings[0]!.msg).toMatch(/not run/);
    expect(await t.service.get('ny')).toMatchObject({
      occurrences: 1,
      lastRunAt: new Date('2026-11-01T05:30:00Z'),
    });
    const held = await t.stores.messages.findByKey(APP, `ny@${first.toISOString()}`);
    expect(held).toMatchObject({ id: 'm-foreign', status: 'HELD', scheduleKey: null });
  });
});

describe('RecurringService: a window the cron never runs in', () => {
  const input = {
    key: 'window',
    openid: OPENID,
    templateId: TEMPLATE.id,
    data: { thing1: '提醒' },
    cron: '0 9 1 1 *', // 09:00 on 1 January
    timezone: 'UTC',
  };
  const refusal = (t: ReturnType<typeof setup>, extra: { startAt?: Date; endAt?: Date }) =>
    t.service.upsert({ ...input, ...extra }).then(
      () => null,
      (error: unknown) => error as Error & { extensions?: Record<string, unknown> },
    );

  it('says startAt when the window starts there', async () => {
    const t = setup('2026-03-01T00:00:00Z');
    const error = await refusal(t, {
      startAt: new Date('2027-02-01T00:00:00Z'),
      endAt: new Date('2027-12-01T00:00:00Z'),
    });
    expect(error?.message).toBe('cron never runs between startAt and endAt');
    expect(error?.extensions).toMatchObject({ field: 'cron' });
  });

  it('says now when there is no startAt, or it has passed', async () => {
    const t = setup('2026-03-01T00:00:00Z');
    for (const extra of [
      { endAt: new Date('2026-12-01T00:00:00Z') },
      { startAt: new Date('2026-02-01T00:00:00Z'), endAt: new Date('2026-12-01T00:00:00Z') },
    ])
      expect((await refusal(t, extra))?.message).toBe('cron never runs between now and endAt');
  });
});

function foreignHeldMessage(key: string): MessageRecord {
  const at = new Date('2026-10-30T12:00:00Z');
  return {
    id: 'm-foreign',
    appId: APP,
    openid: 'oSomeoneElse',
    templateId: TEMPLATE.id,
    status: 'HELD',
    errcode: null,
    errmsg: null,
    msgid: null,
    attempts: 0,
    data: { thing1: '别的' },
    page: null,
    miniprogramState: 'formal',
    lang: 'zh_CN',
    idempotencyKey: null,
    createdAt: at,
    sentAt: null,
    deliveredAt: null,
    deliveryErrorCode: null,
    deliveryErrorStatus: null,
    key,
    sendAt: null,
    expiresAt: null,
    trigger: { name: 'review', matchKey: 'x', timeoutAt: new Date('2026-12-01T00:00:00Z') },
    skipReason: null,
    campaignId: null,
    scheduleKey: null,
    inputHash: 'direct',
    batchId: null,
    sendingJob: null,
    updatedAt: at,
  };
}

describe('RecurringService: timezone', () => {
  const input = (timezone: string) => ({
    key: 'tz',
    openid: OPENID,
    templateId: TEMPLATE.id,
    data: { thing1: '提醒' },
    cron: '0 9 * * *',
    timezone,
  });

  it.each(['CST', 'EST', 'PST', 'GMT', 'GMT+8', 'PRC', '+08:00', 'Mars/Olympus_Mons'])(
    'refuses %j, which is not an IANA location name, naming timezone and storing nothing',
    async (timezone) => {
      const t = setup('2026-03-01T00:00:00Z');
      const error = await t.service.upsert(input(timezone)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BadUserInputError);
      expect(error).toMatchObject({ field: 'timezone' });
      expect((error as Error).message).toContain('use one such as Asia/Shanghai');
      expect(await t.service.get('tz')).toBeNull();
    },
  );

  it.each([
    ['asia/shanghai', 'Asia/Shanghai'],
    ['AMERICA/NEW_YORK', 'America/New_York'],
    ['utc', 'UTC'],
    ['Etc/GMT-8', 'Etc/GMT-8'],
    // Intl resolves these current names to older aliases: the name given is kept.
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Europe/Kyiv', 'Europe/Kyiv'],
  ])('accepts %j and stores it as %j', async (given, stored) => {
    const t = setup('2026-03-01T00:00:00Z');
    expect((await t.service.upsert(input(given))).timezone).toBe(stored);
    expect((await t.stores.recurring.get(APP, 'tz'))!.timezone).toBe(stored);
  });

  it('reads Asia/Shanghai as China time: 09:00 there is 01:00 UTC', async () => {
    const t = setup('2026-03-01T00:00:00Z');
    expect((await t.service.upsert(input('asia/shanghai'))).nextRunAt).toEqual(
      new Date('2026-03-01T01:00:00Z'),
    );
  });
});
