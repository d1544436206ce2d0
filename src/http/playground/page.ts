import { createHash } from 'node:crypto';
import type { PlaygroundAssetNames } from './assets.js';
import {
  BOOTSTRAP_ELEMENT_ID,
  BOOTSTRAP_SCRIPT,
  IDE_ELEMENT_ID,
  RESET_TOUR_ELEMENT_ID,
} from './bootstrap.js';

export interface PageSettings {
  readonly endpoint: string;
  readonly assetsPath: string;
  readonly title: string;
  readonly tabs?: readonly { query: string; variables?: string; headers?: string }[];
  readonly defaultHeaders?: string;
}

const BOOTSTRAP_HASH = `'sha256-${createHash('sha256').update(BOOTSTRAP_SCRIPT, 'utf8').digest('base64')}'`;

/**
 * GraphiQL's dialogs (settings, shortcuts) lock body scrolling by injecting a <style> element
 * (react-remove-scroll-bar). Its text depends only on the body's margin, padding and scrollbar
 * width, all zero under our stylesheet, so it is one constant text and this is its hash. If the
 * text ever differs (another GraphiQL version), the style is blocked and only the no-op scroll
 * lock is lost; the browser test opens a dialog and fails on any CSP violation, so we find out.
 */
const DIALOG_SCROLL_LOCK_STYLE_HASH = "'sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc='";

/**
 * Everything the page loads comes from this origin. `data:` is allowed for fonts and images only
 * because graphiql.min.css embeds its fonts (Roboto, Fira Code) and a few icons as data URIs:
 * they are part of the stylesheet, never a network request.
 */
const POLICY = [
  "default-src 'none'",
  `script-src 'self' ${BOOTSTRAP_HASH}`,
  `style-src 'self' ${DIALOG_SCROLL_LOCK_STYLE_HASH}`,
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** For a `<meta>` tag: frame-ancestors is ignored there, so it is only in the header variant. */
export const CONTENT_SECURITY_POLICY_META = POLICY.join('; ');
export const CONTENT_SECURITY_POLICY_HEADER = [...POLICY, "frame-ancestors 'none'"].join('; ');

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** JSON inside a <script> data block: `<` is escaped so no value can close the element early. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function renderPage(settings: PageSettings, assets: PlaygroundAssetNames): string {
  const asset = (name: string) => escapeHtml(`${settings.assetsPath}/${name}`);
  const title = escapeHtml(settings.title);
  const config = scriptSafeJson({
    endpoint: settings.endpoint,
    tabs: settings.tabs,
    defaultHeaders: settings.defaultHeaders,
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CONTENT_SECURITY_POLICY_META)}">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset(assets.graphiqlCss)}">
<link rel="stylesheet" href="${asset(assets.playgroundCss)}">
</head>
<body>
<header class="wsg-playground-banner"><strong>${title}</strong><span>GraphQL endpoint <code>${escapeHtml(settings.endpoint)}</code> · put <code>{"Authorization": "Bearer &lt;key&gt;"}</code> in the Headers tab below the query (never saved in this browser)</span><button type="button" id="${RESET_TOUR_ELEMENT_ID}" class="wsg-playground-reset" title="Forget your edits and bring back the tour's tabs">Reset tour</button></header>
<main id="${IDE_ELEMENT_ID}" class="wsg-playground-ide"><p class="wsg-playground-loading">Loading GraphiQL… (needs JavaScript)</p></main>
<script type="application/json" id="${BOOTSTRAP_ELEMENT_ID}">${config}</script>
<script src="${asset(assets.reactJs)}"></script>
<script src="${asset(assets.reactDomJs)}"></script>
<script src="${asset(assets.graphiqlJs)}"></script>
<script>${BOOTSTRAP_SCRIPT}</script>
</body>
</html>
`;
}
