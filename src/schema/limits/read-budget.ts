/**
 * A budget of read work shared by every caller of this process: `perSecond` units, with up to a
 * second's worth in a burst (the generic cell rate algorithm). A charge beyond it is not refused
 * but delayed until the budget has refilled, so a client reading in a loop is paced to the
 * budget instead of taking the event loop from everyone else, sends included.
 */
export class ReadBudget {
  /** When the work charged so far will have been paid for (ms, on `now`'s clock). */
  private paidUntil = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Charges `units`; returns how many milliseconds the caller should wait before going on. */
  charge(units: number): number {
    if (units <= 0) return 0;
    const now = this.now();
    this.paidUntil = Math.max(this.paidUntil, now) + (units / this.perSecond) * 1000;
    return Math.max(0, this.paidUntil - now - 1000);
  }
}
