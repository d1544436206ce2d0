import {
  parseTemplate,
  type Template,
  type TemplateField,
} from '../../src/services/templates/index.js';

/** A one-keyword template built through the public parser, so fields carry their real rules. */
export function templateWith(key: string, enumValues?: readonly string[]): Template {
  return parseTemplate(
    {
      id: `test-${key}`,
      title: '测试模板',
      content: `字段:{{${key}.DATA}}\n`,
      type: 2,
      ...(enumValues
        ? { keywordEnumValueList: [{ keywordCode: `${key}.DATA`, enumValueList: enumValues }] }
        : {}),
    },
    'test',
  );
}

export function fieldWith(key: string, enumValues?: readonly string[]): TemplateField {
  return templateWith(key, enumValues).fields[0]!;
}
