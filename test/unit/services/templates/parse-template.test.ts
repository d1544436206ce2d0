import { describe, expect, it } from '@jest/globals';
import {
  deriveTemplateName,
  isSafeTemplateName,
  parseTemplate,
  parseTemplatesDocument,
  TemplateDefinitionError,
} from '../../../../src/services/templates/index.js';

const GETTEMPLATE_ITEM = {
  priTmplId: '9Aw5ZV1j9xdWTFEkqCpZ7mIBbSC34khK55OtzUPl0rU',
  title: '报名结果通知',
  content: '会议时间:{{date2.DATA}}\n会议地点:{{thing1.DATA}}\n',
  example: '会议时间:2016年8月8日\n会议地点:TIT会议室\n',
  type: 2,
};

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateDefinitionError) return error.problems;
    throw error;
  }
  throw new Error('expected a TemplateDefinitionError');
}

describe('parseTemplate', () => {
  it('parses a gettemplate item', () => {
    const template = parseTemplate(GETTEMPLATE_ITEM, 'reply');
    expect(template).toEqual({
      id: GETTEMPLATE_ITEM.priTmplId,
      name: 'Tmpl_9Aw5ZV1j9xdWTFEkqCpZ7mIBbSC34khK55OtzUPl0rU',
      title: '报名结果通知',
      type: 'ONE_TIME',
      content: GETTEMPLATE_ITEM.content,
      example: GETTEMPLATE_ITEM.example,
      fields: [
        { key: 'date2', kind: 'date', label: '会议时间', rule: expect.stringMatching(/^date: /) },
        {
          key: 'thing1',
          kind: 'thing',
          label: '会议地点',
          rule: 'thing: at most 20 characters of any kind',
        },
      ],
    });
  });

  it('accepts `id` instead of priTmplId, a given name, type 3 and no example', () => {
    const template = parseTemplate(
      { id: 'abc', name: 'Reminder_2', title: '提醒', content: '事项:{{thing1.DATA}}', type: 3 },
      'x',
    );
    expect(template).toMatchObject({
      id: 'abc',
      name: 'Reminder_2',
      type: 'LONG_TERM',
      example: null,
    });
  });

  it('attaches enum values (keywordCode with or without .DATA)', () => {
    const template = parseTemplate(
      {
        ...GETTEMPLATE_ITEM,
        content: '状态:{{enum_string2.DATA}}\n类型:{{enum3.DATA}}',
        keywordEnumValueList: [
          { keywordCode: 'enum_string2.DATA', enumValueList: ['待支付', '已支付'] },
          { keywordCode: 'enum3', enumValueList: ['A'] },
        ],
      },
      'x',
    );
    expect(template.fields.map((field) => field.enumValues)).toEqual([['待支付', '已支付'], ['A']]);
    expect(template.fields[0]!.rule).toBe('enum_string: one of "待支付", "已支付"');
  });

  it('reports every problem of an entry at once, prefixed with where', () => {
    const problems = problemsOf(() =>
      parseTemplate(
        {
          name: '1bad-name',
          title: '',
          content: '没有占位符',
          example: 42,
          type: 1,
          keywordEnumValueList: [{ keywordCode: 'enum_string9.DATA', enumValueList: ['a'] }],
        },
        'demo.json templates[3]',
      ),
    );
    expect(problems).toEqual([
      'demo.json templates[3]: id is missing (give "id" or "priTmplId")',
      expect.stringMatching(/^demo\.json templates\[3\]: name "1bad-name" is not GraphQL-safe/),
      'demo.json templates[3]: title must be a non-empty string, got ""',
      'demo.json templates[3]: example must be a string, got 42',
      'demo.json templates[3]: type 1 is unknown (2 = one-time, 3 = long-term)',
      'demo.json templates[3]: content has no {{key.DATA}} placeholders',
      'demo.json templates[3]: keywordEnumValueList names enum_string9, which is not in content',
    ]);
  });

  it('names the id once it is known, and checks enum lists against the keywords', () => {
    const problems = problemsOf(() =>
      parseTemplate(
        {
          priTmplId: 'tid',
          title: 't',
          content: 'a:{{enum_string1.DATA}}\nb:{{thing2.DATA}}\nc:{{enum_string3.DATA}}',
          type: 2,
          keywordEnumValueList: [
            { keywordCode: 'thing2.DATA', enumValueList: ['x'] },
            { keywordCode: 'enum_string3.DATA', enumValueList: [] },
          ],
        },
        'f',
      ),
    );
    expect(problems).toEqual([
      'f (id tid): keywordEnumValueList[1].enumValueList must be a non-empty array of non-empty strings',
      'f (id tid): enum_string1 is an enum keyword but keywordEnumValueList gives no values for it',
      'f (id tid): keywordEnumValueList gives values for thing2, which is not an enum keyword',
      'f (id tid): enum_string3 is an enum keyword but keywordEnumValueList gives no values for it',
    ]);
  });

  it('rejects conflicting id and priTmplId, bad ids and non-objects', () => {
    expect(problemsOf(() => parseTemplate({ ...GETTEMPLATE_ITEM, id: 'other' }, 'w'))[0]).toContain(
      '"id" ("other") and "priTmplId"',
    );
    expect(
      problemsOf(() => parseTemplate({ ...GETTEMPLATE_ITEM, priTmplId: 'a b' }, 'w'))[0],
    ).toContain('id "a b" must be');
    expect(problemsOf(() => parseTemplate('nope', 'w'))).toEqual([
      'w: must be an object, got "nope"',
    ]);
  });

  it('puts the problem count and every problem in the error message', () => {
    expect(() => parseTemplate({ title: 't', type: 0 }, 'w')).toThrow(
      /\(3 problems\):\n {2}- w: id is missing[^\n]*\n {2}- w: content is missing\n {2}- w: type 0 is unknown/,
    );
  });
});

