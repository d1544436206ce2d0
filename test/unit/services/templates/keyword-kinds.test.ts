import { describe, expect, it } from '@jest/globals';
import { validateFieldValue } from '../../../../src/services/templates/index.js';
import { fieldWith } from '../../../helpers/templates.js';

const ENUM_VALUES = ['已通过', '未通过'];

/** [key, value] pairs WeChat's rules accept. */
const VALID: ReadonlyArray<readonly [string, string]> = [
  ['thing1', '一二三四五六七八九十一二三四五六七八九十'],
  ['thing1', 'Order #42, 已发货!'],
  ['thing1', 'a'.repeat(20)],
  ['short_thing1', '顺丰速运快'],
  ['short_thing1', 'ab cd'],
  ['number1', '12345678901234567890123456789012'],
  ['number1', '3.14'],
  ['number1', '0'],
  ['letter1', 'ABCdef'],
  ['letter1', 'x'.repeat(32)],
  ['symbol1', '★☆+-%'],
  ['symbol1', '@'],
  ['character_string1', 'SO2024-05_18/#001'],
  ['character_string1', 'A'.repeat(32)],
  ['time1', '15:01'],
  ['time1', '00:00:00'],
  ['time1', '23:59:59'],
  ['time1', '2019年10月1日 15:01'],
  ['time1', '2018-01-01 08:30:00'],
  ['time1', '14:00~15:30'],
  ['time1', '2024-05-20 14:00 ~ 2024-05-20 15:30'],
  ['date1', '2019年10月1日'],
  ['date1', '2019年10月'],
  ['date1', '10月1日'],
  ['date1', '2018-01-01'],
  ['date1', '2018/01/01'],
  ['date1', '2018.01.01'],
  ['date1', '2018-01'],
  ['date1', '01-01'],
  ['date1', '2019年10月1日 15:01'],
  ['date1', '2018-12-31 23:59:59'],
  ['date1', '2019年10月1日~2019年10月7日'],
  ['amount1', '￥100'],
  ['amount1', '¥99.00'],
  ['amount1', '$1234567890'],
  ['amount1', '€12345678.90'],
  ['amount1', '£5元'],
  ['phone_number1', '+86-0766-66888866'],
  ['phone_number1', '13800138000'],
  ['phone_number1', '(020) 8888 8888'],
  ['car_number1', '粤A8Z888挂'],
  ['car_number1', '京A12345'],
  ['car_number1', 'WJ12345'],
  ['name1', '张三'],
  ['name1', '欧阳娜娜娜娜娜娜娜娜'],
  ['name1', '迪丽热巴·迪力木拉提'],
  ['name1', '张Lisa'],
  ['name1', "John O'Brien-Smith"],
  ['name1', 'a'.repeat(20)],
  ['phrase1', '配送中'],
  ['phrase1', '审核已通过'],
  ['enum_string2', '已通过'],
  ['enum3', '未通过'],
  ['site01', '任何不超过二十个字符的值'],
];

/** [key, value, fragment of the expected message] for values WeChat's rules reject. */
const INVALID: ReadonlyArray<readonly [string, string, string]> = [
  ['thing1', '一二三四五六七八九十一二三四五六七八九十一', 'is 21 characters'],
  ['thing1', '第一行\n第二行', 'control character "\\n" (U+000A)'],
  ['short_thing1', '顺丰速运快递', 'is 6 characters'],
  ['number1', '1'.repeat(33), 'has 33 digits'],
  ['number1', '1,000', 'not digits with an optional decimal point'],
  ['number1', '-5', 'not digits with an optional decimal point'],
  ['number1', '1.2.3', 'not digits with an optional decimal point'],
  ['number1', '１２', 'not digits with an optional decimal point'],
  ['letter1', 'abc1', '"1" (U+0031), a digit'],
  ['letter1', 'x'.repeat(33), 'is 33 characters'],
  ['symbol1', '★★★★★★', 'is 6 characters'],
  ['symbol1', '+a', '"a" (U+0061), a letter'],
  ['character_string1', 'SO2024中', '"中" (U+4E2D), a Chinese character'],
  ['character_string1', 'A'.repeat(33), 'is 33 characters'],
  ['time1', '2019年10月1日', 'not a 24-hour HH:MM or HH:MM:SS time'],
  ['time1', '24:00', 'hour 24, outside 0-23'],
  ['time1', '12:60', 'minute 60, outside 0-59'],
  ['time1', '12:00:60', 'second 60, outside 0-59'],
  ['time1', '9:05', 'not a 24-hour'],
  ['time1', '14:00～15:30', 'full-width tilde'],
  ['time1', '14:00-15:30', 'not a 24-hour'],
  ['time1', '08:00~09:00~10:00', 'more than one "~"'],
  ['date1', '2019年13月1日', 'month 13, outside 1-12'],
  ['date1', '2019-02-32', 'day 32, outside 1-31'],
  ['date1', '00-10', 'month 00, outside 1-12'],
  ['date1', '2018-01/01', 'not a supported date form'],
  ['date1', '10月', 'not a supported date form'],
  ['date1', '2019年10月1日 25:00', 'hour 25'],
  ['date1', '2019年10月1日～2019年10月7日', 'full-width tilde'],
  ['date1', '2019-10-01 15:00~16:00', '"16:00", which is not a supported date form'],
  ['date1', '明天', 'not a supported date form'],
  ['amount1', '100', 'has no currency symbol'],
  ['amount1', '100元', 'has no currency symbol'],
  ['amount1', '￥$100', 'has 2 currency symbols'],
  ['amount1', '100￥', 'not a currency symbol followed by digits'],
  ['amount1', '￥12345678901', 'has 11 digits'],
  ['amount1', '￥1234567890.5', 'has 11 digits'],
  ['phone_number1', '+86-0766-668888661', 'is 18 characters'],
  ['phone_number1', '400-ABC', '"A" (U+0041), a letter'],
  ['car_number1', '粤A8Z888挂1', 'is 9 characters'],
  ['car_number1', '粤A中888', '"中" (U+4E2D), a Chinese character at position 3'],
  ['car_number1', '粤A·12345', 'a symbol at position 3'],
  ['name1', '欧阳娜娜娜娜娜娜娜娜娜', 'is 11 characters and contains Chinese'],
  ['name1', '张Lisa Marie', 'is 11 characters and contains Chinese'],
  ['name1', 'a'.repeat(21), 'is 21 characters'],
  ['name1', 'Agent 007', '"0" (U+0030), a digit'],
  ['phrase1', '审核未能通过', 'is 6 characters'],
  ['phrase1', '已通过!', '"!" (U+0021), a symbol'],
  ['enum_string2', '通过', 'is not one of the allowed values'],
  ['enum3', '已通过 ', 'is not one of the allowed values'],
  ['site01', 'x'.repeat(21), 'is 21 characters'],
];

