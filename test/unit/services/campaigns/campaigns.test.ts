import { campaignContract } from '../../../contracts/campaign.contract.js';
import { describeRedis } from '../../../helpers/redis.js';

campaignContract('memory');
describeRedis('on Redis', () => campaignContract('bullmq'));
