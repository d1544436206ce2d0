import { describe, expect, it } from '@jest/globals';
import { DeliverySweeper } from '../../../../src/services/delivery/delivery-sweeper.js';
import { MemoryMessageStore } from '../../../../src/services/messages/memory-message-store.js';
import { MemoryLock } from '../../../../src/shared/lock.js';
import { TEMPLATE } from '../../../helpers/delivery-harness.js';
import { queuedBatchRecord } from '../../../helpers/message-record.js';
import { recordingLogger } from '../../../helpers/recording-logger.js';

const APP = 'wxsweeper0000001';
const T0 = Date.parse('2026-11-30T08:00:00Z');
const BATCH_SIZE = 50;

/** An engine that knows which jobs exist, and what the sweeper asked and queued. */
function jobsEngine(jobs: Set<string>) {
  const asked: string[] = [];
  const enqueued: string[] = [];
  return {
    asked,
    enqueued,
    hasJob: async (id: string) => {
      asked.push(id);
      return jobs.has(id);
    },
    enqueue: async (id: string) => {
      enqueued.push(id);
      jobs.add(id);
    },
  };
}

/**
 * `campaignSends` QUEUED messages of a campaign, due one per ms from T0, in batches whose jobs
 * are all there; then one QUEUED message due after them whose own job is lost.
 */
async function lostBehindCampaign(campaignSends: number) {
  const messages = new MemoryMessageStore();
  const jobs = new Set<string>();
  for (let i = 0; i < campaignSends; i++) {
    const batchId = `batch-${Math.floor(i / BATCH_SIZE)}`;
    jobs.add(batchId);
    await messages.create(
      queuedBatchRecord({
        appId: APP,
        openid: `oSweep${i}`,
        templateId: TEMPLATE.id,
        createdAt: new Date(T0 + i),
        batchId,
        campaignId: 'campaign-1',
      }),
    );
  }
  const lost = queuedBatchRecord({
    appId: APP,
    openid: 'oSweepLost',
    templateId: TEMPLATE.id,
    createdAt: new Date(T0 + campaignSends + 1000),
    batchId: null,
  });
  await messages.create(lost);
  const engine = jobsEngine(jobs);
  const sweeper = (batch: number) =>
    new DeliverySweeper({
      appId: APP,
      messages,
      engine,
      lock: new MemoryLock(),
      logger: recordingLogger(),
      batch,
      now: () => new Date(T0 + 3_600_000),
    });
  return { lost, engine, sweeper };
}

describe('DeliverySweeper', () => {
  it('finds a lost job behind more due campaign messages than one page holds, asking once per batch', async () => {
    const { lost, engine, sweeper } = await lostBehindCampaign(1200);
    expect(await sweeper(100).sweep()).toMatchObject({ reenqueued: 1 });
    expect(engine.enqueued).toEqual([lost.id]);
    // 24 batches for the SCHEDULED and QUEUED passes together, and the lost message itself.
    expect(engine.asked.filter((id) => id.startsWith('batch-'))).toHaveLength(1200 / BATCH_SIZE);
    expect(engine.asked.filter((id) => id === lost.id)).toHaveLength(1);
  });

  it('goes on where the last sweep stopped, then starts from the earliest again', async () => {
    // 20 pages of 10 per sweep: the lost message is the 251st.
    const { lost, engine, sweeper } = await lostBehindCampaign(250);
    const sweeps = sweeper(10);
    expect(await sweeps.sweep()).toMatchObject({ reenqueued: 0 });
    expect(await sweeps.sweep()).toMatchObject({ reenqueued: 1 });
    expect(engine.enqueued).toEqual([lost.id]);
    const askedBefore = engine.asked.length;
    expect(await sweeps.sweep()).toMatchObject({ reenqueued: 0 });
    expect(engine.asked[askedBefore]).toBe('batch-0');
  });
});
