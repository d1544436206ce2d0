/** Something queued for the calls of one WeChat path, for `remaining` more calls. */
export interface PathQueueEntry {
  path: string;
  remaining: number;
}

/**
 * A queue per WeChat path (the simulator's control surface fills it): each call of the path takes
 * the oldest entry for it, until that entry's calls are used up.
 */
export class PathQueue<T extends PathQueueEntry> {
  private queue: T[] = [];

  add(entry: T): void {
    this.queue.push({ ...entry });
  }

  /** The oldest entry for `path`, one of its calls used up; undefined when none is queued. */
  take(path: string): T | undefined {
    const found = this.queue.find((entry) => entry.path === path);
    if (!found) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) this.queue = this.queue.filter((entry) => entry !== found);
    return found;
  }

  list(): T[] {
    return this.queue.map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.queue = [];
  }
}
