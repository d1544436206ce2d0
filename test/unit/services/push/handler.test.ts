import { describe, expect, it } from '@jest/globals';
import {
  PushCrypto,
  createPushHandler,
  MemoryPushDedup,
  pushSignature,
  type PushDedup,
  type PushHandlerDeps,
  type PushRequest,
  type SubscribeEvent,
} from '../../../../src/services/push/index.js';
import {
  KAT,
  edit,
  fixture,
  logText,
  recordingLogger,
  signedQuery,
} from '../../../helpers/push-test-kit.js';

const TOKEN = 'push-Token-7f3a9c';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APP_ID = 'wx1234567890abcdef';
const NOW_MS = 1_700_000_000_000;
const TS = '1700000000';
const NONCE = '918273645';
const peer = new PushCrypto(TOKEN, AES_KEY, APP_ID);

function setup(overrides: Partial<PushHandlerDeps> = {}) {
  const applied: SubscribeEvent[] = [];
  const sink = {
    failures: 0,
    async apply(event: SubscribeEvent) {
      if (sink.failures > 0) {
        sink.failures -= 1;
        throw new Error('ledger unavailable');
      }
      applied.push(event);
    },
  };
  const logger = recordingLogger();
  const dedupCalls: string[] = [];
  const memory = new MemoryPushDedup({ now: () => NOW_MS });
  const dedup: PushDedup = {
    firstSeen: (key, ttl) => {
      dedupCalls.push(key);
      return memory.firstSeen(key, ttl);
    },
    release: (key) => memory.release(key),
  };
  const handler = createPushHandler({
    token: TOKEN,
    aesKey: AES_KEY,
    appId: APP_ID,
    replayWindowSeconds: 300,
    now: () => NOW_MS,
    dedup,
    replay: new MemoryPushDedup({ now: () => NOW_MS }),
    sink,
    logger,
    ...overrides,
  });
  return { handler, applied, sink, logger, dedupCalls };
}

let lastNonce = Number(NONCE);
/** Each request WeChat sends, retries included, is signed with a nonce of its own. */
function freshNonce(): string {
  lastNonce += 1;
  return String(lastNonce);
}

function plainPost(
  body: string | Buffer,
  contentType?: string,
  query = signedQuery(TOKEN, TS, freshNonce()),
): PushRequest {
  return { method: 'POST', query, contentType, body };
}

type Format = 'xml' | 'json';

function envelope(encrypt: string, format: Format, extra = ''): string {
  return format === 'xml'
    ? `<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName>${extra}<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`
    : JSON.stringify({ ToUserName: 'gh_123456789abc', Encrypt: encrypt });
}

/** A safe-mode POST as WeChat sends it: the URL signature, encrypt_type=aes and msg_signature. */
function safePost(
  inner: string,
  format: Format,
  opts: { encrypt?: string; msgSignature?: string; timestamp?: string; crypto?: PushCrypto } = {},
): PushRequest {
  const timestamp = opts.timestamp ?? TS;
  const encrypt = opts.encrypt ?? (opts.crypto ?? peer).encrypt(inner);
  const nonce = freshNonce();
  return {
    method: 'POST',
    query: signedQuery(TOKEN, timestamp, nonce, {
      encrypt_type: 'aes',
      msg_signature: opts.msgSignature ?? pushSignature(TOKEN, timestamp, nonce, encrypt),
    }),
    contentType: format === 'xml' ? 'text/xml' : 'application/json',
    body: envelope(encrypt, format),
  };
}

function getRequest(query: URLSearchParams): PushRequest {
  return { method: 'GET', query, body: '' };
}

describe('push handler: GET URL verification', () => {
  it('replies echostr verbatim when the signature is valid', async () => {
    const { handler, logger } = setup();
    const echostr = 'echo 123+/=&中文';
    const res = await handler(getRequest(signedQuery(TOKEN, TS, NONCE, { echostr })));
    expect(res).toEqual({ status: 200, body: echostr, contentType: 'text/plain; charset=utf-8' });
    expect(logger.at('warn')).toHaveLength(0);
  });

  it.each<[string, () => URLSearchParams, string]>([
    [
      'a wrong signature',
      () => signedQuery('not-the-token', TS, NONCE, { echostr: 'E1' }),
      'bad_signature',
    ],
    [
      'no signature',
      () => new URLSearchParams({ timestamp: TS, nonce: NONCE, echostr: 'E1' }),
      'bad_signature',
    ],
    [
      'no timestamp',
      () => {
        const q = signedQuery(TOKEN, TS, NONCE, { echostr: 'E1' });
        q.delete('timestamp');
        return q;
      },
      'bad_signature',
    ],
    ['no echostr', () => signedQuery(TOKEN, TS, NONCE), 'missing_echostr'],
    [
      'a stale timestamp',
      () => signedQuery(TOKEN, '1699990000', NONCE, { echostr: 'E1' }),
      'replay',
    ],
  ])('refuses %s with a generic 401 and never echoes echostr', async (_label, query, reason) => {
    const { handler, logger } = setup();
    const res = await handler(getRequest(query()));
    expect(res.status).toBe(401);
    expect(res.body).toBe('unauthorized');
    expect(res.body).not.toContain('E1');
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('warn')[0]!.fields).toMatchObject({ reason, status: 401, method: 'GET' });
  });
});

