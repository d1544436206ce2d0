/**
 * The page's own layout: a one-line banner above an IDE that fills the rest of the window. Served
 * as a stylesheet asset (not inline) so the Content-Security-Policy can keep `style-src 'self'`.
 */
export const PLAYGROUND_STYLESHEET = `html,
body {
  height: 100%;
  margin: 0;
}
html {
  /* The IDE scrolls inside its panes, so the window never needs a scrollbar. Without one, the
     scroll-lock style GraphiQL's dialogs inject is one constant text, which the CSP allows by
     hash (page.ts). On html, not body: the scroll-lock code logs an error if body hides it. */
  overflow: hidden;
}
body {
  display: flex;
  flex-direction: column;
}
.wsg-playground-banner {
  flex: none;
  display: flex;
  align-items: center;
  gap: 12px;
  padding: 6px 16px;
  font: 13px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  color: #1b2b3a;
  background: #eef3f8;
  border-bottom: 1px solid #d3dde8;
}
.wsg-playground-banner span {
  flex: 1;
  min-width: 0;
}
.wsg-playground-reset {
  flex: none;
  font: inherit;
  padding: 2px 10px;
  color: inherit;
  background: transparent;
  border: 1px solid currentColor;
  border-radius: 4px;
  cursor: pointer;
}
.wsg-playground-banner code {
  font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
.wsg-playground-ide {
  flex: 1;
  min-height: 0;
  display: flex;
}
.wsg-playground-ide > .graphiql-container {
  flex: 1;
  min-width: 0;
}
/* The tour has a tab per step: wrap them onto more lines rather than hide most of them behind a
   horizontal scroll (which has no visible scrollbar) on a narrow window. */
.graphiql-container .graphiql-session-header {
  height: auto;
  min-height: var(--session-header-height);
}
.graphiql-container .graphiql-tabs {
  flex-wrap: wrap;
  gap: var(--px-8);
  overflow-x: visible;
}
.graphiql-container .graphiql-tabs > :not(:first-child) {
  margin-left: 0;
}
@media (max-width: 1000px) {
  /* Keep the banner to one line: the hint about headers is also in the README. */
  .wsg-playground-banner span {
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
}
.wsg-playground-loading {
  margin: auto;
  font: 14px system-ui, sans-serif;
  color: #5b6b7a;
}
@media (prefers-color-scheme: dark) {
  .wsg-playground-banner {
    color: #d6e2ee;
    background: #14202c;
    border-bottom-color: #2a3a4a;
  }
}
`;
