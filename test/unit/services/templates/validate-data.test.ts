import { describe, expect, it } from '@jest/globals';
import { parseTemplate, validateTemplateData } from '../../../../src/services/templates/index.js';

const review = parseTemplate(
  {
    priTmplId: 'review-1',
    name: 'AuditResult',
    title: '审核结果通知',
    content: '审核结果:{{phrase2.DATA}}\n备注:{{thing3.DATA}}\n时间:{{time4.DATA}}\n',
    type: 2,
  },
  'test',
);

describe('validateTemplateData', () => {
  it('returns no violations for valid data', () => {
    expect(
      validateTemplateData(review, { phrase2: '已通过', thing3: '资料齐全', time4: '15:01' }),
    ).toEqual([]);
  });

  it('reports every violation in field order, then unknown keys', () => {
    const violations = validateTemplateData(review, {
      unexpected1: 'x',
      time4: '15:01～16:00',
      thing3: ' ',
      thing9: 'y',
    });
    expect(violations.map((v) => [v.key, v.reason])).toEqual([
      ['phrase2', 'missing'],
      ['thing3', 'empty'],
      ['time4', 'invalid'],
      ['unexpected1', 'unknown_key'],
      ['thing9', 'unknown_key'],
    ]);
  });

  it('names the key, kind and rule in each message', () => {
    const [missing, unknown] = validateTemplateData(review, {
      thing3: 'ok',
      time4: '15:01',
      site01: 'x',
    });
    expect(missing).toMatchObject({ key: 'phrase2', kind: 'phrase', reason: 'missing' });
    expect(missing!.message).toBe(
      'data.phrase2: is missing; phrase: at most 5 Chinese characters, Chinese only',
    );
    expect(unknown).toMatchObject({ key: 'site01', kind: 'site', reason: 'unknown_key' });
    expect(unknown!.message).toContain('data.site01: not a keyword of this template (kind site)');
    expect(unknown!.message).toContain('phrase2, thing3, time4');
  });

  it('shortens long values in messages', () => {
    const [violation] = validateTemplateData(review, {
      phrase2: '已通过',
      thing3: 'x'.repeat(500),
      time4: '15:01',
    });
    expect(violation!.message).toContain(`"${'x'.repeat(40)}…" is 500 characters`);
  });

  it('rejects a non-string value that slipped past the types', () => {
    const data = { phrase2: '已通过', thing3: 'ok', time4: 1501 } as unknown as Record<
      string,
      string
    >;
    expect(validateTemplateData(review, data)).toEqual([
      expect.objectContaining({
        key: 'time4',
        reason: 'invalid',
        message: expect.stringContaining('must be a string'),
      }),
    ]);
  });

  it('ignores inherited properties', () => {
    const data = Object.create({ phrase2: '已通过' }) as Record<string, string>;
    data.thing3 = 'ok';
    data.time4 = '15:01';
    expect(validateTemplateData(review, data).map((v) => v.reason)).toEqual(['missing']);
  });
});