describe('push handler: plaintext POST', () => {
  it('applies the XML popup event once, with both items, and replies success', async () => {
    const { handler, applied, logger } = setup();
    const res = await handler(plainPost(fixture('popup.xml'), 'text/xml'));
    expect(res).toEqual({ status: 200, body: 'success', contentType: 'text/plain; charset=utf-8' });
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({
      kind: 'popup',
      openid: 'otFpruAK8D-E6EfStSYonYSBZ8_4',
      items: [{ status: 'accept' }, { status: 'reject' }],
    });
    expect(logger.at('warn')).toHaveLength(0);
  });

  it('sniffs a JSON Buffer body without Content-Type and keeps a bare 64-bit MsgID exact', async () => {
    const { handler, applied } = setup();
    const res = await handler(plainPost(Buffer.from(fixture('sent-bare-msgid.json')), undefined));
    expect(res.body).toBe('success');
    expect(applied[0]).toMatchObject({
      kind: 'sent',
      items: [{ msgId: '1864323726461255680' }, { msgId: '1864323726461255681', errorCode: 10001 }],
    });
  });

  it('accepts encrypt_type=raw as plaintext', async () => {
    const { handler, applied } = setup();
    const query = signedQuery(TOKEN, TS, NONCE, { encrypt_type: 'raw' });
    expect(
      (await handler(plainPost(fixture('change.json'), 'application/json', query))).status,
    ).toBe(200);
    expect(applied).toHaveLength(1);
  });
});

describe('push handler: safe mode', () => {
  it.each<[Format, Format, string]>([
    ['xml', 'xml', 'popup.xml'],
    ['json', 'json', 'sent.json'],
    ['xml', 'json', 'change.json'],
  ])(
    'verifies, decrypts and applies a %s envelope holding a %s message',
    async (outer, _inner, name) => {
      const { handler, applied, logger } = setup();
      const res = await handler(safePost(fixture(name), outer));
      expect(res.body).toBe('success');
      expect(applied).toHaveLength(1);
      expect(logger.at('warn')).toHaveLength(0);
    },
  );

  it('trusts only the encrypted message in compatible mode', async () => {
    const { handler, applied } = setup();
    const encrypt = peer.encrypt(fixture('sent.xml'));
    const forgedPlaintext =
      '<FromUserName>attacker</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>subscribe_msg_change_event</Event>';
    const req = safePost('', 'xml', { encrypt });
    req.body = envelope(encrypt, 'xml', forgedPlaintext);
    expect((await handler(req)).body).toBe('success');
    expect(applied[0]).toMatchObject({ kind: 'sent', openid: 'o7esq5PHRGBQYmeNyfG064wEFVpQ' });
  });

  it('accepts the known-answer msg_signature and decrypts the vector (its message is no event)', async () => {
    const { handler, applied, logger } = setup({
      token: KAT.token,
      aesKey: KAT.encodingAesKey,
      appId: KAT.appId,
      now: () => Number(KAT.timestamp) * 1000,
    });
    const res = await handler({
      method: 'POST',
      query: signedQuery(KAT.token, KAT.timestamp, KAT.nonce, {
        encrypt_type: 'aes',
        msg_signature: KAT.msgSignature,
      }),
      contentType: 'text/xml',
      body: envelope(KAT.ciphertext, 'xml'),
    });
    // Past signature, msg_signature, base64, padding and appid: it fails only at parsing.
    expect(res.status).toBe(400);
    expect(logger.at('warn')[0]!.fields.reason).toBe('malformed_body');
    expect(applied).toHaveLength(0);
  });
});

