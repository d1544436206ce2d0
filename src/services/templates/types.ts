/** WeChat's gettemplate `type`: 2 is one-time (一次性), 3 is long-term (长期). */
export type TemplateType = 'ONE_TIME' | 'LONG_TERM';

/** One `{{key.DATA}}` placeholder of a template's content. */
export interface TemplateField {
  /** Exactly as written in the content, e.g. `thing3`; WeChat keys are opaque, never renumber. */
  key: string;
  /** The key minus its trailing digits, e.g. `short_thing` for `short_thing6`. */
  kind: string;
  /** The text before the placeholder on its line, e.g. `审核结果`; null when there is none. */
  label: string | null;
  /** Human-readable value rule, shown to API users, e.g. `thing: at most 20 characters of any kind`. */
  rule: string;
  /** Allowed values of an enum keyword, from gettemplate's keywordEnumValueList. */
  enumValues?: readonly string[];
}

export interface Template {
  /** WeChat's priTmplId, sent as `template_id`. */
  id: string;
  /** GraphQL-safe name, /^[A-Za-z][_0-9A-Za-z]*$/. */
  name: string;
  title: string;
  type: TemplateType;
  content: string;
  example: string | null;
  fields: readonly TemplateField[];
}
