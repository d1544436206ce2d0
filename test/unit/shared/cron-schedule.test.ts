import { describe, expect, it } from '@jest/globals';
import { BadUserInputError } from '../../../src/shared/errors.js';
import { assertStableCron, nextRun, parseCronSchedule } from '../../../src/shared/cron-schedule.js';

const NY = 'America/New_York';

/** The first `n` occurrences after `from` (an injectable clock: no real time passes). */
function runs(cron: string, timezone: string, from: string, n: number): string[] {
  const schedule = parseCronSchedule(cron, timezone);
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < n; i++) {
    const next = schedule.next(at);
    if (!next) break;
    out.push(next.toISOString());
    at = next;
  }
  return out;
}

describe('cron schedules in a time zone', () => {
  it('reads the expression in the zone, 5 or 6 fields', () => {
    expect(runs('0 9 * * *', 'Asia/Shanghai', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-02T01:00:00.000Z',
    ]);
    expect(runs('30 0 9 * * *', 'Asia/Shanghai', '2026-01-01T00:00:00Z', 1)).toEqual([
      '2026-01-01T01:00:30.000Z',
    ]);
  });

  describe('New York, spring forward (2026-03-08, 02:00 EST → 03:00 EDT)', () => {
    it('runs a local time that does not exist at the first instant after the gap', () => {
      // cron-parser alone would give 07:30Z (03:30 EDT) on the 8th.
      expect(runs('30 2 * * *', NY, '2026-03-06T12:00:00Z', 3)).toEqual([
        '2026-03-07T07:30:00.000Z', // 02:30 EST
        '2026-03-08T07:00:00.000Z', // 03:00 EDT
        '2026-03-09T06:30:00.000Z', // 02:30 EDT
      ]);
    });

    it('runs the times of the skipped hour once, where the clocks land', () => {
      expect(runs('*/30 * * * *', NY, '2026-03-08T06:00:00Z', 4)).toEqual([
        '2026-03-08T06:30:00.000Z', // 01:30 EST
        '2026-03-08T07:00:00.000Z', // 02:00 and 02:30 (missing) and 03:00 EDT: once
        '2026-03-08T07:30:00.000Z', // 03:30 EDT
        '2026-03-08T08:00:00.000Z',
      ]);
    });
  });

  describe('New York, fall back (2026-11-01, 02:00 EDT → 01:00 EST)', () => {
    it('runs a local time that occurs twice once, at its first occurrence', () => {
      expect(runs('30 1 * * *', NY, '2026-10-30T12:00:00Z', 3)).toEqual([
        '2026-10-31T05:30:00.000Z', // 01:30 EDT
        '2026-11-01T05:30:00.000Z', // 01:30 EDT, not again at 01:30 EST
        '2026-11-02T06:30:00.000Z', // 01:30 EST
      ]);
    });

    it('runs an hourly schedule once in the repeated hour', () => {
      // cron-parser alone runs it at 05:00Z and again at 06:00Z (01:00 EST).
      expect(runs('0 * * * *', NY, '2026-11-01T04:00:00Z', 3)).toEqual([
        '2026-11-01T05:00:00.000Z', // 01:00 EDT
        '2026-11-01T07:00:00.000Z', // 02:00 EST
        '2026-11-01T08:00:00.000Z',
      ]);
    });

    it('does not run the second pass of the repeated hour when asked from inside it', () => {
      expect(runs('*/20 * * * *', NY, '2026-11-01T06:10:00Z', 1)).toEqual([
        '2026-11-01T07:00:00.000Z',
      ]);
    });
  });

  it('keeps occurrences within startAt and endAt', () => {
    const spec = {
      cron: '0 9 * * *',
      timezone: 'Asia/Shanghai',
      startAt: new Date('2026-01-03T00:00:00Z'),
      endAt: new Date('2026-01-04T01:00:00Z'),
    };
    expect(nextRun(spec, new Date('2026-01-01T00:00:00Z'))?.toISOString()).toBe(
      '2026-01-03T01:00:00.000Z',
    );
    expect(nextRun(spec, new Date('2026-01-03T01:00:00Z'))?.toISOString()).toBe(
      '2026-01-04T01:00:00.000Z',
    );
    expect(nextRun(spec, new Date('2026-01-04T01:00:00Z'))).toBeNull();
  });

  it.each([
    ['61 * * * *', 'UTC', 'cron'],
    ['* * *', 'UTC', 'cron'],
    ['* * * * * * *', 'UTC', 'cron'],
    ['@daily', 'UTC', 'cron'],
    ['0 0 30 2 *', 'UTC', 'cron'],
    ['0 9 * * *', 'Mars/Olympus_Mons', 'timezone'],
    ['0 9 * * *', '+08:00', 'timezone'],
    ['0 9 * * *', '', 'timezone'],
  ])('refuses %j in %j naming %s', (cron, timezone, field) => {
    let thrown: unknown = null;
    try {
      parseCronSchedule(cron, timezone);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BadUserInputError);
    expect((thrown as BadUserInputError).field).toBe(field);
  });

  describe('assertStableCron (input)', () => {
    it('refuses H in any field and form, naming cron: its value is picked anew on every parse', () => {
      for (const cron of [
        'H * * * * *',
        'H 9 * * *',
        '0 H * * *',
        '0 9 H * *',
        '0 9 * * H',
        'H/15 * * * *',
        'H(0-29) 9 * * *',
        'H(0-29)/10 * * * *',
        '0,H 9 * * *',
      ]) {
        let error: unknown;
        try {
          assertStableCron(cron);
        } catch (e) {
          error = e;
        }
        expect({ cron, error }).toEqual({ cron, error: expect.any(BadUserInputError) });
        expect(error).toMatchObject({ field: 'cron', message: expect.stringContaining('H') });
      }
    });

    it('takes names holding an H and every deterministic form', () => {
      for (const cron of [
        '0 9 * * THU',
        '0 9 * * thu',
        '0 9 * MAR,JUN *',
        '*/5 * * * * *',
        '0 9 L * *',
      ])
        expect(() => assertStableCron(cron)).not.toThrow();
    });
  });
});