describe('push handler: every bad input is a 4xx, logged once, never applied', () => {
  const other = new PushCrypto(TOKEN, AES_KEY, 'wx0000000000000000');
  const bigPadding = ' '.repeat(65_536);
  const cases: [string, () => PushRequest, number, string, Partial<PushHandlerDeps>?][] = [
    [
      'a bad signature',
      () => plainPost(fixture('popup.xml'), 'text/xml', signedQuery('guess', TS, NONCE)),
      401,
      'bad_signature',
    ],
    [
      'no signature at all',
      () => plainPost(fixture('popup.xml'), 'text/xml', new URLSearchParams()),
      401,
      'bad_signature',
    ],
    [
      'a bad msg_signature',
      () => safePost(fixture('popup.xml'), 'xml', { msgSignature: 'f'.repeat(40) }),
      401,
      'bad_signature',
    ],
    [
      'a missing msg_signature',
      () => {
        const req = safePost(fixture('popup.xml'), 'json');
        req.query.delete('msg_signature');
        return req;
      },
      401,
      'bad_signature',
    ],
    [
      'a message for another appid',
      () => safePost(fixture('popup.xml'), 'xml', { crypto: other }),
      403,
      'wrong_appid',
    ],
    [
      'truncated base64',
      () => safePost('', 'xml', { encrypt: peer.encrypt(fixture('popup.xml')).slice(0, -6) }),
      400,
      'bad_base64',
    ],
    [
      'bad padding',
      () => {
        const bytes = Buffer.from(peer.encrypt(fixture('popup.xml')), 'base64');
        // Flipping a byte of the second-to-last block lands in the final block's padding.
        bytes[bytes.length - 17]! ^= 0x5a;
        return safePost('', 'xml', { encrypt: bytes.toString('base64') });
      },
      400,
      'bad_padding',
    ],
    [
      'an envelope without Encrypt',
      () => ({ ...safePost('', 'json', { encrypt: 'x' }), body: '{"ToUserName":"gh_1"}' }),
      400,
      'missing_encrypt',
    ],
    [
      'malformed XML',
      () => plainPost('<xml><FromUserName>o</xml>', 'text/xml'),
      400,
      'malformed_xml',
    ],
    [
      'malformed JSON',
      () => plainPost('{"FromUserName":"o",', 'application/json'),
      400,
      'malformed_json',
    ],
    [
      'malformed XML inside the ciphertext',
      () => safePost('<xml><Event>x</Event>', 'xml'),
      400,
      'malformed_xml',
    ],
    [
      'a body that is neither XML nor JSON',
      () => plainPost('FromUserName=o', undefined),
      400,
      'malformed_body',
    ],
    [
      'a body that is not UTF-8',
      () => plainPost(Buffer.from([0x3c, 0xff, 0xfe]), 'text/xml'),
      400,
      'malformed_body',
    ],
    [
      'an event missing FromUserName',
      () =>
        plainPost(
          edit(fixture('popup.json'), /"FromUserName":\s*"[^"]*",/, ''),
          'application/json',
        ),
      400,
      'malformed_event',
    ],
    [
      'a sent item with a non-numeric ErrorCode',
      () =>
        safePost(
          edit(fixture('sent.xml'), '<ErrorCode>0</ErrorCode>', '<ErrorCode>zero</ErrorCode>'),
          'xml',
        ),
      400,
      'malformed_event',
    ],
    [
      'a body over 64 KiB',
      () => plainPost(fixture('popup.xml') + bigPadding, 'text/xml'),
      413,
      'too_large',
    ],
    [
      'a Buffer body over 64 KiB',
      () => plainPost(Buffer.alloc(65_537, 0x20), 'text/xml'),
      413,
      'too_large',
    ],
    [
      'a body over a custom limit',
      () => plainPost(fixture('popup.xml'), 'text/xml'),
      413,
      'too_large',
      { maxBodyBytes: 100 },
    ],
    [
      'a replayed (stale) timestamp',
      () => plainPost(fixture('popup.xml'), 'text/xml', signedQuery(TOKEN, '1699999699', NONCE)),
      401,
      'replay',
    ],
    [
      'a timestamp from the future',
      () => safePost(fixture('popup.xml'), 'xml', { timestamp: '1700000301' }),
      401,
      'replay',
    ],
    [
      'a non-numeric timestamp',
      () => plainPost(fixture('popup.xml'), 'text/xml', signedQuery(TOKEN, 'now', NONCE)),
      401,
      'replay',
    ],
    [
      'encrypt_type=aes without a configured key',
      () => safePost(fixture('popup.xml'), 'xml'),
      400,
      'encryption_not_configured',
      { aesKey: undefined },
    ],
    [
      'an Encrypt envelope without encrypt_type',
      () => plainPost(envelope(peer.encrypt(fixture('popup.xml')), 'xml'), 'text/xml'),
      400,
      'unexpected_encrypt',
    ],
    [
      'an unknown encrypt_type',
      () =>
        plainPost(
          fixture('popup.xml'),
          'text/xml',
          signedQuery(TOKEN, TS, NONCE, { encrypt_type: 'des' }),
        ),
      400,
      'unsupported_encrypt_type',
    ],
    [
      'plaintext when encryption is required',
      () => plainPost(fixture('popup.xml'), 'text/xml'),
      403,
      'encryption_required',
      { requireEncryption: true },
    ],
    [
      'a PUT',
      () => ({ ...plainPost(fixture('popup.xml'), 'text/xml'), method: 'PUT' }),
      405,
      'method_not_allowed',
    ],
  ];

  // Objects, not rows: a row shorter than the callback's parameter list makes jest wait for `done`.
  const table = cases.map(([label, request, status, reason, overrides]) => ({
    label,
    request,
    status,
    reason,
    overrides,
  }));

  it.each(table)('$label', async ({ request, status, reason, overrides }) => {
    const { handler, applied, logger, dedupCalls } = setup(overrides);
    const res = await handler(request());
    expect({ status: res.status, reason: logger.at('warn')[0]?.fields.reason }).toEqual({
      status,
      reason,
    });
    expect(res.body).not.toBe('success');
    expect(res.contentType).toBe('text/plain; charset=utf-8');
    expect(applied).toHaveLength(0);
    expect(dedupCalls).toHaveLength(0);
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('error')).toHaveLength(0);
  });

  it('names the offending field in the warn line for a malformed event', async () => {
    const { handler, logger } = setup();
    const body = edit(
      fixture('popup.xml'),
      '<TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>',
      '',
    );
    await handler(safePost(body, 'json'));
    expect(logger.at('warn')[0]!.fields.field).toBe('SubscribeMsgPopupEvent[0].List[0].TemplateId');
  });

  it('never writes the token, the AES key or the body into logs or replies', async () => {
    const { handler, logger } = setup();
    const replies: string[] = [];
    for (const [, request, , , overrides] of cases) {
      if (overrides) continue;
      replies.push((await handler(request())).body);
    }
    replies.push((await handler(safePost(fixture('popup.xml'), 'xml'))).body);
    const key = Buffer.from(`${AES_KEY}=`, 'base64');
    const everything = logText(logger.lines) + replies.join('\n');
    for (const secret of [TOKEN, AES_KEY, key.toString('hex'), key.toString('base64')]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toContain('otFpruAK8D-E6EfStSYonYSBZ8_4');
    expect(everything).not.toContain('VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3');
  });
});

