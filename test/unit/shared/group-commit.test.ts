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

    let down = true;
    const flaky = groupCommit<number, number>(async (items) => {
      if (down) throw new Error('store down');
      return items;
    }, 100);
    await expect(Promise.all([flaky(1), flaky(2)])).rejects.toThrow('store down');
    // A failed flush gives its place back: the next one runs.
    down = false;
    expect(await flaky(7)).toBe(7);
  });

  it('gives back the place of a flush that throws before answering a promise', async () => {
    let calls = 0;
    const commit = groupCommit<number, number>((items) => {
      if (++calls === 1) throw new Error('bad input');
      return Promise.resolve(items);
    }, 100);
    await expect(commit(1)).rejects.toThrow('bad input');
    expect(await commit(2)).toBe(2);
  });

  it('runs up to inFlight flushes at once, and the calls made meanwhile together after one ends', async () => {
    const { calls, flush, openNext } = gatedFlush();
    const commit = groupCommit(flush, 100, { inFlight: 2 });
    const first = commit(1);
    await new Promise((r) => setImmediate(r));
    const second = commit(2);
    await new Promise((r) => setImmediate(r));
    // The second flush did not wait for the first.
    expect(calls).toEqual([[1], [2]]);
    const rest = [commit(3), commit(4)];
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([[1], [2]]);
    await openNext();
    expect(await first).toBe(10);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([[1], [2], [3, 4]]);
    await openNext();
    await openNext();
    expect(await second).toBe(20);
    expect(await Promise.all(rest)).toEqual([30, 40]);
  });

  it('with gatherForLoopTurn, gathers the calls of the whole event-loop turn into one flush', async () => {
    const flushes = async (options: { gatherForLoopTurn?: boolean }) => {
      const calls: number[][] = [];
      const commit = groupCommit(
        async (items: readonly number[]) => {
          calls.push([...items]);
          return items;
        },
        100,
        options,
      );
      const first = commit(1);
      // A call made a few microtasks later, as after an awaited step, in the same loop turn.
      for (let i = 0; i < 5; i++) await Promise.resolve();
      await Promise.all([first, commit(2)]);
      return calls;
    };
    expect(await flushes({})).toEqual([[1], [2]]);
    expect(await flushes({ gatherForLoopTurn: true })).toEqual([[1, 2]]);
  });

  it('refuses an inFlight that is not a positive integer', () => {
    expect(() =>
      groupCommit(async (items: readonly number[]) => items, 10, { inFlight: 0 }),
    ).toThrow('inFlight must be a positive integer, got 0');
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
