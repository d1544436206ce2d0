/**
 * The simulator's own view of a private template. Deliberately not the gateway's type: the
 * simulator stands in for WeChat and must judge sends from WeChat's rules, not from the code it
 * is meant to check.
 */
export type SimTemplateType = 'ONE_TIME' | 'LONG_TERM';

/** One `{{<kind><n>.DATA}}` placeholder. */
export interface SimKeyword {
  /** As written in the content, e.g. `thing3`. */
  key: string;
  /** The key without its trailing digits, e.g. `short_thing` for `short_thing6`. */
  kind: string;
  /** The text before the placeholder on its line (`审核结果`), or null. */
  label: string | null;
  /** The values an enum keyword allows (gettemplate's keywordEnumValueList). */
  enumValues?: readonly string[];
}

export interface SimTemplate {
  /** priTmplId. */
  id: string;
  /** What the control surface also accepts in place of the id; the id when the file gives none. */
  name: string;
  title: string;
  type: SimTemplateType;
  content: string;
  example: string | null;
  fields: readonly SimKeyword[];
}
