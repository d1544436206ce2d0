import { describe, expect, it } from '@jest/globals';
import { pushDedupKey, type SubscribeEvent } from '../../../../src/services/push/index.js';

const sent = (msgId: string): SubscribeEvent => ({
  kind: 'sent',
  event: 'subscribe_msg_sent_event',
  toUserName: 'gh_123456789abc',
  openid: 'o7esq5PHRGBQYmeNyfG064wEFVpQ',
  createTime: 1620963428,
  items: [{ templateId: 't', msgId, errorCode: 0, errorStatus: 'success' }],
});

describe('pushDedupKey', () => {
  it('tells apart two delivery reports for one user within the same second', () => {
    expect(pushDedupKey(sent('1864323726461255680'))).not.toBe(
      pushDedupKey(sent('1864323726461255681')),
    );
  });

  it('keys a retried delivery the same way', () => {
    expect(pushDedupKey(sent('1864323726461255680'))).toBe(
      pushDedupKey(sent('1864323726461255680')),
    );
  });
});
