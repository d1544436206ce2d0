import { describe, expect, it } from '@jest/globals';
import { ReadBudget } from '../../../../src/schema/limits/read-budget.js';

describe('ReadBudget', () => {
  const at = (clock: { now: number }) => new ReadBudget(1000, () => clock.now);

  it('lets a second’s worth through at once, then paces the rest', () => {
    const clock = { now: 0 };
    const budget = at(clock);
    expect(budget.charge(600)).toBe(0);
    expect(budget.charge(400)).toBe(0);
    expect(budget.charge(500)).toBe(500);
    expect(budget.charge(500)).toBe(1000);
  });

  it('refills with time', () => {
    const clock = { now: 0 };
    const budget = at(clock);
    expect(budget.charge(2000)).toBe(1000);
    clock.now = 2000;
    expect(budget.charge(1000)).toBe(0);
    expect(budget.charge(100)).toBe(100);
  });

  it('charges nothing for nothing', () => {
    const budget = at({ now: 0 });
    expect(budget.charge(5000)).toBe(4000);
    expect(budget.charge(0)).toBe(0);
  });
});
