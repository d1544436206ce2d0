import { describe, expect, it } from '@jest/globals';
import {
  KNOWN_KEYWORD_KINDS,
  parseTemplate,
  validateFieldValue,
} from '../../../src/services/templates/index.js';
import { judgeKeyword } from '../../../src/simulator/messages/keyword-rules.js';
import { readTemplate } from '../../../src/simulator/templates/read-templates.js';

/**
 * The gateway's validator and the simulator's rule table are written separately from WeChat's
 * value table; they must give the same verdict on every value below, each labelled from that
 * table. A limit changed on one side only (thing at 21, say) shows up here.
 */
const corpus: Record<string, { valid: string[]; invalid: string[] }> = {
  thing: {
    valid: ['资料齐全', 'iPhone 15 Pro', 'a'.repeat(20), '满100减10！', '一'.repeat(20)],
    invalid: ['a'.repeat(21), '一'.repeat(21), '第一行\n第二行', 'tab\there', '   '],
  },
  number: {
    valid: ['0', '92.5', '1'.repeat(32), '3.14', '1'.repeat(16) + '.' + '1'.repeat(16)],
    invalid: ['1'.repeat(33), '-5', '1,000', '1.2.3', '.5', '5.', 'abc', '１２'],
  },
  letter: {
    valid: ['abc', 'ABC', 'x'.repeat(32)],
    // Letters are the English ones: anything else counts as a symbol.
    invalid: ['x'.repeat(33), 'abc1', 'a b', '中文', 'a-b', 'José', 'かな', 'ＡＢＣ'],
  },
  symbol: {
    valid: ['-', '!@#$%', '*'],
    invalid: ['!@#$%^', 'a', '1', '中', '-a'],
  },
  character_string: {
    valid: ['SO-20240518-001', 'x'.repeat(32), 'abc123', '#$%'],
    invalid: ['x'.repeat(33), '订单SO1', 'a\nb'],
  },
  time: {
    valid: [
      '15:01',
      '15:01:30',
      '00:00',
      '23:59:59',
      '2019年10月1日 15:01',
      '2019-10-01 15:01',
      '10月1日 15:01',
      '15:01~16:00',
      '15:01 ~ 16:00',
      '2019年10月1日 15:01 ~ 2019年10月1日 16:00',
    ],
    invalid: [
      '24:00',
      '15:60',
      '3pm',
      '9:05',
      '2019年10月1日',
      '15:01～16:00',
      '15:01~16:00~17:00',
      '15:01:60',
    ],
  },
  date: {
    valid: [
      '2019年10月1日',
      '2019年10月',
      '10月1日',
      '2018-01-01',
      '2018/01/01',
      '2018.01.01',
      '2018-01',
      '01-01',
      '2019年10月1日 15:01',
      '2018-01-01 09:30:00',
      '2018-01-01~2018-01-07',
      '2018-01-01 ~ 2018-01-07',
    ],
    invalid: [
      '2018-13-01',
      '2018-01-32',
      '10月',
      '2018-01/01',
      '2018年1月1日 25:00',
      'tomorrow',
      '2018-01-01～2018-01-07',
      '2018-01-01 15:01 extra',
    ],
  },
  amount: {
    valid: ['￥100', '¥99.00', '$5', '€1.5', '¥99.00元', '¥' + '9'.repeat(10), '¥12345678.90'],
    invalid: ['100', '100元', '¥¥100', '¥' + '9'.repeat(11), '¥123456789.01', '¥1,000', '¥'],
  },
  phone_number: {
    valid: ['+86-0766-66888866', '13800138000', '1'.repeat(17), '(020) 1234'],
    invalid: ['1'.repeat(18), '138abc', '电话13800138000'],
  },
  car_number: {
    valid: ['粤A8Z888挂', 'A12345', '粤A12345', 'AB12345挂', 'A'.repeat(8)],
    invalid: ['粤A8Z8888挂', 'A中12345', '粤A-12345', 'A'.repeat(9)],
  },
  name: {
    valid: ['张三', '欧阳娜娜', '一'.repeat(10), 'John Smith', 'a'.repeat(20), '张San'],
    invalid: ['一'.repeat(11), 'a'.repeat(21), '张三1', 'Agent 007', '张'.repeat(6) + 'abcde'],
  },
  phrase: {
    valid: ['配送中', '已通过', '一'.repeat(5)],
    invalid: ['一'.repeat(6), '配送中1', 'OK', '配送 中'],
  },
  short_thing: {
    valid: ['已完成', 'abcde', '满减'],
    invalid: ['abcdef', '一'.repeat(6)],
  },
  enum_string: {
    valid: ['已预约', '已取消'],
    invalid: ['已完成', '已预约 ', 'x'],
  },
  enum: {
    valid: ['已预约'],
    invalid: ['预约'],
  },
  // Old templates use kinds outside WeChat's table (site01); both sides only cap the length.
  site: {
    valid: ['TIT创意园', 'a'.repeat(20)],
    invalid: ['a'.repeat(21), 'a\u0000b'],
  },
};

