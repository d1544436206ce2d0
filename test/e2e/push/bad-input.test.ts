import { createCipheriv, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, it } from '@jest/globals';
import { PushCrypto, pushSignature } from '../../../src/services/push/index.js';
import type { LogLine } from '../../helpers/recording-logger.js';
import { fixture, signedQuery } from '../../helpers/push-test-kit.js';
import {
  APP_ID,
  ManualPushWorld,
  PUSH_AES_KEY,
  PUSH_TOKEN,
  envelope,
  newNonce,
  newOpenid,
  nowSeconds,
  postPush,
  recorded,
  sealRaw,
  type BodyFormat,
  type MessageView,
  type RawPush,
} from '../../helpers/push-harness.js';
import { describeEachStore } from '../../helpers/stores.js';
import { AUDIT } from '../../helpers/demo-templates.js';

/** Safe mode with a chosen Encrypt value, signed correctly so only the ciphertext is at fault. */
function sealedEncrypt(encrypt: string, format: BodyFormat): RawPush {
  const timestamp = nowSeconds();
  const nonce = newNonce();
  const query = signedQuery(PUSH_TOKEN, timestamp, nonce, {
    encrypt_type: 'aes',
    msg_signature: pushSignature(PUSH_TOKEN, timestamp, nonce, encrypt),
  });
  return {
    query,
    body: envelope(encrypt, format),
    contentType: format === 'xml' ? 'text/xml' : 'application/json',
  };
}

