import { setTimeout as sleep } from 'node:timers/promises';
import { BadUserInputError } from '../../shared/errors.js';
import type { QuotaPolicy } from '../../config/types.js';
import type { LedgerSource, LedgerStore } from '../ledger/ledger-store.js';
import { countSettledSend } from '../ledger/settled-send.js';
import type { Logger } from '../../shared/logger.js';
import type { MessageRecord, MessageStore } from '../messages/message-store.js';
import type { PushEventSink } from './handler.js';
import type { SentItem, SubscribeEvent } from './subscribe-event.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';

export interface SubscribeEventSinkDeps {
  appId: string;
  catalog: TemplateCatalog;
  ledger: LedgerStore;
  messages: MessageStore;
  ledgerSource: LedgerSource;
  /** A reconciled UNKNOWN send spent its credit: counted as the policy that sent it counts. */
  quotaPolicy: QuotaPolicy;
  logger: Logger;
  /**
   * How long a delivery event may wait for a send of ours that is still being recorded (its
   * msgid not stored yet). Default 2000 ms, well inside WeChat's 5 s.
   */
  sendingWaitMs?: number;
}

/** Thrown when a delivery event names a msgid that a send still in progress may yet store. */
export class DeliveryNotYetCorrelatedError extends Error {
  constructor(readonly msgid: string) {
    super(
      `delivery event for msgid ${msgid} arrived before its send was recorded; WeChat's retry will apply it`,
    );
    this.name = 'DeliveryNotYetCorrelatedError';
  }
}

const DEFAULT_SENDING_WAIT_MS = 2000;
const RECONCILE_WINDOW_MS = 10 * 60_000;
/** WeChat's CreateTime has second precision and its own clock. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Applies WeChat's subscribe events to the ledger and the message log.
 * - popup: credits only when the ledger's source of truth is `events`; with `client` the
 *   subscribe mutation already counted the tap, and counting the push too would double it.
 *   accept and its acceptWith… variants are ACCEPT, reject is REJECT; anything else is ignored.
 * - change (the user turned a template off): always applied; no client call reports it.
 * - sent: the final delivery result of a message, found by its exact 64-bit msgid.
 * An item WeChat could never have sent (an openid or template id our stores refuse) is skipped
 * with a warning: refusing the delivery would only make WeChat retry the same bad item.
 */
export class SubscribeEventSink implements PushEventSink {
  constructor(private readonly deps: SubscribeEventSinkDeps) {}

  async apply(event: SubscribeEvent): Promise<void> {
    const at = new Date(event.createTime * 1000);
    switch (event.kind) {
      case 'popup':
        if (this.deps.ledgerSource !== 'events') {
          this.deps.logger.debug(
            { items: event.items.length },
            'popup event not counted: LEDGER_SOURCE=client, the subscribe call carries the credit',
          );
          return;
        }
        for (const item of event.items)
          await this.skipInvalid(() => this.applyPopup(event.openid, item, at));
        return;
      case 'change':
        for (const item of event.items)
          await this.skipInvalid(() => this.applyChange(event.openid, item, at));
        return;
      case 'sent':
        for (const item of event.items)
          await this.skipInvalid(() => this.applySent(event.openid, item, at));
        return;
      default:
        return;
    }
  }

  private async applyPopup(
    openid: string,
    item: { templateId: string; status: string },
    at: Date,
  ): Promise<void> {
    const { appId, catalog, ledger, logger } = this.deps;
    const template = catalog.registry.find(item.templateId);
    if (!template) {
      logger.warn(
        { templateId: item.templateId },
        'popup event for a template not in the registry; ignored (sync the templates)',
      );
      return;
    }
    const status = item.status.startsWith('accept')
      ? 'ACCEPT'
      : item.status === 'reject'
        ? 'REJECT'
        : null;
    if (!status) {
      logger.info(
        { status: item.status.slice(0, 32) },
        'popup item with an unknown status; ignored',
      );
      return;
    }
    await ledger.record(
      { appId, openid, templateId: template.id },
      { status, longTerm: template.type === 'LONG_TERM', source: 'events', at },
    );
  }

  private async applyChange(
    openid: string,
    item: { templateId: string; status: string },
    at: Date,
  ): Promise<void> {
    // Only cancellations are pushed (docs/wechat.md §6.4 B); anything else has nothing to apply.
    if (item.status !== 'reject') return;
    // The ledger is keyed by WeChat's id, which is what the event carries; a template since
    // removed from the registry still has its credits withdrawn.
    await this.deps.ledger.revoke(
      { appId: this.deps.appId, openid, templateId: item.templateId },
      { source: 'events', at },
    );
  }