describe('push handler: dedup and ignored events', () => {
  it('applies a delivery once however often WeChat retries it, including concurrently', async () => {
    const { handler, applied, dedupCalls } = setup();
    const replies = await Promise.all([
      handler(safePost(fixture('popup.xml'), 'xml')),
      handler(safePost(fixture('popup.xml'), 'xml')),
    ]);
    replies.push(await handler(plainPost(fixture('popup.xml'), 'text/xml')));
    expect(replies.map((r) => r.body)).toEqual(['success', 'success', 'success']);
    expect(applied).toHaveLength(1);
    expect(dedupCalls).toEqual(
      Array(3).fill('otFpruAK8D-E6EfStSYonYSBZ8_4:1610969440:subscribe_msg_popup_event'),
    );
  });

  it('applies distinct deliveries: another CreateTime or another event of the same user', async () => {
    const { handler, applied } = setup();
    await handler(plainPost(fixture('popup.xml'), 'text/xml'));
    await handler(plainPost(edit(fixture('popup.xml'), '1610969440', '1610969441'), 'text/xml'));
    await handler(plainPost(fixture('change.xml'), 'text/xml'));
    expect(applied.map((e) => `${e.kind}@${e.createTime}`)).toEqual([
      'popup@1610969440',
      'popup@1610969441',
      'change@1610969440',
    ]);
  });

  it.each(['other-event.xml', 'text-message.json'])(
    'accepts %s with success but neither dedups nor applies it',
    async (name) => {
      const { handler, applied, dedupCalls, logger } = setup();
      expect((await handler(plainPost(fixture(name), undefined))).body).toBe('success');
      expect(applied).toHaveLength(0);
      expect(dedupCalls).toHaveLength(0);
      expect(logger.at('warn')).toHaveLength(0);
    },
  );
});

