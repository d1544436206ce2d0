import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { MINUTE, startSimulator, userOpenId, type Harness } from '../../helpers/sim-harness.js';

describe('simulator: GET /sns/jscode2session and POST /__sim/login', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startSimulator();
  });
  afterEach(() => h.close());

  const session = (jsCode: string | undefined, overrides: Record<string, string> = {}) =>
    h.get('/sns/jscode2session', {
      appid: h.sim.appId,
      secret: h.sim.appSecret,
      grant_type: 'authorization_code',
      ...(jsCode === undefined ? {} : { js_code: jsCode }),
      ...overrides,
    });

  const mint = async (user: string) => (await h.post('/__sim/login', { user })).json;

  it("a minted code gives {openid, session_key} (no errcode) with the user's stable openid", async () => {
    const minted = await mint('demo-user-1');
    expect(minted).toEqual({
      code: expect.any(String),
      openid: userOpenId('demo-user-1'),
      expiresIn: 300,
    });
    const { json } = await session(minted.code as string);
    expect(Object.keys(json).sort()).toEqual(['openid', 'session_key']);
    expect(json.openid).toBe(userOpenId('demo-user-1'));
    expect(json.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
    expect(Buffer.from(json.session_key as string, 'base64')).toHaveLength(16);
  });

  it('a code is single-use: the second redemption is 40029', async () => {
    const { code } = await mint('alice');
    expect((await session(code as string)).json.openid).toBe(userOpenId('alice'));
    const again = await session(code as string);
    expect(again.json.errcode).toBe(40029);
    expect(again.json.errmsg).toMatch(/^invalid code rid: /);
  });

  it('a code is valid for 5 minutes', async () => {
    const early = await mint('alice');
    const late = await mint('alice');
    h.clock.advance(5 * MINUTE - 1);
    expect((await session(early.code as string)).json.openid).toBe(userOpenId('alice'));
    h.clock.advance(1);
    expect((await session(late.code as string)).json.errcode).toBe(40029);
  });

  it('demo codes (demo-<label>) need no minting, map to the same openid, and are single-use for 5 minutes', async () => {
    expect((await session('demo-user-1')).json.openid).toBe(userOpenId('demo-user-1'));
    expect((await session('demo-user-1')).json.errcode).toBe(40029);
    expect((await session('demo-user-2')).json.openid).toBe(userOpenId('demo-user-2'));
    h.clock.advance(5 * MINUTE);
    expect((await session('demo-user-1')).json.openid).toBe(userOpenId('demo-user-1'));
  });

  it('unknown codes are 40029; missing code 41008; bad appid/secret/grant_type', async () => {
    expect((await session('0a3XyZunknowncode')).json.errcode).toBe(40029);
    expect((await session(undefined)).json.errcode).toBe(41008);
    expect((await session('demo-a', { appid: 'wxother' })).json.errcode).toBe(40013);
    expect(
      (await session('demo-a', { secret: 'ffffffffffffffffffffffffffffffff' })).json.errcode,
    ).toBe(40125);
    expect((await session('demo-a', { grant_type: 'client_credential' })).json.errcode).toBe(40002);
  });

  it('different users get different openids; the openid depends on the appid', async () => {
    expect(userOpenId('alice')).not.toBe(userOpenId('bob'));
    const other = await startSimulator({ appId: 'wx1111111111111111' });
    try {
      const { json } = await other.get('/sns/jscode2session', {
        appid: 'wx1111111111111111',
        secret: other.sim.appSecret,
        grant_type: 'authorization_code',
        js_code: 'demo-alice',
      });
      expect(json.openid).toMatch(/^o[A-Za-z0-9_-]{27}$/);
      expect(json.openid).not.toBe(userOpenId('demo-alice'));
    } finally {
      await other.close();
    }
  });

  it('/__sim/login refuses a bad user label with 400', async () => {
    for (const body of [{}, { user: '' }, { user: 'a b' }, { user: 7 }]) {
      const { status, json } = await h.post('/__sim/login', body);
      expect(status).toBe(400);
      expect(json.message).toMatch(/^user must be/);
    }
  });
});
