import type { LedgerSource, LedgerStore } from '../ledger/ledger-store.js';
import type { Logger } from '../logger.js';
import type { MessageStore } from '../messages/message-store.js';
import type { PushEventSink } from '../push/handler.js';
import type { SubscribeEvent } from '../push/subscribe-event.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';

/**
 * Applies WeChat's subscribe events to the ledger and the message log.
 * - popup: credits only when the ledger's source of truth is `events`; with `client` the
 *   subscribe mutation already counted the tap, and counting the push too would double it.
 * - change (the user turned a template off): always applied; no client call reports it.
 * - sent: the final delivery result of a message, found by its exact 64-bit msgid.
 */
export class SubscribeEventSink implements PushEventSink {
  constructor(
    private readonly deps: {
      appId: string;
      catalog: TemplateCatalog;
      ledger: LedgerStore;
      messages: MessageStore;
      ledgerSource: LedgerSource;
      logger: Logger;
    },
  ) {}

  async apply(event: SubscribeEvent): Promise<void> {
    const at = new Date(event.createTime * 1000);
    const { appId, catalog, ledger, messages, logger } = this.deps;
    switch (event.kind) {
      case 'popup': {
        if (this.deps.ledgerSource !== 'events') return;
        for (const item of event.items) {
          const template = catalog.registry.find(item.templateId);
          if (!template) {
            logger.warn(
              { templateId: item.templateId },
              'popup event for a template not in the registry; ignored',
            );
            continue;
          }
          const status = item.status.startsWith('accept')
            ? 'ACCEPT'
            : item.status === 'reject'
              ? 'REJECT'
              : null;
          if (!status) continue;
          await ledger.record(
            { appId, openid: event.openid, templateId: template.id },
            { status, longTerm: template.type === 'LONG_TERM', source: 'events', at },
          );
        }
        return;
      }
      case 'change':
        for (const item of event.items) {
          if (item.status !== 'reject') continue;
          await ledger.revoke(
            { appId, openid: event.openid, templateId: item.templateId },
            { source: 'events', at },
          );
        }
        return;
      case 'sent':
        for (const item of event.items) {
          const message = await messages.findByMsgid(appId, item.msgId);
          if (!message) {
            logger.info(
              { msgid: item.msgId },
              'delivery event for a message this gateway did not send; ignored',
            );
            continue;
          }
          await messages.update(appId, message.id, {
            status: item.errorCode === 0 ? 'DELIVERED' : 'DELIVERY_FAILED',
            deliveredAt: at,
            deliveryErrorCode: item.errorCode,
            deliveryErrorStatus: item.errorStatus,
          });
        }
        return;
      default:
        return;
    }
  }
}
