import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { MINUTE, probe, startSimulator, type Harness } from '../../helpers/sim-harness.js';

describe('simulator: GET /cgi-bin/token (classic) and business-API token checks', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startSimulator();
  });
  afterEach(() => h.close());

  const tokenCall = (query: Record<string, string>) => h.get('/cgi-bin/token', query);
  const good = () => ({
    grant_type: 'client_credential',
    appid: h.sim.appId,
    secret: h.sim.appSecret,
  });

  it('issues {access_token, expires_in: 7200} with a long random token and no errcode', async () => {
    const { status, json } = await tokenCall(good());
    expect(status).toBe(200);
    expect(Object.keys(json).sort()).toEqual(['access_token', 'expires_in']);
    expect(json.expires_in).toBe(7200);
    expect((json.access_token as string).length).toBeGreaterThanOrEqual(100);
  });

  it('validates grant_type (40002), appid (41002/40013) and secret (41004, 40001 wrong, 40125 malformed)', async () => {
    const cases: [Record<string, string>, number][] = [
      [{ ...good(), grant_type: 'authorization_code' }, 40002],
      [{ appid: h.sim.appId, secret: h.sim.appSecret }, 40002],
      [{ grant_type: 'client_credential', secret: h.sim.appSecret }, 41002],
      [{ ...good(), appid: 'wx0000000000000000' }, 40013],
      [{ grant_type: 'client_credential', appid: h.sim.appId }, 41004],
      [{ ...good(), secret: '0123456789abcdef0123456789abcdef' }, 40001],
      [{ ...good(), secret: 'not-a-secret' }, 40125],
    ];
    for (const [query, errcode] of cases) {
      const { json } = await tokenCall(query);
      expect({ query, errcode: json.errcode }).toEqual({ query, errcode });
      expect(json.errmsg).toMatch(/ rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
      expect(json.access_token).toBeUndefined();
    }
    const wrongSecret = await tokenCall({ ...good(), secret: '0123456789abcdef0123456789abcdef' });
    expect(wrongSecret.json.errmsg).toMatch(
      /^invalid credential, access_token is invalid or not latest rid: /,
    );
  });

  it('answers 43001 to a POST', async () => {
    const { json } = await h.post('/cgi-bin/token', '', good());
    expect(json.errcode).toBe(43001);
  });

  it('issues a new token per call; the previous one keeps a 5-minute grace, older ones die at once', async () => {
    const first = await h.classicToken();
    h.clock.advance(MINUTE);
    const second = await h.classicToken();
    expect(second).not.toBe(first);
    expect(await probe(h, first)).toBe(0);
    expect(await probe(h, second)).toBe(0);

    h.clock.advance(5 * MINUTE - 1);
    expect(await probe(h, first)).toBe(0);
    h.clock.advance(1);
    expect(await probe(h, first)).toBe(40001);
    expect(await probe(h, second)).toBe(0);

    const third = await h.classicToken();
    const fourth = await h.classicToken();
    expect(await probe(h, second)).toBe(40001);
    expect(await probe(h, third)).toBe(0);
    expect(await probe(h, fourth)).toBe(0);
  });

  it('the 40001 of a superseded token says "not latest", as WeChat does', async () => {
    const first = await h.classicToken();
    await h.classicToken();
    await h.classicToken();
    const { json } = await h.get('/wxaapi/newtmpl/gettemplate', { access_token: first });
    expect(json.errcode).toBe(40001);
    expect(json.errmsg).toMatch(
      /^invalid credential, access_token is invalid or not latest.* rid: /,
    );
  });

  it('a token expires after expires_in: 42001, not 40001', async () => {
    const token = await h.classicToken();
    h.clock.advance(7200 * 1000 - 1);
    expect(await probe(h, token)).toBe(0);
    h.clock.advance(1);
    const { json } = await h.get('/wxaapi/newtmpl/gettemplate', { access_token: token });
    expect(json.errcode).toBe(42001);
    expect(json.errmsg).toMatch(/^access_token expired rid: /);
  });

  it('a token in its grace period that reaches its own expiry answers 42001', async () => {
    const small = await startSimulator({ tokenExpiresInSeconds: 120 });
    try {
      const first = await small.classicToken();
      small.clock.advance(MINUTE);
      await small.classicToken();
      small.clock.advance(MINUTE);
      expect(await probe(small, first)).toBe(42001);
    } finally {
      await small.close();
    }
  });

  it('missing access_token is 41001, garbage 40014', async () => {
    const missing = await h.get('/wxaapi/newtmpl/gettemplate');
    expect(missing.json.errcode).toBe(41001);
    expect(missing.json.errmsg).toMatch(/^access_token missing rid: /);
    const garbage = await h.get('/wxaapi/newtmpl/gettemplate', { access_token: 'garbage' });
    expect(garbage.json.errcode).toBe(40014);
    expect(garbage.json.errmsg).toMatch(/^invalid access_token rid: /);
  });

  it('honours a small tokenExpiresInSeconds', async () => {
    const small = await startSimulator({ tokenExpiresInSeconds: 90 });
    try {
      const { json } = await small.get('/cgi-bin/token', {
        grant_type: 'client_credential',
        appid: small.sim.appId,
        secret: small.sim.appSecret,
      });
      expect(json.expires_in).toBe(90);
    } finally {
      await small.close();
    }
  });

  it('uses the configured app credentials', async () => {
    const custom = await startSimulator({
      appId: 'wx1234567890abcdef',
      appSecret: 'ffffffffffffffffffffffffffffffff',
    });
    try {
      const ok = await custom.get('/cgi-bin/token', {
        grant_type: 'client_credential',
        appid: 'wx1234567890abcdef',
        secret: 'ffffffffffffffffffffffffffffffff',
      });
      expect(typeof ok.json.access_token).toBe('string');
      const demo = await custom.get('/cgi-bin/token', good());
      expect(demo.json.errcode).toBe(40013);
    } finally {
      await custom.close();
    }
  });
});
