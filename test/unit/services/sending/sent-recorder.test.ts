import { RedisLock } from '../../../../src/infra/redis/redis-lock.js';
import { MemoryLock } from '../../../../src/shared/lock.js';
import { MemoryLedgerStore } from '../../../../src/services/ledger/memory-ledger-store.js';
import { RedisLedgerStore } from '../../../../src/services/ledger/redis-ledger-store.js';
import { MemoryMessageStore } from '../../../../src/services/messages/memory-message-store.js';
import { RedisMessageStore } from '../../../../src/services/messages/redis-message-store.js';
import { RedisSentRecorder } from '../../../../src/services/sending/redis-sent-recorder.js';
import { SeparateSentRecorder } from '../../../../src/services/sending/sent-recorder.js';
import { runStoreContract } from '../../../helpers/store-contract.js';
import { sentRecorderContract } from '../../../contracts/sent-recorder.contract.js';

runStoreContract(sentRecorderContract, {
  redisTitle: 'RedisSentRecorder',
  memory: () => {
    const messages = new MemoryMessageStore();
    const ledger = new MemoryLedgerStore();
    return {
      store: {
        recorder: new SeparateSentRecorder(messages, ledger),
        messages,
        ledger,
        lock: new MemoryLock(),
      },
    };
  },
  redis: (client, prefix) => ({
    store: {
      recorder: new RedisSentRecorder({ client, prefix }),
      messages: new RedisMessageStore({ client, prefix }),
      ledger: new RedisLedgerStore({ client, prefix }),
      lock: new RedisLock({ client, prefix }),
    },
  }),
});
