import { exampleValues } from './read-templates.js';
import type { SimTemplate } from './sim-template.js';

export interface Category {
  id: number;
  name: string;
}

/** A keyword of a public template title (getpubtemplatekeywords, docs/wechat.md §4.4). */
export interface PublicKeyword {
  kid: number;
  name: string;
  example: string;
  /** The keyword kind, e.g. `thing`; the template key is `<rule><kid>` (`thing3`). */
  rule: string;
  /** For enum keywords: the values a composed template will list in keywordEnumValueList. */
  enumValues?: readonly string[];
}

/** A public template title (getpubtemplatetitles, docs/wechat.md §4.3). */
export interface PublicTitle {
  tid: number;
  title: string;
  /** 2 = one-time, 3 = long-term. */
  type: 2 | 3;
  categoryId: number;
  keywords: readonly PublicKeyword[];
}

export const CATEGORIES: readonly Category[] = [
  { id: 2, name: '办公' },
  { id: 616, name: '公交' },
];

/** Titles not in the demo library, so addtemplate has something new to compose. */
const EXTRA_TITLES: readonly PublicTitle[] = [
  {
    tid: 401,
    title: '报名结果通知',
    type: 2,
    categoryId: 2,
    keywords: [
      { kid: 1, name: '活动名称', example: '周末读书会', rule: 'thing' },
      { kid: 2, name: '活动时间', example: '2024年5月18日 14:00', rule: 'date' },
      { kid: 3, name: '报名人', example: '张三', rule: 'name' },
      { kid: 4, name: '联系电话', example: '+86-0766-66888866', rule: 'phone_number' },
      { kid: 5, name: '报名状态', example: '报名成功', rule: 'phrase' },
      { kid: 6, name: '报名编号', example: 'SN20240518001', rule: 'character_string' },
      { kid: 7, name: '报名费用', example: '¥99.00', rule: 'amount' },
    ],
  },
  {
    tid: 402,
    title: '乘车预约状态提醒',
    type: 3,
    categoryId: 616,
    keywords: [
      { kid: 1, name: '线路名称', example: '快速公交1号线', rule: 'thing' },
      { kid: 2, name: '乘车时间', example: '15:01', rule: 'time' },
      { kid: 3, name: '车牌号码', example: '粤A8Z888挂', rule: 'car_number' },
      { kid: 4, name: '排队人数', example: '12', rule: 'number' },
      {
        kid: 5,
        name: '预约状态',
        example: '已预约',
        rule: 'enum_string',
        enumValues: ['已预约', '已取消', '已完成'],
      },
    ],
  },
];

/** Titles derived from the starting private templates are numbered from here, in file order. */
const FIRST_DERIVED_TID = 1001;

/**
 * The public title a private template could have been composed from: one keyword per field, the
 * kid being the key's digits (WeChat keys are `<rule><kid>`). Null when the keys cannot be read
 * that way (no digits, or two fields with the same digits).
 */
function titleOf(template: SimTemplate, tid: number): PublicTitle | null {
  const examples = exampleValues(template);
  const keywords: PublicKeyword[] = [];
  for (const field of template.fields) {
    const digits = /(\d+)$/.exec(field.key)?.[1];
    const kid = digits === undefined ? NaN : Number(digits);
    if (!Number.isSafeInteger(kid) || keywords.some((keyword) => keyword.kid === kid)) return null;
    const keyword: PublicKeyword = {
      kid,
      name: field.label ?? field.key,
      example: examples[field.key] ?? '',
      rule: field.kind,
    };
    if (field.enumValues !== undefined) keyword.enumValues = field.enumValues;
    keywords.push(keyword);
  }
  return {
    tid,
    title: template.title,
    type: template.type === 'ONE_TIME' ? 2 : 3,
    categoryId: 2,
    keywords,
  };
}

/**
 * WeChat's public template library as this account sees it: the titles behind the demo templates
 * (so composing one again reproduces the same content) plus a few more.
 */
export class PublicLibrary {
  readonly categories: readonly Category[] = CATEGORIES;
  readonly titles: readonly PublicTitle[];

  constructor(privateTemplates: readonly SimTemplate[]) {
    const derived = privateTemplates
      .map((template, index) => titleOf(template, FIRST_DERIVED_TID + index))
      .filter((title): title is PublicTitle => title !== null);
    this.titles = [...EXTRA_TITLES, ...derived];
  }

  title(tid: number): PublicTitle | undefined {
    return this.titles.find((title) => title.tid === tid);
  }

  titlesIn(categoryIds: readonly number[]): PublicTitle[] {
    return this.titles.filter((title) => categoryIds.includes(title.categoryId));
  }
}
