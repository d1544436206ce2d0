import { expect, it } from '@jest/globals';
import {
  CampaignRunner,
  type CampaignRunnerDeps,
} from '../../../../src/services/campaigns/campaign-runner.js';
import type { CampaignStore } from '../../../../src/services/campaigns/campaign-store.js';
import { MemoryLock } from '../../../../src/shared/lock.js';
import { recordingLogger } from '../../../helpers/recording-logger.js';

/** A campaign store whose listing fails `failures` times (a store outage), then finds nothing. */
function outageStore(failures: number) {
  let calls = 0;
  const store = {
    listUnfinished: () => {
      calls += 1;
      if (calls <= failures) return Promise.reject(new Error('The client is offline'));
      return Promise.resolve([]);
    },
  };
  return { store: store as unknown as CampaignStore, calls: () => calls };
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}

it('logs a store outage once when it starts and once when it ends, not every round', async () => {
  const { store, calls } = outageStore(8);
  const logger = recordingLogger();
  const runner = new CampaignRunner({
    appId: 'wx-outage',
    campaigns: store,
    lock: new MemoryLock(),
    logger,
    tickMs: 1,
  } as unknown as CampaignRunnerDeps);
  runner.start();
  await until(() => calls() >= 10);
  await runner.stop();

  expect(logger.at('warn').map((line) => line.msg)).toEqual([
    'campaign runner round failed; retrying every round, logging again once it succeeds',
  ]);
  expect(logger.at('info').map((line) => line.msg)).toEqual([
    'campaign runner recovered after 8 failed rounds',
  ]);
});
