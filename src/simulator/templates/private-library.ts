import type { SimTemplate } from './sim-template.js';

/** An item of the gettemplate reply (docs/wechat.md §4.1). */
export interface GetTemplateItem {
  priTmplId: string;
  title: string;
  content: string;
  example: string;
  /** 2 = one-time, 3 = long-term. */
  type: 2 | 3;
  keywordEnumValueList?: { keywordCode: string; enumValueList: string[] }[];
}

/** WeChat's cap on private templates (old doc: 上限25个). */
export const PRIVATE_TEMPLATE_LIMIT = 25;

export function toGetTemplateItem(template: SimTemplate): GetTemplateItem {
  const item: GetTemplateItem = {
    priTmplId: template.id,
    title: template.title,
    content: template.content,
    example: template.example ?? '',
    type: template.type === 'ONE_TIME' ? 2 : 3,
  };
  const enums = template.fields.filter((field) => field.enumValues !== undefined);
  if (enums.length > 0) {
    item.keywordEnumValueList = enums.map((field) => ({
      keywordCode: `${field.key}.DATA`,
      enumValueList: [...field.enumValues!],
    }));
  }
  return item;
}

/** The account's private template library: what gettemplate lists and send accepts. */
export class PrivateLibrary {
  private initial: readonly SimTemplate[] = [];
  private templates: SimTemplate[] = [];

  /** The library a fresh (or reset) simulator starts with. */
  setInitial(templates: readonly SimTemplate[]): void {
    this.initial = [...templates];
    this.templates = [...templates];
  }

  get initialTemplates(): readonly SimTemplate[] {
    return this.initial;
  }

  all(): readonly SimTemplate[] {
    return this.templates;
  }

  get size(): number {
    return this.templates.length;
  }

  byId(id: string): SimTemplate | undefined {
    return this.templates.find((template) => template.id === id);
  }

  /** The control surface lets people name templates by id or by name (`AuditResult`). */
  byIdOrName(key: string): SimTemplate | undefined {
    return this.byId(key) ?? this.templates.find((template) => template.name === key);
  }

  add(template: SimTemplate): void {
    this.templates.push(template);
  }

  remove(id: string): boolean {
    const before = this.templates.length;
    this.templates = this.templates.filter((template) => template.id !== id);
    return this.templates.length < before;
  }

  reset(): void {
    this.templates = [...this.initial];
  }
}
