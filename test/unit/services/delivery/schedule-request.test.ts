import { describe, expect, it } from '@jest/globals';
import { resolveWhen } from '../../../../src/services/delivery/schedule-request.js';
import { BadUserInputError } from '../../../../src/shared/errors.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const request = (key: string) => ({
  openid: 'oUser',
  templateId: 'T',
  data: {},
  when: { delaySeconds: 60 },
  key,
});

function refusal(key: string): BadUserInputError | null {
  try {
    resolveWhen(request(key), NOW);
    return null;
  } catch (error) {
    if (error instanceof BadUserInputError) return error;
    throw error;
  }
}

describe('resolveWhen: the caller key', () => {
  it('refuses the key shape of a recurring occurrence, naming key and why', () => {
    const error = refusal('col@2030-01-01T00:01:00.000Z');
    expect(error).not.toBeNull();
    expect(error!.field).toBe('key');
    expect(error!.message).toMatch(/reserved for the occurrences of recurring schedules/);
  });

  it.each([
    'col',
    'order@example.com',
    'col@2030-01-01',
    'col@2030-01-01T00:01:00Z',
    'col@2030-01-01T00:01:00.000Z-retry',
  ])('accepts %s, which no occurrence can have', (key) => {
    expect(refusal(key)).toBeNull();
  });
});
