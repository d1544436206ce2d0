import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { campaignMessageId } from '../../../../src/services/campaigns/campaign-store.js';
import { messageIdTimePrefix } from '../../../../src/services/messages/message-store.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The derivation spelled out with BigInt: 80 bits of sha256(campaign id, openid), base32. */
function referenceTail(campaignId: string, openid: string): string {
  const digest = createHash('sha256').update(`${campaignId}\u0000${openid}`).digest();
  let bits = 0n;
  for (let i = 0; i < 10; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  let tail = '';
  for (let i = 0; i < 16; i++) {
    tail = CROCKFORD[Number(bits & 31n)] + tail;
    bits >>= 5n;
  }
  return tail;
}

describe('campaignMessageId', () => {
  const campaign = {
    id: '01KB0000000000000000000000',
    createdAt: new Date('2026-11-30T08:00:00.123Z'),
  };

  // A fan-out resumed by a newer gateway must derive the ids the older one stored: a changed
  // derivation would create and send every recipient a second time.
  it('derives the ids it always has', () => {
    expect(campaignMessageId(campaign, 'o1')).toBe('01M8NQFJ3VHP7AFYFGYC06TC82');
    expect(campaignMessageId(campaign, 'oCampaignBench00000000000000')).toBe(
      '01M8NQFJ3V0RWFTP8JG2S17CGY',
    );
    expect(campaignMessageId(campaign, '用户')).toBe('01M8NQFJ3VK2G2VMKQ1G468S5G');
  });

  it('is the campaign’s time prefix then 80 bits of the digest in base32, for any openid', () => {
    for (let i = 0; i < 500; i++) {
      const id = randomBytes(8).toString('hex');
      const openid = randomBytes(1 + (i % 30)).toString('base64url');
      const created = new Date(Date.UTC(2020, 0, 1) + i * 7_919_000);
      expect(campaignMessageId({ id, createdAt: created }, openid)).toBe(
        messageIdTimePrefix(created) + referenceTail(id, openid),
      );
    }
  });
});

describe('messageIdTimePrefix', () => {
  it('is the time in ms as 10 base32 digits', () => {
    expect(messageIdTimePrefix(new Date(0))).toBe('0000000000');
    expect(messageIdTimePrefix(new Date(1))).toBe('0000000001');
    expect(messageIdTimePrefix(new Date(1_796_055_416_512))).toBe('01M8PKXFP0');
    expect(messageIdTimePrefix(new Date(2 ** 48 - 1))).toBe('7ZZZZZZZZZ');
  });
});