  private async applySent(openid: string, item: SentItem, at: Date): Promise<void> {
    const { appId, messages, logger } = this.deps;
    const message = await this.findSent(openid, item);
    if (!message && (await this.reconcileUnknown(openid, item, at))) return;
    if (!message) {
      logger.info(
        { msgid: item.msgId },
        'delivery event for a message this gateway did not send; ignored',
      );
      return;
    }
    if (message.openid !== openid || message.templateId !== item.templateId) {
      logger.warn(
        { msgid: item.msgId, messageId: message.id },
        'delivery event names another user or template than the message with its msgid; ignored',
      );
      return;
    }
    const delivered = item.errorCode === 0;
    await messages.update(appId, message.id, {
      status: delivered ? 'DELIVERED' : 'DELIVERY_FAILED',
      deliveredAt: at,
      deliveryErrorCode: item.errorCode,
      deliveryErrorStatus: item.errorStatus,
      updatedAt: new Date(),
    });
  }

  /**
   * The message with this msgid. WeChat may push the delivery result while our send is still
   * storing WeChat's answer (the sandbox does so within milliseconds): when a send to this user
   * and template is still SENDING, wait briefly for the msgid to be stored, then ask for a retry.
   */
  private async findSent(openid: string, item: SentItem): Promise<MessageRecord | null> {
    const { appId, messages } = this.deps;
    const found = await messages.findByMsgid(appId, item.msgId);
    if (found || !(await this.sendInProgress(openid, item.templateId))) return found;
    const deadline = Date.now() + (this.deps.sendingWaitMs ?? DEFAULT_SENDING_WAIT_MS);
    let delay = 5;
    while (Date.now() < deadline) {
      await sleep(delay);
      delay = Math.min(delay * 2, 200);
      const later = await messages.findByMsgid(appId, item.msgId);
      if (later) return later;
      if (!(await this.sendInProgress(openid, item.templateId))) {
        // The send finished without this msgid, unless it stored it just now.
        return messages.findByMsgid(appId, item.msgId);
      }
    }
    throw new DeliveryNotYetCorrelatedError(item.msgId);
  }

  /**
   * A send that got no answer is UNKNOWN; WeChat's delivery event is the only later evidence. An
   * event for the same user and template within 10 minutes whose msgid is no other message's
   * settles it (the caller checked the msgid). Several candidates: the most recent one.
   */
  private async reconcileUnknown(openid: string, item: SentItem, at: Date): Promise<boolean> {
    const { appId, messages, logger } = this.deps;
    const page = await messages.list(
      appId,
      { openid, templateId: item.templateId, status: 'UNKNOWN' },
      { first: 20 },
    );
    const candidate = page.items.find((m) => {
      const started = (m.sendAt ?? m.createdAt).getTime();
      return (
        at.getTime() >= started - CLOCK_SKEW_MS &&
        at.getTime() <= m.updatedAt.getTime() + RECONCILE_WINDOW_MS
      );
    });
    if (!candidate) return false;
    const delivered = item.errorCode === 0;
    const result = await messages.transition(appId, candidate.id, ['UNKNOWN'], {
      status: delivered ? 'DELIVERED' : 'DELIVERY_FAILED',
      msgid: item.msgId,
      // The transport error that made it UNKNOWN is answered now; delivery fields say the rest.
      errcode: null,
      errmsg: null,
      deliveredAt: at,
      deliveryErrorCode: item.errorCode,
      deliveryErrorStatus: item.errorStatus,
      updatedAt: new Date(),
    });
    if (result.applied) {
      // WeChat acted on it (delivered or not): the credit is spent.
      await countSettledSend(this.deps.ledger, this.deps.quotaPolicy, candidate, at);
      logger.info({ messageId: candidate.id, msgid: item.msgId }, 'UNKNOWN message reconciled');
    }
    return result.applied;
  }

  private async sendInProgress(openid: string, templateId: string): Promise<boolean> {
    const page = await this.deps.messages.list(
      this.deps.appId,
      { openid, templateId, status: 'SENDING' },
      { first: 1 },
    );
    return page.items.length > 0;
  }

  private async skipInvalid(apply: () => Promise<void>): Promise<void> {
    try {
      await apply();
    } catch (error) {
      if (!(error instanceof BadUserInputError)) throw error;
      this.deps.logger.warn(
        { field: error.field },
        `push event item skipped: ${error.message.slice(0, 200)}`,
      );
    }
  }
}