describe('template names', () => {
  it('accepts only GraphQL-safe names', () => {
    expect(isSafeTemplateName('AuditResult')).toBe(true);
    expect(isSafeTemplateName('a_1')).toBe(true);
    for (const name of ['_x', '1a', 'a-b', '审核', '', 'a b'])
      expect(isSafeTemplateName(name)).toBe(false);
  });

  it('derives stable, safe names from ids, distinct even when ids differ only in - and _', () => {
    const ids = ['a-b', 'a_b', 'a__b', 'a_hb', 'a-hb', 'ab', '9Aw5-ZV_1'];
    const names = ids.map(deriveTemplateName);
    expect(names).toEqual(ids.map(deriveTemplateName));
    expect(new Set(names).size).toBe(ids.length);
    for (const name of names) expect(isSafeTemplateName(name)).toBe(true);
    expect(deriveTemplateName('9Aw5-ZV_1')).toBe('Tmpl_9Aw5_hZV__1');
  });
});

describe('parseTemplatesDocument', () => {
  it('reads { templates: [...] } and raw gettemplate replies', () => {
    expect(parseTemplatesDocument({ templates: [GETTEMPLATE_ITEM] }, 'f')).toHaveLength(1);
    const reply = {
      errcode: 0,
      errmsg: 'ok',
      data: [GETTEMPLATE_ITEM, { ...GETTEMPLATE_ITEM, priTmplId: 'b' }],
    };
    expect(parseTemplatesDocument(reply, 'gettemplate').map((t) => t.id)).toEqual([
      GETTEMPLATE_ITEM.priTmplId,
      'b',
    ]);
  });

  it('reports problems of all entries plus duplicates, with indexes', () => {
    const problems = problemsOf(() =>
      parseTemplatesDocument(
        {
          templates: [
            { ...GETTEMPLATE_ITEM, name: 'Signup' },
            { ...GETTEMPLATE_ITEM, type: 9 },
            { ...GETTEMPLATE_ITEM, priTmplId: 'second', name: 'Signup' },
            { ...GETTEMPLATE_ITEM, name: 'Other' },
          ],
        },
        'demo.json',
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^demo\.json templates\[1\] \(id 9Aw5.*\): type 9 is unknown/),
      'demo.json templates[2]: name Signup is already used by demo.json templates[0]',
      `demo.json templates[3]: id ${GETTEMPLATE_ITEM.priTmplId} is already used by demo.json templates[0]`,
    ]);
  });

  it('rejects failed replies and documents without a list', () => {
    expect(
      problemsOf(() =>
        parseTemplatesDocument({ errcode: 40001, errmsg: 'invalid credential' }, 'g'),
      ),
    ).toEqual(['g: gettemplate failed with errcode 40001 (invalid credential)']);
    expect(problemsOf(() => parseTemplatesDocument({ template: [] }, 'g'))[0]).toContain(
      'expected a "templates" array',
    );
    expect(problemsOf(() => parseTemplatesDocument([], 'g'))[0]).toContain('expected an object');
  });
});
