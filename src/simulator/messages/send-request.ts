import {
  validateTemplateData,
  type FieldViolation,
  type Template,
} from '../../services/templates/index.js';
import { parseJsonObject } from '../http/sim-http.js';
import type { PrivateLibrary } from '../templates/private-library.js';
import { isOwnOpenId } from '../users/openids.js';

export const MINIPROGRAM_STATES: readonly string[] = ['developer', 'trial', 'formal'];
export const LANGS: readonly string[] = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'];

/** A subscribe/send body that passed every synchronous check. */
export interface SendRequest {
  touser: string;
  template: Template;
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
 * `data` values as the validator sees them. WeChat types `value` as any: numbers and booleans are
 * read as their text; a missing or null value, or an entry that is not `{value}`, counts as empty;
 * an object or array value stays as it is so the validator rejects it as not a string.
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
 * The violation WeChat names in its 47003: a keyword of the template first (WeChat walks the
 * template's keywords), then a key the template does not have.
 */
function reportedViolation(violations: readonly FieldViolation[]): FieldViolation | undefined {
  return violations.find((v) => v.reason !== 'unknown_key') ?? violations[0];
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
  // validateFieldValue (behind validateTemplateData) judges any value and calls a non-string invalid.
  const violation = reportedViolation(
    validateTemplateData(template, values as Record<string, string>),
  );
  if (violation) {
    const empty = violation.reason === 'missing' || violation.reason === 'empty';
    return argumentInvalid(`data.${violation.key}.value ${empty ? 'is empty' : 'invalid'}`);
  }
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