/** WeChat's layout encrypted with a broken PKCS#7 tail (`tail` replaces the padding). */
function badlyPadded(plain: string, tail: (padLength: number) => Buffer): string {
  const key = Buffer.from(`${PUSH_AES_KEY}=`, 'base64');
  const msg = Buffer.from(plain, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length);
  const body = Buffer.concat([randomBytes(16), length, msg, Buffer.from(APP_ID)]);
  const padded = Buffer.concat([body, tail(32 - (body.length % 32))]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

type Target = { xml: string; json: string };
type BadCase = [label: string, status: number, build: (target: Target) => RawPush];

const resigned = (push: RawPush, edits: Record<string, string>): RawPush => {
  const query = new URLSearchParams(push.query);
  for (const [name, value] of Object.entries(edits)) query.set(name, value);
  return { ...push, query };
};

const BAD_INPUTS: BadCase[] = [
  [
    'a signature made with another token',
    401,
    (t) => sealRaw(t.xml, { format: 'xml', mode: 'plaintext', token: 'SomeoneElse1' }),
  ],
  [
    'no signature at all',
    401,
    (t) => {
      const push = sealRaw(t.json, { format: 'json', mode: 'plaintext' });
      push.query.delete('signature');
      return push;
    },
  ],
  [
    'a msg_signature that does not cover the Encrypt field',
    401,
    (t) =>
      resigned(sealRaw(t.xml, { format: 'xml', mode: 'safe' }), {
        msg_signature: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
      }),
  ],
  [
    'a timestamp 301 s old (replay)',
    401,
    (t) =>
      sealRaw(t.xml, {
        format: 'xml',
        mode: 'plaintext',
        timestamp: String(Number(nowSeconds()) - 301),
      }),
  ],
  [
    'a timestamp 10 minutes ahead',
    401,
    (t) =>
      sealRaw(t.json, {
        format: 'json',
        mode: 'safe',
        timestamp: String(Number(nowSeconds()) + 600),
      }),
  ],
  [
    'ciphertext sealed for another appid',
    403,
    (t) => sealRaw(t.xml, { format: 'xml', mode: 'safe', appId: 'wx0000000000000bad' }),
  ],
  [
    'truncated base64 (length not a multiple of 4)',
    400,
    (t) =>
      sealedEncrypt(
        new PushCrypto(PUSH_TOKEN, PUSH_AES_KEY, APP_ID).encrypt(t.xml).slice(0, -6),
        'xml',
      ),
  ],
  [
    'ciphertext cut mid-block (valid base64, not whole AES blocks)',
    400,
    (t) => {
      const full = Buffer.from(
        new PushCrypto(PUSH_TOKEN, PUSH_AES_KEY, APP_ID).encrypt(t.json),
        'base64',
      );
      return sealedEncrypt(full.subarray(0, full.length - 7).toString('base64'), 'json');
    },
  ],
  [
    'a PKCS#7 pad length of 0',
    400,
    (t) =>
      sealedEncrypt(
        badlyPadded(t.xml, (n) => Buffer.alloc(n, 0)),
        'xml',
      ),
  ],
  [
    'PKCS#7 pad bytes that disagree',
    400,
    (t) =>
      sealedEncrypt(
        badlyPadded(t.json, (n) => Buffer.concat([Buffer.alloc(n - 1, 7), Buffer.from([n])])),
        'json',
      ),
  ],
  [
    'malformed XML',
    400,
    (t) => sealRaw(t.xml.replace('</xml>', ''), { format: 'xml', mode: 'plaintext' }),
  ],
  [
    'malformed XML inside the ciphertext',
    400,
    (t) => sealRaw(t.xml.replace(/<\/Event>/, ''), { format: 'xml', mode: 'safe' }),
  ],
  [
    'malformed JSON',
    400,
    (t) => sealRaw(t.json.slice(0, -2), { format: 'json', mode: 'plaintext' }),
  ],
  [
    'an event without its item list',
    400,
    (t) => sealRaw(t.json.replace(/"List"/, '"Items"'), { format: 'json', mode: 'plaintext' }),
  ],
  [
    'an Encrypt envelope without encrypt_type=aes',
    400,
    (t) => {
      const safe = sealRaw(t.xml, { format: 'xml', mode: 'safe' });
      safe.query.delete('encrypt_type');
      safe.query.delete('msg_signature');
      return safe;
    },
  ],
  [
    'a body over 64 KiB',
    413,
    (t) =>
      sealRaw(t.xml.replace('</xml>', `<Padding>${'x'.repeat(65 * 1024)}</Padding></xml>`), {
        format: 'xml',
        mode: 'plaintext',
      }),
  ],
];

describeEachStore(
  (store) => `bad pushes change nothing (${store})`,
  (store) => {
    let world: ManualPushWorld;
    let popupUser: string;
    let sentUser: string;
    let message: MessageView & { msgid: string };
    let popup: Target;
    let sent: Target;
    let rejections: () => LogLine[];

    beforeAll(async () => {
      world = await ManualPushWorld.start({ store, aes: true });
      rejections = () =>
        world.t.logger.lines.filter((l) => l.msg.startsWith('push request rejected'));
      popupUser = newOpenid();
      sentUser = newOpenid();
      message = await world.sentMessage(sentUser);
      const toAudit = (id: string) => ({ [id]: AUDIT.id });
      popup = {
        xml: recorded('popup.xml', {
          openid: popupUser,
          templates: toAudit('VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc'),
        }),
        json: recorded('popup.json', {
          openid: popupUser,
          templates: toAudit('hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68'),
        }),
      };
      const sentEdits = {
        openid: sentUser,
        templates: toAudit('BEwX0BO-T3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8'),
        msgIds: { '1864323726461255680': message.msgid },
      };
      sent = { xml: recorded('sent.xml', sentEdits), json: recorded('sent.json', sentEdits) };
    });
    afterAll(() => world.close());

    let rejectedBefore = 0;
    beforeEach(() => {
      rejectedBefore = rejections().length;
    });

    async function expectNothingChanged(): Promise<void> {
      expect(await world.ledger(popupUser)).toEqual([]);
      expect(await world.message(message.id)).toEqual(message);
    }

    it.each(BAD_INPUTS)(
      'refuses %s with %i, for a popup and a sent event alike',
      async (_label, status, build) => {
        for (const target of [popup, sent]) {
          const response = await postPush(world.pushUrl, build(target));
          expect(response.status).toBe(status);
          expect(response.text).not.toBe('success');
          await expectNothingChanged();
        }
        // Logged once each: by the handler, or for 413 by the HTTP layer that refused to read on.
        expect(rejections().length - rejectedBefore).toBe(2);
      },
    );

    it('accepts an unknown but well-formed event with success and ignores it', async () => {
      for (const [name, format] of [
        ['other-event.xml', 'xml'],
        ['text-message.json', 'json'],
      ] as const) {
        for (const mode of ['plaintext', 'safe'] as const) {
          const plain = fixture(name).replace('otFpruAK8D-E6EfStSYonYSBZ8_4', popupUser);
          const response = await postPush(world.pushUrl, sealRaw(plain, { format, mode }));
          expect(response).toEqual({ status: 200, text: 'success' });
          await expectNothingChanged();
        }
      }
    });

    it('never logs the token or the EncodingAESKey', () => {
      const text = JSON.stringify(world.t.logger.lines);
      expect(world.t.logger.lines.length).toBeGreaterThan(0);
      expect(text).not.toContain(PUSH_TOKEN);
      expect(text).not.toContain(PUSH_AES_KEY);
    });

    // Last: the same popup and sent pushes, sealed correctly, do change state, so every refusal
    // above was the flaw's doing and not a body that could never have worked.
    it('applies the very same pushes once they are well formed and signed', async () => {
      expect(
        await postPush(world.pushUrl, sealRaw(popup.xml, { format: 'xml', mode: 'safe' })),
      ).toEqual({ status: 200, text: 'success' });
      expect(
        await postPush(world.pushUrl, sealRaw(sent.json, { format: 'json', mode: 'plaintext' })),
      ).toEqual({ status: 200, text: 'success' });
      expect(await world.ledger(popupUser)).toEqual([
        expect.objectContaining({ templateId: AUDIT.id, remaining: 1, source: 'EVENTS' }),
      ]);
      expect(await world.message(message.id)).toMatchObject({ status: 'DELIVERED' });
    });
  },
);
