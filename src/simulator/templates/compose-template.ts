import { readTemplate } from './read-templates.js';
import type { SimTemplate } from './sim-template.js';
import type { GetTemplateItem } from './private-library.js';
import type { PublicKeyword, PublicTitle } from './public-library.js';

/**
 * The private template addtemplate creates from a public title and chosen keywords, in kidList
 * order: one `<name>:{{<rule><kid>.DATA}}` line per keyword, like WeChat's own content strings.
 */
export function composeTemplate(
  id: string,
  title: PublicTitle,
  keywords: readonly PublicKeyword[],
): SimTemplate {
  const item: GetTemplateItem = {
    priTmplId: id,
    title: title.title,
    content: keywords.map((kw) => `${kw.name}:{{${kw.rule}${kw.kid}.DATA}}\n`).join(''),
    example: keywords.map((kw) => `${kw.name}:${kw.example}\n`).join(''),
    type: title.type,
  };
  const enums = keywords.filter((kw) => kw.enumValues !== undefined);
  if (enums.length > 0) {
    item.keywordEnumValueList = enums.map((kw) => ({
      keywordCode: `${kw.rule}${kw.kid}.DATA`,
      enumValueList: [...kw.enumValues!],
    }));
  }
  return readTemplate(item, `addtemplate tid ${title.tid}`);
}
