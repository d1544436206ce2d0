import type { QuotaPolicy } from '../../config/types.js';
import type { LedgerStore } from './ledger-store.js';

/**
 * An UNKNOWN send later found to have reached WeChat (a delivery event, or an operator's
 * MARK_SENT) spent the user's credit like any accepted send. Under `enforce` the credit was
 * reserved before the call and the UNKNOWN outcome kept it, so only the send is counted; under
 * `track` nothing was taken yet, so the credit is taken now.
 */
export function countSettledSend(
  ledger: Pick<LedgerStore, 'recordSent'>,
  quotaPolicy: QuotaPolicy,
  message: { appId: string; openid: string; templateId: string },
  at: Date,
): Promise<unknown> {
  return ledger.recordSent(
    { appId: message.appId, openid: message.openid, templateId: message.templateId },
    { reserved: quotaPolicy === 'enforce', at },
  );
}

/**
 * An UNKNOWN send settled as not sent (MARK_FAILED), or sent again (RESEND, which reserves
 * afresh): under `enforce` the credit its first call reserved is given back.
 */
export async function releaseSettledCredit(
  ledger: Pick<LedgerStore, 'release'>,
  quotaPolicy: QuotaPolicy,
  message: { appId: string; openid: string; templateId: string },
  at: Date,
): Promise<void> {
  if (quotaPolicy !== 'enforce') return;
  await ledger.release(
    { appId: message.appId, openid: message.openid, templateId: message.templateId },
    at,
  );
}
