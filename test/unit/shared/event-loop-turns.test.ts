import { describe, expect, it } from '@jest/globals';
import { oneReadAtATime } from '../../../src/shared/event-loop-turns.js';

/** A read that starts when called and finishes when the test says so. */
function controlledRead<T>() {
  let finish!: (value: T) => void;
  let fail!: (error: Error) => void;
  let started = false;
  const read = () => {
    started = true;
    return new Promise<T>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  };
  return { read, started: () => started, finish: (v: T) => finish(v), fail: (e: Error) => fail(e) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('oneReadAtATime', () => {
  it('starts an owner’s next read only once the one before has finished', async () => {
    const owner = {};
    const first = controlledRead<string>();
    const second = controlledRead<string>();
    const a = oneReadAtATime(owner, first.read);
    const b = oneReadAtATime(owner, second.read);
    await settle();
    expect(first.started()).toBe(true);
    expect(second.started()).toBe(false);
    first.finish('page 1');
    expect(await a).toBe('page 1');
    await settle();
    expect(second.started()).toBe(true);
    second.finish('page 2');
    expect(await b).toBe('page 2');
  });

  it('lets different owners read at the same time', async () => {
    const one = controlledRead<number>();
    const other = controlledRead<number>();
    const a = oneReadAtATime({}, one.read);
    const b = oneReadAtATime({}, other.read);
    await settle();
    expect([one.started(), other.started()]).toEqual([true, true]);
    one.finish(1);
    other.finish(2);
    expect(await Promise.all([a, b])).toEqual([1, 2]);
  });

  it('passes a failed read’s error on and still runs the next read', async () => {
    const owner = {};
    const failing = controlledRead<string>();
    const next = controlledRead<string>();
    const a = oneReadAtATime(owner, failing.read);
    const b = oneReadAtATime(owner, next.read);
    await settle();
    failing.fail(new Error('store down'));
    await expect(a).rejects.toThrow('store down');
    await settle();
    expect(next.started()).toBe(true);
    next.finish('after');
    expect(await b).toBe('after');
  });

  it('hands a finished read back on a later turn of the event loop, not straight away', async () => {
    const order: string[] = [];
    const result = oneReadAtATime({}, () => Promise.resolve('page'));
    setImmediate(() => order.push('other work'));
    order.push(await result);
    expect(order).toEqual(['other work', 'page']);
  });
});