describe('push handler: replayed requests', () => {
  const popupOf = (openid: string) =>
    edit(fixture('popup.xml'), 'otFpruAK8D-E6EfStSYonYSBZ8_4', openid);

  it('refuses a captured plaintext query carrying a forged body, and applies nothing of it', async () => {
    const { handler, applied, logger } = setup();
    const query = signedQuery(TOKEN, TS, freshNonce());
    expect(
      (await handler(plainPost(popupOf('oGenuineUser0000000000000001'), 'text/xml', query))).body,
    ).toBe('success');
    for (const forged of ['oForgedUser00000000000000001', 'oForgedUser00000000000000002']) {
      const res = await handler(plainPost(popupOf(forged), 'text/xml', query));
      expect(res.status).toBe(401);
    }
    expect(applied.map((e) => e.openid)).toEqual(['oGenuineUser0000000000000001']);
    expect(logger.at('warn').map((l) => l.fields.reason)).toEqual(['replay', 'replay']);
  });

  it('refuses the very same safe-mode request a second time', async () => {
    const { handler, applied } = setup();
    const request = safePost(fixture('popup.xml'), 'xml');
    expect((await handler(request)).status).toBe(200);
    expect((await handler(request)).status).toBe(401);
    expect(applied).toHaveLength(1);
  });

  it('lets the same request through again after it failed (the replay claim is released)', async () => {
    const { handler, applied, sink } = setup();
    sink.failures = 1;
    const request = plainPost(fixture('sent.xml'), 'text/xml');
    expect((await handler(request)).status).toBe(500);
    expect((await handler(request)).body).toBe('success');
    expect(applied).toHaveLength(1);
  });

  it('remembers a query for the whole span its timestamp is fresh (twice the window)', async () => {
    const ttls: number[] = [];
    const memory = new MemoryPushDedup({ now: () => NOW_MS });
    const { handler } = setup({
      replay: {
        firstSeen: (key, ttl) => {
          ttls.push(ttl);
          return memory.firstSeen(key, ttl);
        },
        release: (key) => memory.release(key),
      },
    });
    await handler(plainPost(fixture('popup.xml'), 'text/xml'));
    expect(ttls).toEqual([600]);
  });
});

describe('push handler: sink failures', () => {
  it('replies 500 when the sink throws, then applies the retry (the claim is released)', async () => {
    const { handler, applied, sink, logger } = setup();
    sink.failures = 1;
    const first = await handler(plainPost(fixture('sent.xml'), 'text/xml'));
    expect(first.status).toBe(500);
    expect(first.body).not.toContain('ledger');
    expect(logger.at('error')).toHaveLength(1);
    expect(logger.at('warn')).toHaveLength(0);
    const retry = await handler(plainPost(fixture('sent.xml'), 'text/xml'));
    expect(retry.body).toBe('success');
    expect(applied).toHaveLength(1);
  });

  it('when release() fails, logs it and acknowledges the retry without applying it', async () => {
    const memory = new MemoryPushDedup();
    const { handler, applied, sink, logger } = setup({
      dedup: {
        firstSeen: (key, ttl) => memory.firstSeen(key, ttl),
        release: async () => {
          throw new Error('dedup store unreachable');
        },
      },
    });
    sink.failures = 1;
    expect((await handler(plainPost(fixture('sent.xml'), 'text/xml'))).status).toBe(500);
    expect(
      logger
        .at('error')
        .map((l) => l.msg)
        .join('\n'),
    ).toMatch(/release failed/);
    expect((await handler(plainPost(fixture('sent.xml'), 'text/xml'))).body).toBe('success');
    expect(applied).toHaveLength(0);
  });

  it('replies 500 when the dedup store is down, without applying', async () => {
    const { handler, applied, logger } = setup({
      dedup: {
        firstSeen: () => Promise.reject(new Error('redis down')),
        release: () => Promise.resolve(),
      },
    });
    expect((await handler(plainPost(fixture('sent.xml'), 'text/xml'))).status).toBe(500);
    expect(applied).toHaveLength(0);
    expect(logger.at('error')).toHaveLength(1);
  });
});

describe('createPushHandler configuration', () => {
  it('refuses a malformed EncodingAESKey at construction, without echoing it', () => {
    expect(() => setup({ aesKey: 'short-key-value' })).toThrow(
      /43 base64 characters.*got 15 characters$/,
    );
    expect(() => setup({ aesKey: 'short-key-value' })).not.toThrow(/short-key-value/);
  });

  it('refuses an empty token and a non-positive replay window', () => {
    expect(() => setup({ token: '' })).toThrow(/token/);
    expect(() => setup({ replayWindowSeconds: 0 })).toThrow(/replayWindowSeconds/);
  });
});
