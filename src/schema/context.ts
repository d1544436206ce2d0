import type { Role } from '../config.js';
import type { AppDirectory, AppScope } from '../services/apps/app-directory.js';
import type { CampaignService } from '../services/campaigns/campaign-service.js';
import type { DeliveryService } from '../services/delivery/delivery-service.js';
import type { RecurringService } from '../services/recurring/recurring-service.js';
import type { SubscriptionService } from '../services/ledger/subscription-service.js';
import type { MessageService } from '../services/messages/message-service.js';
import type { SendService } from '../services/sending/send-service.js';
import type { TemplateCatalog } from '../services/templates/template-catalog.js';
import type { RequestLog } from '../shared/request-log.js';

/** One mini-program's services, resolved once at start-up. */
export interface AppServices {
  readonly name: string;
  readonly appId: string;
  catalog: TemplateCatalog;
  subscriptions: SubscriptionService;
  sending: SendService;
  messages: MessageService;
  /** Later sends: scheduled and triggered messages, on this app's own queue. */
  delivery: DeliveryService;
  /** Recurring schedules: a message per cron occurrence. */
  recurring: RecurringService;
  /** Bulk sends to credit holders or a list of openids, on the same queue. */
  campaigns: CampaignService;
  /** Re-reads the app's templates from WeChat and swaps in a schema with their typed sends. */
  syncTemplates(): Promise<void>;
}

/** What resolvers may use: the apps, and who is calling (role and the apps their key may see). */
export interface GatewayContext {
  role: Role;
  scope: AppScope;
  apps: AppDirectory<AppServices>;
  /** The HTTP request's log: lines written for this operation go through its logger. */
  requestLog?: RequestLog;
}
