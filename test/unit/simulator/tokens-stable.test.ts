import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FORCE_REFRESHES_PER_DAY } from '../../../src/simulator/index.js';
import { MINUTE, probe, startSimulator, type Harness } from '../../helpers/sim-harness.js';

describe('simulator: POST /cgi-bin/stable_token', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startSimulator();
  });
  afterEach(() => h.close());

  const tokenOf = async (force = false) => {
    const { json } = await h.stableToken(force);
    if (typeof json.access_token !== 'string') throw new Error(JSON.stringify(json));
    return { token: json.access_token, expiresIn: json.expires_in as number };
  };

  it('answers 43002 to a GET', async () => {
    const { json } = await h.get('/cgi-bin/stable_token', {
      grant_type: 'client_credential',
      appid: h.sim.appId,
      secret: h.sim.appSecret,
    });
    expect(json.errcode).toBe(43002);
    expect(json.errmsg).toMatch(/^require POST method rid: /);
  });

  it('validates the body: not JSON 47001, grant_type 40002, appid 41002/40013, secret 41004/40125', async () => {
    const base = { grant_type: 'client_credential', appid: h.sim.appId, secret: h.sim.appSecret };
    const cases: [unknown, number][] = [
      ['grant_type=client_credential', 47001],
      [{ ...base, grant_type: 'x' }, 40002],
      [{ grant_type: 'client_credential', secret: h.sim.appSecret }, 41002],
      [{ ...base, appid: 'wxother' }, 40013],
      [{ grant_type: 'client_credential', appid: h.sim.appId }, 41004],
      [{ ...base, secret: '0123456789abcdef0123456789abcdef' }, 40125],
      [{ ...base, force_refresh: 'yes' }, 47001],
    ];
    for (const [body, errcode] of cases) {
      const { json } = await h.post('/cgi-bin/stable_token', body);
      expect({ body, errcode: json.errcode }).toEqual({ body, errcode });
    }
  });

  it('returns the same token with its remaining lifetime until 5 minutes before expiry', async () => {
    const first = await tokenOf();
    expect(first.expiresIn).toBe(7200);
    h.clock.advance(60 * MINUTE);
    const again = await tokenOf();
    expect(again).toEqual({ token: first.token, expiresIn: 3600 });
    h.clock.advance(55 * MINUTE - 1);
    const last = await tokenOf();
    expect(last.token).toBe(first.token);
    expect(last.expiresIn).toBeGreaterThanOrEqual(300);
  });

  it('hands out a new token 5 minutes before expiry; the old one works until it expires (overlap)', async () => {
    const first = await tokenOf();
    h.clock.advance(115 * MINUTE);
    const second = await tokenOf();
    expect(second.token).not.toBe(first.token);
    expect(second.expiresIn).toBe(7200);
    expect(await probe(h, first.token)).toBe(0);
    expect(await probe(h, second.token)).toBe(0);
    h.clock.advance(5 * MINUTE);
    expect(await probe(h, first.token)).toBe(42001);
    expect(await probe(h, second.token)).toBe(0);
    expect((await tokenOf()).token).toBe(second.token);
  });

  it('force_refresh invalidates the previous stable token at once (40001) and issues a new one', async () => {
    const first = await tokenOf();
    const forced = await tokenOf(true);
    expect(forced.token).not.toBe(first.token);
    expect(await probe(h, first.token)).toBe(40001);
    expect(await probe(h, forced.token)).toBe(0);
  });

  it('a force within 30 s of the previous force does not refresh: it returns the current token', async () => {
    await tokenOf(true);
    h.clock.advance(10_000);
    const current = await tokenOf(true);
    h.clock.advance(19_999);
    const within = await tokenOf(true);
    expect(within.token).toBe(current.token);
    expect(await probe(h, current.token)).toBe(0);
    h.clock.advance(1);
    const after = await tokenOf(true);
    expect(after.token).not.toBe(current.token);
    expect(await probe(h, current.token)).toBe(40001);
  });

  it(`allows ${FORCE_REFRESHES_PER_DAY} force refreshes per Beijing day, then 45009 until the next day`, async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < FORCE_REFRESHES_PER_DAY; i += 1) {
      tokens.add((await tokenOf(true)).token);
      h.clock.advance(30_000);
    }
    expect(tokens.size).toBe(FORCE_REFRESHES_PER_DAY);
    const refused = await h.stableToken(true);
    expect(refused.json.errcode).toBe(45009);
    expect(refused.json.errmsg).toMatch(/^reach max api daily quota limit rid: /);
    // Normal mode keeps working.
    expect(tokens.has((await tokenOf()).token)).toBe(true);
    // The clock starts at 12:00 Beijing time; the quota resets at 00:00 Beijing time (16:00 UTC).
    h.clock.advance(12 * 60 * MINUTE);
    const nextDay = await tokenOf(true);
    expect(tokens.has(nextDay.token)).toBe(false);
  });

  it('classic and stable tokens are isolated: fetching one never invalidates the other', async () => {
    const stable = await tokenOf();
    const classic = await h.classicToken();
    await h.classicToken();
    await h.classicToken();
    expect(await probe(h, stable.token)).toBe(0);
    await tokenOf(true);
    h.clock.advance(3 * MINUTE);
    const newest = await h.classicToken();
    expect(await probe(h, newest)).toBe(0);
    expect(await probe(h, classic)).toBe(40001);
    expect(h.sim.state.tokens.issuedCounts).toEqual({ classic: 4, stable: 2 });
  });

  it('with a lifetime under 10 minutes, refreshes ahead by half the lifetime', async () => {
    const small = await startSimulator({ tokenExpiresInSeconds: 120 });
    try {
      const call = async () => (await small.stableToken()).json;
      const first = await call();
      small.clock.advance(59_000);
      expect((await call()).access_token).toBe(first.access_token);
      small.clock.advance(1_000);
      const renewed = await call();
      expect(renewed.access_token).not.toBe(first.access_token);
      expect(renewed.expires_in).toBe(120);
    } finally {
      await small.close();
    }
  });
});
