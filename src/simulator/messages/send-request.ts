import { parseJsonObject } from '../http/sim-http.js';
import type { PrivateLibrary } from '../templates/private-library.js';
import type { SimTemplate } from '../templates/sim-template.js';
import { judgeKeyword } from './keyword-rules.js';
import { isOwnOpenId } from '../users/openids.js';

export const MINIPROGRAM_STATES: readonly string[] = ['developer', 'trial', 'formal'];
export const LANGS: readonly string[] = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'];

/** A subscribe/send body that passed every synchronous check. */
export interface SendRequest {
  touser: string;
  template: SimTemplate;
  page: string | null;
  miniprogramState: string;
  lang: string;
  /** Keyword values as strings. */
  data: Record<string, string>;
}

export type ReadSend =
  { ok: true; request: SendRequest } | { ok: false; errcode: number; errmsg?: string };

type Body = Record<string, unknown>;

/** Pages are compared without their query and without a leading slash. */
export function pagePath(page: string): string {
  return page.split('?')[0]!.replace(/^\//, '');
}

function isPlainObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `data` values as WeChat reads them. It types `value` as any: numbers and booleans are read as
 * their text; a missing or null value, or an entry that is not `{value}`, counts as empty; an
 * object or array value stays as it is and is judged invalid.
 */
function readValues(data: Body): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(data)) {
    const value = isPlainObject(entry) ? entry.value : undefined;
    if (value === undefined || value === null) continue;
    values[key] = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  }
  return values;
}

/**
 * What WeChat names in its 47003: the first keyword of the template (in the template's order)
 * whose value is empty or invalid, else the first key the template does not have.
 */
function dataProblem(template: SimTemplate, values: Record<string, unknown>): string | null {
  for (const field of template.fields) {
    const value = Object.hasOwn(values, field.key) ? values[field.key] : undefined;
    const verdict = judgeKeyword(field.kind, value, field.enumValues);
    if (verdict !== 'ok') {
      return `data.${field.key}.value ${verdict === 'empty' ? 'is empty' : 'invalid'}`;
    }
  }
  const unknown = Object.keys(values).find((key) => !template.fields.some((f) => f.key === key));
  return unknown === undefined ? null : `data.${unknown}.value invalid`;
}

function argumentInvalid(what: string): ReadSend {
  return { ok: false, errcode: 47003, errmsg: `argument invalid! ${what}` };
}

/**
 * Checks a send body in this order: JSON (47001), touser (40003), template_id (40037), page
 * (41030: its path must be a released page), miniprogram_state and lang (47003 naming the field;
 * docs/wechat.md gives no code for these, 47003 is WeChat's generic "argument invalid"), data
 * (47001 when it is not an object, else 47003 `data.<key>.value invalid` or `... is empty`).
 */
export function readSendRequest(
  body: string,
  library: PrivateLibrary,
  releasedPages: ReadonlySet<string>,
): ReadSend {
  const parsed = parseJsonObject(body);
  if (!parsed.ok) return { ok: false, errcode: 47001 };
  const { touser, template_id, page, miniprogram_state, lang, data } = parsed.value;
  if (!isOwnOpenId(touser)) return { ok: false, errcode: 40003 };
  const template = typeof template_id === 'string' ? library.byId(template_id) : undefined;
  if (!template) return { ok: false, errcode: 40037 };
  const wantedPage = page === undefined || page === null || page === '' ? null : page;
  if (
    wantedPage !== null &&
    (typeof wantedPage !== 'string' || !releasedPages.has(pagePath(wantedPage)))
  ) {
    return { ok: false, errcode: 41030 };
  }
  const state = miniprogram_state ?? 'formal';
  if (typeof state !== 'string' || !MINIPROGRAM_STATES.includes(state)) {
    return argumentInvalid('miniprogram_state invalid');
  }
  const language = lang ?? 'zh_CN';
  if (typeof language !== 'string' || !LANGS.includes(language))
    return argumentInvalid('lang invalid');
  if (!isPlainObject(data)) return { ok: false, errcode: 47001 };
  const values = readValues(data);
  const problem = dataProblem(template, values);
  if (problem !== null) return argumentInvalid(problem);
  return {
    ok: true,
    request: {
      touser,
      template,
      page: wantedPage as string | null,
      miniprogramState: state,
      lang: language,
      data: values as Record<string, string>,
    },
  };
}
