/**
 * Keeps each user's pushes of one event type on distinct CreateTime seconds.
 *
 * Receivers de-duplicate WeChat's retries on FromUserName + CreateTime (+ Event), as docs/wechat.md
 * advises (§6.2), so two different pushes sharing those would lose the second. A person cannot
 * tap two popups within one second, but scripts driving the sandbox can, and two sends to one
 * user can finish within a second. The sandbox therefore moves a colliding push to the next free
 * second; a retry of the same push keeps its CreateTime.
 */
export class DistinctCreateTimes {
  private readonly last = new Map<string, number>();

  constructor(private readonly maxTracked = 10_000) {}

  /** The CreateTime to use for a push of `event` to `openid` that happened at `createTime`. */
  take(event: string, openid: string, createTime: number): number {
    const key = `${event}\u0000${openid}`;
    const previous = this.last.get(key);
    const chosen = previous !== undefined && previous >= createTime ? previous + 1 : createTime;
    this.last.delete(key);
    this.last.set(key, chosen);
    this.forgetPast(createTime);
    return chosen;
  }

  /** Entries behind the clock can no longer collide; the oldest go once too many are tracked. */
  private forgetPast(now: number): void {
    if (this.last.size <= this.maxTracked) return;
    for (const [key, at] of this.last) {
      if (this.last.size <= this.maxTracked / 2) return;
      if (at < now) this.last.delete(key);
    }
  }
}
