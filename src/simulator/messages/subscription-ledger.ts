import type { SimTemplate } from '../templates/sim-template.js';

/**
 * What each user has agreed to receive (docs/wechat.md §5.4):
 * - one-time templates: a credit count per (openid, template); every accept adds one (credits
 *   accumulate, no documented upper bound) and every successful send spends one;
 * - long-term templates: a yes/no per (openid, template); sends do not use it up.
 * WeChat has no API to read this; the control surface shows it so demos and tests can.
 */
export class SubscriptionLedger {
  private readonly oneTimeCredits = new Map<string, Map<string, number>>();
  private readonly longTermAccepted = new Map<string, Set<string>>();

  accept(openid: string, template: SimTemplate): void {
    if (template.type === 'LONG_TERM') {
      this.longTermSet(openid).add(template.id);
      return;
    }
    const credits = this.creditMap(openid);
    credits.set(template.id, (credits.get(template.id) ?? 0) + 1);
  }

  /**
   * A reject in the popup grants nothing and takes back no one-time credit already granted (each
   * one-time subscription stands on its own). For a long-term template the popup choice is the
   * setting itself, so a reject turns it off.
   */
  reject(openid: string, template: SimTemplate): void {
    if (template.type === 'LONG_TERM') this.longTermAccepted.get(openid)?.delete(template.id);
  }

  /** The user turned the template off in settings: no credits left, long-term off. */
  turnOff(openid: string, templateId: string): void {
    this.oneTimeCredits.get(openid)?.delete(templateId);
    this.longTermAccepted.get(openid)?.delete(templateId);
  }

  credits(openid: string, templateId: string): number {
    return this.oneTimeCredits.get(openid)?.get(templateId) ?? 0;
  }

  isLongTermAccepted(openid: string, templateId: string): boolean {
    return this.longTermAccepted.get(openid)?.has(templateId) ?? false;
  }

  /** Whether a send may go out; a one-time send spends a credit here. */
  spend(openid: string, template: SimTemplate): boolean {
    if (template.type === 'LONG_TERM') return this.isLongTermAccepted(openid, template.id);
    const left = this.credits(openid, template.id);
    if (left <= 0) return false;
    this.creditMap(openid).set(template.id, left - 1);
    return true;
  }

  /** Openids with any record, oldest first. */
  users(): string[] {
    return [...new Set([...this.oneTimeCredits.keys(), ...this.longTermAccepted.keys()])];
  }

  reset(): void {
    this.oneTimeCredits.clear();
    this.longTermAccepted.clear();
  }

  private creditMap(openid: string): Map<string, number> {
    let credits = this.oneTimeCredits.get(openid);
    if (!credits) this.oneTimeCredits.set(openid, (credits = new Map()));
    return credits;
  }

  private longTermSet(openid: string): Set<string> {
    let accepted = this.longTermAccepted.get(openid);
    if (!accepted) this.longTermAccepted.set(openid, (accepted = new Set()));
    return accepted;
  }
}
