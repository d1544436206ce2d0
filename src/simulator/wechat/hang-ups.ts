/** Hang-ups queued by `POST /__sim/hangups`, per WeChat path. */
export interface QueuedHangUp {
  path: string;
  /** How many more calls of `path` are carried out without an answer. */
  remaining: number;
}

/**
 * Calls WeChat carries out whose answer never reaches the caller: the connection is cut where the
 * reply would be. A send is delivered, its credit spent and its event pushed, yet its sender
 * cannot know: the case a gateway must record as UNKNOWN and never resend by itself.
 */
export class HangUps {
  private queue: QueuedHangUp[] = [];

  add(path: string, times: number): void {
    this.queue.push({ path, remaining: times });
  }

  /** True when this call of `path` is to go unanswered (one queued hang-up used up). */
  take(path: string): boolean {
    const found = this.queue.find((hangUp) => hangUp.path === path);
    if (!found) return false;
    found.remaining -= 1;
    if (found.remaining <= 0) this.queue = this.queue.filter((hangUp) => hangUp !== found);
    return true;
  }

  list(): QueuedHangUp[] {
    return this.queue.map((hangUp) => ({ ...hangUp }));
  }

  reset(): void {
    this.queue = [];
  }
}
