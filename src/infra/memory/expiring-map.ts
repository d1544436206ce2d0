/**
 * A Map whose entries expire by an injected clock (milliseconds). Expiry is checked lazily on
 * read; to keep memory bounded when keys are never read again, expired entries are swept whenever
 * the map has doubled since the last sweep (amortised O(1) per write).
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private sweepAt = 1024;

  constructor(private readonly now: () => number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    if (this.entries.size >= this.sweepAt) this.sweep();
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
    this.sweepAt = Math.max(1024, this.entries.size * 2);
  }
}
