import type { Role } from '../config.js';
import type { SendService } from '../services/sending/send-service.js';
import type { SubscriptionService } from '../services/ledger/subscription-service.js';
import type { MessageService } from '../services/messages/message-service.js';
import type { TemplateCatalog } from '../services/templates/template-catalog.js';

/** What resolvers may use: the app's services, resolved once at start-up, and the caller's role. */
export interface GatewayServices {
  appId: string;
  catalog: TemplateCatalog;
  subscriptions: SubscriptionService;
  sending: SendService;
  messages: MessageService;
  syncTemplates(): Promise<void>;
}

export interface GatewayContext {
  role: Role;
  services: GatewayServices;
}
