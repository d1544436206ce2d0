import { jsonResponse, parseJsonObject } from '../http/sim-http.js';
import { randomBase64Url } from '../common/random-ids.js';
import { withAccessToken } from '../tokens/with-access-token.js';
import type { WeChatRoute } from '../wechat/wechat-route.js';
import { composeTemplate } from './compose-template.js';
import type { NewtmplDeps } from './newtmpl-read-routes.js';
import { PRIVATE_TEMPLATE_LIMIT } from './private-library.js';
import type { PublicKeyword, PublicTitle } from './public-library.js';
import { parseCount } from './query-numbers.js';

const BASE = '/wxaapi/newtmpl';
const WRONG_METHOD = { errcode: 404, status: 404 };
const MIN_KEYWORDS = 2;
const MAX_KEYWORDS = 5;
const MAX_SCENE_DESC_CHARS = 15;

type Picked = { ok: true; keywords: PublicKeyword[] } | { ok: false; why: string };

/** kidList: 2..5 distinct keyword ids of the title, in the order the template will show them. */
function pickKeywords(title: PublicTitle, kidList: unknown): Picked {
  if (!Array.isArray(kidList)) return { ok: false, why: 'kidList must be an array of keyword ids' };
  if (kidList.length < MIN_KEYWORDS || kidList.length > MAX_KEYWORDS) {
    return { ok: false, why: `kidList must hold ${MIN_KEYWORDS} to ${MAX_KEYWORDS} keyword ids` };
  }
  const keywords: PublicKeyword[] = [];
  for (const kid of kidList) {
    const keyword = title.keywords.find((kw) => kw.kid === kid);
    if (!keyword)
      return { ok: false, why: `kid ${JSON.stringify(kid)} is not a keyword of tid ${title.tid}` };
    if (keywords.includes(keyword)) return { ok: false, why: `kid ${kid} is listed twice` };
    keywords.push(keyword);
  }
  return { ok: true, keywords };
}

function readTid(tid: unknown): number | null {
  if (typeof tid === 'number') return Number.isSafeInteger(tid) && tid >= 0 ? tid : null;
  return typeof tid === 'string' ? parseCount(tid) : null;
}

function sameKeywordSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key) => b.includes(key));
}

/** POST addtemplate and deltemplate (docs/wechat.md §4.5, §4.6): they change the private library. */
export function newtmplWriteRoutes(deps: NewtmplDeps): WeChatRoute[] {
  const { tokens, replies, library, publicLibrary } = deps;
  const guarded = (handler: WeChatRoute['handle']) => withAccessToken(tokens, replies, handler);
  return [
    {
      path: `${BASE}/addtemplate`,
      method: 'POST',
      wrongMethod: WRONG_METHOD,
      handle: guarded(({ body }) => {
        const parsed = parseJsonObject(body);
        if (!parsed.ok) return replies.error(47001);
        const { tid, kidList, sceneDesc } = parsed.value;
        const tidNumber = readTid(tid);
        const title = tidNumber === null ? undefined : publicLibrary().title(tidNumber);
        if (!title) return replies.error(200014);
        const picked = pickKeywords(title, kidList);
        if (!picked.ok) return replies.error(200020, `invalid kidList: ${picked.why}`);
        // The current doc marks sceneDesc required, the old one optional: absent is accepted.
        const sceneOk =
          sceneDesc === undefined ||
          (typeof sceneDesc === 'string' && [...sceneDesc].length <= MAX_SCENE_DESC_CHARS);
        if (!sceneOk) return replies.error(200021);
        if (library.size >= PRIVATE_TEMPLATE_LIMIT) return replies.error(200012);
        const keys = picked.keywords.map((kw) => `${kw.rule}${kw.kid}`);
        const duplicate = library.all().some(
          (template) =>
            template.title === title.title &&
            sameKeywordSet(
              template.fields.map((field) => field.key),
              keys,
            ),
        );
        if (duplicate) return replies.error(200022);
        let id = randomBase64Url(32);
        while (library.byId(id)) id = randomBase64Url(32);
        library.add(composeTemplate(id, title, picked.keywords));
        return { ...jsonResponse({ errmsg: 'ok', errcode: 0, priTmplId: id }), errcode: 0 };
      }),
    },
    {
      path: `${BASE}/deltemplate`,
      method: 'POST',
      wrongMethod: WRONG_METHOD,
      handle: guarded(({ body }) => {
        const parsed = parseJsonObject(body);
        if (!parsed.ok) return replies.error(47001);
        const { priTmplId } = parsed.value;
        if (typeof priTmplId !== 'string' || priTmplId === '') return replies.error(20002);
        if (!library.remove(priTmplId)) return replies.error(200014, 'invalid priTmplId');
        return { ...jsonResponse({ errmsg: 'ok', errcode: 0 }), errcode: 0 };
      }),
    },
  ];
}
