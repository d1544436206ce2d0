import { describe, expect, it } from '@jest/globals';
import { operationLabel } from '../../../../src/infra/metrics/operation-label.js';

describe('operation name labels', () => {
  it('keep GraphQL name characters only, at most 64, and name the nameless', () => {
    const label = operationLabel();
    expect(label('SendOrderShipped')).toBe('SendOrderShipped');
    expect(label('a"b\n{c}=d')).toBe('abcd');
    expect(label('x'.repeat(100))).toBe('x'.repeat(64));
    expect(label('')).toBe('anonymous');
    expect(label('"{}"')).toBe('anonymous');
  });

  it('stop growing after 200 distinct names: later new names are "other"', () => {
    const label = operationLabel();
    for (let i = 0; i < 200; i++) expect(label(`Op${i}`)).toBe(`Op${i}`);
    expect(label('OneTooMany')).toBe('other');
    expect(label('Op7')).toBe('Op7');
  });
});
