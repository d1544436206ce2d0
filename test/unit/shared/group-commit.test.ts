import { describe, expect, it } from '@jest/globals';
import { groupCommit } from '../../../src/shared/group-commit.js';

/** A flush that records each call's items and finishes when the test lets it. */
function gatedFlush() {
  const calls: number[][] = [];
  const gates: (() => void)[] = [];
  const flush = async (items: readonly number[]) => {
    calls.push([...items]);
    await new Promise<void>((resolve) => gates.push(resolve));
    return items.map((n) => (n < 0 ? new Error(`refused ${n}`) : n * 10));
  };
  const openNext = async () => {
    for (let i = 0; i < 100 && gates.length === 0; i++) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { calls, flush, openNext };
}

describe('groupCommit', () => {
  it('flushes a lone call at once, and the calls made meanwhile together after it', async () => {
    const { calls, flush, openNext } = gatedFlush();
    const commit = groupCommit(flush, 100);
    const first = commit(1);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([[1]]);
    const rest = [commit(2), commit(3), commit(4)];
    await new Promise((r) => setImmediate(r));
    // Still one flush: the others wait for it to end.
    expect(calls).toEqual([[1]]);
    await openNext();
    expect(await first).toBe(10);
    await openNext();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(calls).toEqual([[1], [2, 3, 4]]);
  });

  it('fails only the call whose result is an Error, and every call of a flush that throws', async () => {
    const { flush, openNext } = gatedFlush();
    const commit = groupCommit(flush, 100);
    const calls = [commit(5), commit(-1), commit(6)];
    await openNext();
    await expect(calls[0]).resolves.toBe(50);
    await expect(calls[1]).rejects.toThrow('refused -1');
    await expect(calls[2]).resolves.toBe(60);

    const broken = groupCommit<number, number>(() => Promise.reject(new Error('store down')), 100);
    await expect(Promise.all([broken(1), broken(2)])).rejects.toThrow('store down');
    // A failed flush does not block the next one.
    const after = groupCommit<number, number>(async (items) => items.map((n) => n), 100);
    expect(await after(7)).toBe(7);
  });

  it('puts at most maxBatchSize calls in one flush', async () => {
    const sizes: number[] = [];
    const commit = groupCommit(async (items: readonly number[]) => {
      sizes.push(items.length);
      return items;
    }, 3);
    await Promise.all(Array.from({ length: 7 }, (_, i) => commit(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(7);
  });
});
