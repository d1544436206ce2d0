import { afterEach, describe, expect, it } from '@jest/globals';
import { createSimulator } from '../../../src/simulator/index.js';
import {
  GRADE,
  MINUTE,
  START_MS,
  startSimulator,
  userOpenId,
  type Harness,
} from '../../helpers/sim-harness.js';

const alice = userOpenId('alice');

/** A long-term template: one accept allows any number of sends, so only the quotas refuse. */
const gradeSend = (value = '92.5') => ({
  touser: alice,
  template_id: GRADE.id,
  data: { thing1: { value: '高等数学' }, number2: { value } },
});

describe('simulator: subscribe/send minute and daily quotas', () => {
  let h: Harness;
  let token: string;
  afterEach(() => h.close());

  async function start(sendQuota: { perMinute?: number | null; perDay?: number | null }) {
    h = await startSimulator({ sendQuota });
    await h.accept(alice, GRADE.id);
    token = await h.classicToken();
  }
  const errcodes = async (n: number, body: unknown = gradeSend()) => {
    const codes: unknown[] = [];
    for (let i = 0; i < n; i++) codes.push((await h.send(token, body)).json.errcode);
    return codes;
  };
  const quota = async () => (await h.get('/__sim/quota')).json;

  it('45011 beyond perMinute calls in one calendar minute, until the next minute starts', async () => {
    await start({ perMinute: 3 });
    // A call WeChat refuses for its data still counts; a call refused for quota does not.
    expect(await errcodes(1, gradeSend('abc'))).toEqual([47003]);
    expect(await errcodes(3)).toEqual([0, 0, 45011]);
    const refused = await h.send(token, gradeSend());
    expect(refused.json.errmsg).toMatch(
      /^api minute-quota reach limit mustslower retry next minute rid: /,
    );
    expect(await quota()).toMatchObject({ perMinute: 3, usedThisMinute: 3, usedToday: 3 });

    h.clock.advance(MINUTE - 1); // START_MS is on a minute boundary: still the same minute
    expect(await errcodes(1)).toEqual([45011]);
    h.clock.advance(1);
    expect(await errcodes(4)).toEqual([0, 0, 0, 45011]);
    expect(await quota()).toMatchObject({ usedThisMinute: 3, usedToday: 6 });
  });

  it('45009 beyond perDay calls, until 00:00 Asia/Shanghai', async () => {
    await start({ perDay: 2 });
    expect(await errcodes(3)).toEqual([0, 0, 45009]);
    expect((await h.send(token, gradeSend())).json.errmsg).toMatch(
      /^reach max api daily quota limit rid: /,
    );
    const { dayResetsAt } = await quota();
    // START_MS is 12:00 Beijing time; the day ends at 16:00 UTC.
    expect(dayResetsAt).toBe(new Date(Date.UTC(2025, 0, 1, 16, 0, 0)).toISOString());

    h.clock.ms = Date.UTC(2025, 0, 1, 16, 0, 0) - 1;
    token = await h.classicToken();
    expect(await errcodes(1)).toEqual([45009]);
    h.clock.ms = Date.UTC(2025, 0, 1, 16, 0, 0);
    token = await h.classicToken();
    expect(await errcodes(3)).toEqual([0, 0, 45009]);
  });

  it('the daily quota is checked before the minute quota', async () => {
    await start({ perMinute: 1, perDay: 1 });
    expect(await errcodes(2)).toEqual([0, 45009]);
  });

  it('a call with a bad token is refused for the token and counts nothing', async () => {
    await start({ perDay: 1 });
    expect((await h.send('not-a-token', gradeSend())).json.errcode).toBe(40014);
    expect(await errcodes(1)).toEqual([0]);
  });

  it('POST /__sim/quota sets limits and today’s usage; GET shows them; reset restores the options', async () => {
    await start({});
    expect(await quota()).toEqual({
      perMinute: null,
      perDay: 10_000_000,
      usedThisMinute: 0,
      usedToday: 0,
      minuteResetsAt: new Date(START_MS + MINUTE).toISOString(),
      dayResetsAt: new Date(Date.UTC(2025, 0, 1, 16)).toISOString(),
    });
    const set = await h.post('/__sim/quota', { perMinute: 1 });
    expect(set.json).toMatchObject({ perMinute: 1, perDay: 10_000_000 });
    expect(await errcodes(2)).toEqual([0, 45011]);
    await h.post('/__sim/quota', { perMinute: null, perDay: 5, usedToday: 5 });
    expect(await errcodes(1)).toEqual([45009]);
    await h.post('/__sim/quota', { perDay: null });
    expect(await errcodes(1)).toEqual([0]);

    expect((await h.post('/__sim/reset')).status).toBe(200);
    expect(await quota()).toMatchObject({ perMinute: null, perDay: 10_000_000, usedToday: 0 });
  });

  it('POST /__sim/quota refuses bad input, naming the field, and changes nothing', async () => {
    await start({ perMinute: 7 });
    for (const [body, named] of [
      [{ perMinute: 0 }, 'perMinute must be a positive integer or null'],
      [{ perDay: 1.5, perMinute: 2 }, 'perDay must be a positive integer or null'],
      [{ perDay: '10' }, 'perDay'],
      [{ usedToday: -1 }, 'usedToday must be an integer >= 0'],
      [{ perminute: 5 }, 'unknown field perminute'],
    ] as const) {
      const reply = await h.post('/__sim/quota', body);
      expect({ body, status: reply.status }).toEqual({ body, status: 400 });
      expect(reply.json.message).toContain(named);
    }
    expect((await h.post('/__sim/quota', 'nope')).status).toBe(400);
    expect(await quota()).toMatchObject({ perMinute: 7, perDay: 10_000_000, usedToday: 0 });
  });

  it('the sendQuota option is checked when the simulator is created', () => {
    expect(() => createSimulator({ sendQuota: { perDay: 0 }, templates: [] })).toThrow(
      'sendQuota.perDay',
    );
    expect(() => createSimulator({ sendQuota: { perMinute: 2.5 }, templates: [] })).toThrow(
      'sendQuota.perMinute',
    );
  });
});