function isEnumKey(key: string): boolean {
  return key.startsWith('enum');
}

describe('keyword value rules (§3.2)', () => {
  it.each(VALID)('%s accepts %j', (key, value) => {
    const field = fieldWith(key, isEnumKey(key) ? ENUM_VALUES : undefined);
    expect(validateFieldValue(field, value)).toBeNull();
  });

  it.each(INVALID)('%s rejects %j', (key, value, fragment) => {
    const field = fieldWith(key, isEnumKey(key) ? ENUM_VALUES : undefined);
    const violation = validateFieldValue(field, value);
    expect(violation).toMatchObject({ key, kind: field.kind, rule: field.rule, reason: 'invalid' });
    expect(violation!.message).toContain(fragment);
    expect(violation!.message).toContain(`data.${key}: `);
    expect(violation!.message).toContain(field.rule);
  });

  it('covers every known kind both ways', () => {
    const kinds = (pairs: ReadonlyArray<readonly string[]>) =>
      new Set(
        pairs.map(([key]) => fieldWith(key!, isEnumKey(key!) ? ENUM_VALUES : undefined).kind),
      );
    const expected = [
      'thing',
      'short_thing',
      'number',
      'letter',
      'symbol',
      'character_string',
      'time',
      'date',
      'amount',
      'phone_number',
      'car_number',
      'name',
      'phrase',
      'enum_string',
      'enum',
      'site',
    ];
    expect([...kinds(VALID)].sort()).toEqual([...expected].sort());
    expect([...kinds(INVALID)].sort()).toEqual([...expected].sort());
  });

  it.each(['', '   ', '\u3000'])('reports %j as empty for every kind', (value) => {
    for (const key of ['thing1', 'number1', 'enum_string2', 'site01']) {
      const field = fieldWith(key, isEnumKey(key) ? ENUM_VALUES : undefined);
      expect(validateFieldValue(field, value)).toMatchObject({ reason: 'empty' });
    }
  });

  it('rejects control characters in every kind, even where the rest would pass', () => {
    for (const [key, value] of [
      ['thing1', 'a\tb'],
      ['symbol1', '+\u0007'],
      ['site01', 'x\r'],
      ['time1', '15:01\u2028'],
    ] as const) {
      expect(validateFieldValue(fieldWith(key), value)?.message).toContain('control character');
    }
  });

  it('counts code points, so an astral character is one character', () => {
    expect(validateFieldValue(fieldWith('short_thing1'), '𠀀𠀁𠀂𠀃𠀄')).toBeNull();
    expect(validateFieldValue(fieldWith('short_thing1'), '𠀀𠀁𠀂𠀃𠀄𠀅')?.message).toContain(
      'is 6 characters',
    );
  });

  it('gives every kind a readable rule that names the kind', () => {
    expect(fieldWith('thing3').rule).toBe('thing: at most 20 characters of any kind');
    expect(fieldWith('short_thing6').rule).toMatch(/^short_thing: at most 5 .*community/);
    expect(fieldWith('site01').rule).toMatch(/^site: unverified keyword kind/);
    expect(fieldWith('enum_string2', ENUM_VALUES).rule).toBe(
      'enum_string: one of "已通过", "未通过"',
    );
    expect(fieldWith('time1').rule).toContain('ASCII "~"');
  });

  it('shows the over-long thing in the message', () => {
    const value = '这是一个非常非常非常非常非常非常长的备注内容啊';
    expect(validateFieldValue(fieldWith('thing3'), value)?.message).toBe(
      `data.thing3: "${value}" is 23 characters; thing: at most 20 characters of any kind`,
    );
  });
});
