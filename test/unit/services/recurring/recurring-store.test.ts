import { MemoryRecurringScheduleStore } from '../../../../src/services/recurring/memory-recurring-store.js';
import { RedisRecurringScheduleStore } from '../../../../src/services/recurring/redis-recurring-store.js';
import { runStoreContract } from '../../../helpers/store-contract.js';
import { recurringStoreContract } from '../../../contracts/recurring-store.contract.js';

runStoreContract(recurringStoreContract, {
  redisTitle: 'RedisRecurringScheduleStore',
  memory: () => ({ store: new MemoryRecurringScheduleStore() }),
  redis: (client, prefix) => ({ store: new RedisRecurringScheduleStore({ client, prefix }) }),
});