const ENUM_VALUES = ['已预约', '已取消'];
const kinds = Object.keys(corpus);

const definition = {
  priTmplId: 'agreementCorpus0000000000000000000000000001',
  title: '一致性检查',
  type: 2,
  content: kinds.map((kind, index) => `${kind}:{{${kind}${index + 1}.DATA}}\n`).join(''),
  keywordEnumValueList: kinds
    .map((kind, index) => ({ kind, code: `${kind}${index + 1}.DATA` }))
    .filter(({ kind }) => kind === 'enum' || kind === 'enum_string')
    .map(({ code }) => ({ keywordCode: code, enumValueList: ENUM_VALUES })),
};
const gatewayTemplate = parseTemplate(definition, 'agreement corpus');
const simTemplate = readTemplate(definition, 'agreement corpus');

describe('keyword rules: the gateway and the simulator agree', () => {
  it('the corpus covers every keyword kind the gateway knows', () => {
    expect(KNOWN_KEYWORD_KINDS.filter((kind) => !kinds.includes(kind))).toEqual([]);
  });

  it('both read the same keywords from the template', () => {
    expect(
      simTemplate.fields.map(({ key, kind, label, enumValues }) => [key, kind, label, enumValues]),
    ).toEqual(
      gatewayTemplate.fields.map(({ key, kind, label, enumValues }) => [
        key,
        kind,
        label,
        enumValues,
      ]),
    );
  });

  it('both give the verdict of WeChat’s value table on every value of the corpus', () => {
    const verdicts = kinds.flatMap((kind, index) => {
      const gatewayField = gatewayTemplate.fields[index]!;
      const simField = simTemplate.fields[index]!;
      return (['valid', 'invalid'] as const).flatMap((expected) =>
        corpus[kind]![expected].map((value) => ({
          kind,
          value,
          expected,
          gateway: validateFieldValue(gatewayField, value) === null ? 'valid' : 'invalid',
          simulator:
            judgeKeyword(simField.kind, value, simField.enumValues) === 'ok' ? 'valid' : 'invalid',
        })),
      );
    });
    const disagreements = verdicts.filter(
      (v) => v.gateway !== v.simulator || v.gateway !== v.expected,
    );
    expect(disagreements).toEqual([]);
    expect(verdicts.length).toBeGreaterThan(140);
  });

  it('both call a missing value empty and a non-string value invalid', () => {
    const [gatewayField] = gatewayTemplate.fields;
    expect(validateFieldValue(gatewayField!, undefined)?.reason).toBe('missing');
    expect(judgeKeyword('thing', undefined)).toBe('empty');
    expect(validateFieldValue(gatewayField!, ' ')?.reason).toBe('empty');
    expect(judgeKeyword('thing', ' ')).toBe('empty');
    expect(validateFieldValue(gatewayField!, { v: 1 })?.reason).toBe('invalid');
    expect(judgeKeyword('thing', { v: 1 })).toBe('invalid');
  });
});
