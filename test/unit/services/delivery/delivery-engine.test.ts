import { deliveryEngineContract } from '../../../contracts/delivery-engine.contract.js';
import { describeRedis } from '../../../helpers/redis.js';

deliveryEngineContract('memory');
describeRedis('on Redis', () => deliveryEngineContract('bullmq'));
