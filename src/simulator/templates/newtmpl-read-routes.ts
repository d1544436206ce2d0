import type { TokenAuthority } from '../tokens/token-authority.js';
import type { WeChatReplies } from '../wechat/replies.js';
import { withAccessToken } from '../tokens/with-access-token.js';
import type { WeChatRoute } from '../wechat/wechat-route.js';
import { toGetTemplateItem, type PrivateLibrary } from './private-library.js';
import type { PublicLibrary } from './public-library.js';
import { parseCount } from './query-numbers.js';

export interface NewtmplDeps {
  tokens: TokenAuthority;
  replies: WeChatReplies;
  library: PrivateLibrary;
  /** A getter: the public library is derived once the starting templates are loaded. */
  publicLibrary: () => PublicLibrary;
}

const BASE = '/wxaapi/newtmpl';
/** getpubtemplatetitles pages hold at most 30 titles (docs/wechat.md §4.3). */
const MAX_TITLES_PER_PAGE = 30;
const WRONG_METHOD = { errcode: 404, status: 404 };

/** The four read-only newtmpl endpoints (docs/wechat.md §4.1–§4.4). */
export function newtmplReadRoutes(deps: NewtmplDeps): WeChatRoute[] {
  const { tokens, replies, library, publicLibrary } = deps;
  const guarded = (handler: WeChatRoute['handle']) => withAccessToken(tokens, replies, handler);
  return [
    {
      path: `${BASE}/gettemplate`,
      method: 'GET',
      wrongMethod: WRONG_METHOD,
      handle: guarded(() => replies.ok({ data: library.all().map(toGetTemplateItem) })),
    },
    {
      path: `${BASE}/getcategory`,
      method: 'GET',
      wrongMethod: WRONG_METHOD,
      handle: guarded(() => replies.ok({ data: publicLibrary().categories })),
    },
    {
      path: `${BASE}/getpubtemplatetitles`,
      method: 'GET',
      wrongMethod: WRONG_METHOD,
      handle: guarded(({ query }) => {
        const ids = query.get('ids');
        if (ids === null || ids.trim() === '') return replies.error(200018);
        const categoryIds = ids.split(',').map((id) => parseCount(id));
        if (categoryIds.some((id) => id === null)) return replies.error(200019);
        const start = parseCount(query.get('start'));
        if (start === null) return replies.error(200016);
        const limit = parseCount(query.get('limit'));
        if (limit === null || limit < 1 || limit > MAX_TITLES_PER_PAGE) {
          return replies.error(200017);
        }
        const titles = publicLibrary().titlesIn(categoryIds as number[]);
        return replies.ok({
          count: titles.length,
          // The documented example writes categoryId as a string ("616"); so does the simulator.
          data: titles.slice(start, start + limit).map(({ tid, title, type, categoryId }) => ({
            tid,
            title,
            type,
            categoryId: String(categoryId),
          })),
        });
      }),
    },
    {
      path: `${BASE}/getpubtemplatekeywords`,
      method: 'GET',
      wrongMethod: WRONG_METHOD,
      handle: guarded(({ query }) => {
        const tid = parseCount(query.get('tid'));
        if (tid === null) return replies.error(200002);
        const title = publicLibrary().title(tid);
        if (!title) return replies.error(200014);
        return replies.ok({
          count: title.keywords.length,
          data: title.keywords.map(({ kid, name, example, rule }) => ({
            kid,
            name,
            example,
            rule,
          })),
        });
      }),
    },
  ];
}
