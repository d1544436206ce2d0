const SEND_PATH = '/cgi-bin/message/subscribe/send';

export interface CountersSnapshot {
  /** Calls per WeChat API path (control calls are not counted). */
  calls: Record<string, number>;
  /** Replies per path and errcode ("0" is success). */
  outcomes: Record<string, Record<string, number>>;
  tokensIssued: { classic: number; stable: number };
  sends: { ok: number; failed: Record<string, number> };
}

/** What the simulated WeChat has been asked and what it answered, for `GET /__sim/counters`. */
export class Counters {
  private calls = new Map<string, number>();
  private outcomes = new Map<string, Map<number, number>>();

  countCall(path: string): void {
    this.calls.set(path, (this.calls.get(path) ?? 0) + 1);
  }

  countOutcome(path: string, errcode: number): void {
    const byCode = this.outcomes.get(path) ?? new Map<number, number>();
    byCode.set(errcode, (byCode.get(errcode) ?? 0) + 1);
    this.outcomes.set(path, byCode);
  }

  snapshot(tokensIssued: { classic: number; stable: number }): CountersSnapshot {
    const outcomes: Record<string, Record<string, number>> = {};
    for (const [path, byCode] of this.outcomes) {
      outcomes[path] = Object.fromEntries([...byCode].map(([code, n]) => [String(code), n]));
    }
    const sendOutcomes = outcomes[SEND_PATH] ?? {};
    const failed = Object.fromEntries(
      Object.entries(sendOutcomes).filter(([code]) => code !== '0'),
    );
    return {
      calls: Object.fromEntries(this.calls),
      outcomes,
      tokensIssued: { ...tokensIssued },
      sends: { ok: sendOutcomes['0'] ?? 0, failed },
    };
  }

  reset(): void {
    this.calls.clear();
    this.outcomes.clear();
  }
}
