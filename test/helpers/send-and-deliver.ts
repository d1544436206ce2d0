import type { QuotaPolicy } from '../../src/config.js';
import type { Stores } from '../../src/infra/stores.js';
import {
  startDelivery,
  type Delivery,
  type StartDeliveryOptions,
} from '../../src/services/delivery/start-delivery.js';
import type { KeyedMutex } from '../../src/services/sending/keyed-mutex.js';
import {
  SendService,
  type SubscribeMessageSender,
} from '../../src/services/sending/send-service.js';
import type { TemplateCatalog } from '../../src/services/templates/template-catalog.js';
import type { Logger } from '../../src/shared/logger.js';

/** What the send service and the delivery engine of one app share. */
export interface AppSendingBase {
  appId: string;
  stores: Stores;
  catalog: TemplateCatalog;
  sender: SubscribeMessageSender;
  userMutex: KeyedMutex;
  quotaPolicy: QuotaPolicy;
  logger: Logger;
}

/**
 * The send service and the delivery engine over one app's stores, wired as the gateway wires
 * them (the stores' sent recorder included); `engine` is what a test sets about the engine.
 */
export async function startSendingAndDelivery(
  base: AppSendingBase,
  engine: Omit<
    StartDeliveryOptions,
    keyof AppSendingBase | 'messages' | 'ledger' | 'recurring' | 'sending' | 'sentRecorder'
  >,
): Promise<{ sending: SendService; delivery: Delivery }> {
  const { stores, ...shared } = base;
  const sending = new SendService({
    ...shared,
    ledger: stores.ledger,
    messages: stores.messages,
    idempotency: stores.idempotency,
    sentRecorder: stores.sentRecorder,
  });
  const delivery = await startDelivery({
    ...shared,
    ...engine,
    messages: stores.messages,
    ledger: stores.ledger,
    recurring: stores.recurring,
    sentRecorder: stores.sentRecorder,
    sending,
  });
  return { sending, delivery };
}
