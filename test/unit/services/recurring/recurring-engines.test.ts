import { recurringContract } from '../../../contracts/recurring.contract.js';
import { describeRedis } from '../../../helpers/redis.js';

recurringContract('memory');
describeRedis('on Redis', () => recurringContract('bullmq'));
