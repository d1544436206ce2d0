import { describe, expect, it } from '@jest/globals';
import { kindOf, parseContentFields } from '../../../../src/services/templates/index.js';

describe('kindOf', () => {
  it.each([
    ['thing14', 'thing'],
    ['short_thing6', 'short_thing'],
    ['character_string10', 'character_string'],
    ['phone_number3', 'phone_number'],
    ['number01', 'number'],
    ['enum_string2', 'enum_string'],
    ['site01', 'site'],
  ])('%s is of kind %s', (key, kind) => {
    expect(kindOf(key)).toBe(kind);
  });
});

describe('parseContentFields', () => {
  it('reads keys, kinds and labels in order', () => {
    const { fields, problems } = parseContentFields(
      '审核结果:{{phrase2.DATA}}\n备注：{{thing3.DATA}}\n{{number01.DATA}}\n',
    );
    expect(problems).toEqual([]);
    expect(fields).toEqual([
      { key: 'phrase2', kind: 'phrase', label: '审核结果' },
      { key: 'thing3', kind: 'thing', label: '备注' },
      { key: 'number01', kind: 'number', label: null },
    ]);
  });

  it('never prefix-matches kinds', () => {
    const { fields } = parseContentFields(
      'a:{{short_thing6.DATA}}\nb:{{phone_number3.DATA}}\nc:{{character_string10.DATA}}',
    );
    expect(fields.map((field) => field.kind)).toEqual([
      'short_thing',
      'phone_number',
      'character_string',
    ]);
  });

  it('keeps keys exactly as written, leading zeros included', () => {
    const { fields } = parseContentFields('x:{{number01.DATA}} y:{{number02.DATA}}');
    expect(fields.map((field) => field.key)).toEqual(['number01', 'number02']);
  });

  it('takes a label from the text since the previous placeholder on the same line', () => {
    const { fields } = parseContentFields('开始 : {{date1.DATA}} 结束：{{date2.DATA}}');
    expect(fields.map((field) => field.label)).toEqual(['开始', '结束']);
  });

  it('reports malformed and repeated placeholders', () => {
    const { problems } = parseContentFields('a:{{thing1}}\nb:{{thing2.DATA}}\nc:{{thing2.DATA}}');
    expect(problems).toEqual([
      expect.stringContaining('malformed placeholder "{{thing1}}"'),
      expect.stringContaining('{{thing2.DATA}} more than once'),
    ]);
  });

  it('reports content without placeholders', () => {
    expect(parseContentFields('纯文本').problems).toEqual([
      'content has no {{key.DATA}} placeholders',
    ]);
  });
});
