import { BadUserInputError, UpstreamUnavailableError } from '../shared/errors.js';
import { openIdProblem } from '../simulator/users/openids.js';
import type { TemplateCatalog } from '../services/templates/template-catalog.js';
import type { SubscribeResult, TapMirror } from '../services/ledger/subscription-service.js';

const TAP_LIMIT = 5;

/**
 * Sandbox only. In production the user's tap reaches WeChat before the mini-program reports it
 * through `subscribe`; the sandbox has no phone, so `subscribe` performs the tap on the simulator
 * first (its control surface, as a person would). WeChat's client rules apply to taps (at most 5
 * ids, one-time and long-term never mixed), so results are grouped into valid taps.
 */
export class SimulatorTapMirror implements TapMirror {
  constructor(private readonly deps: { simulatorUrl: string; catalog: TemplateCatalog }) {}

  async tap(openid: string, results: readonly SubscribeResult[]): Promise<void> {
    // Only the simulator's own users can tap: any other openid is the caller's mistake, said as
    // such, not a failure of the simulator.
    const problem = openIdProblem(openid);
    if (problem !== null)
      throw new BadUserInputError(`${problem}: the sandbox simulator has no such user`, 'openid');
    const groups = new Map<string, Record<string, string>[]>();
    for (const result of results) {
      const template = this.deps.catalog.registry.require(result.templateId);
      const taps = groups.get(template.type) ?? [{}];
      let current = taps[taps.length - 1]!;
      if (template.id in current || Object.keys(current).length >= TAP_LIMIT) {
        current = {};
        taps.push(current);
      }
      current[template.id] = result.status.toLowerCase();
      groups.set(template.type, taps);
    }
    for (const taps of groups.values()) {
      for (const tap of taps) await this.post(openid, tap);
    }
  }

  private async post(openid: string, results: Record<string, string>): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`${this.deps.simulatorUrl}/__sim/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ openid, results }),
      });
    } catch (error) {
      throw new UpstreamUnavailableError('The sandbox simulator is unreachable', { cause: error });
    }
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as {
        error?: string;
        message?: string;
      };
      throw new UpstreamUnavailableError(
        `The sandbox simulator refused the tap: ${body.error ?? body.message ?? response.status}`,
      );
    }
  }
}
