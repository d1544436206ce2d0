import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ env: { MESSAGE_RETENTION_DAYS: '30' } });
});
afterAll(() => t.close());

it('runs a retention prune at start-up with MESSAGE_RETENTION_DAYS and counts it', async () => {
  while (t.gateway.retention.stats().runs === 0) await new Promise((r) => setTimeout(r, 10));
  expect(t.gateway.retention.stats()).toMatchObject({ runs: 1, prunedTotal: 0 });
  const [line] = t.logger.at('info').filter((l) => l.msg.startsWith('message retention'));
  expect(line?.fields).toMatchObject({ pruned: 0, retentionDays: 30 });
});
