import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { startGateway } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { describeBrowser, launchChromium } from '../../helpers/browser.js';

const SCREENSHOT = fileURLToPath(new URL('../../../test-results/playground.png', import.meta.url));
const NARROW_SCREENSHOT = fileURLToPath(
  new URL('../../../test-results/playground-800px.png', import.meta.url),
);
const API_KEY = 'playground-browser-test-key';
const TEMPLATES_QUERY = '{ templates { id name title } }';
const QUERY_EDITOR = '.graphiql-query-editor .CodeMirror';
/** The visible one of the Variables and Headers editors. */
const TOOL_EDITOR = 'section.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror';
const HEADERS_EDITOR = TOOL_EDITOR;
const VARIABLES_BUTTON = '.graphiql-editor-tools button[data-name="variables"]';
const HEADERS_BUTTON = '.graphiql-editor-tools button[data-name="headers"]';
const RESULT_EDITOR = '.graphiql-response .CodeMirror';

/** The little of the DOM the in-page snippets touch (the project compiles without lib.dom). */
interface PageGlobals {
  document: {
    querySelector(selector: string): { CodeMirror?: { getValue(): string } } | null;
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (e: {
        violatedDirective: string;
        blockedURI: string;
        sourceFile: string;
        lineNumber: number;
      }) => void,
    ): void;
  };
  localStorage: Partial<Record<string, string>>;
  innerWidth: number;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http sends the path byte for byte, so `..` and `%2e` reach the server unnormalised. */
function rawGet(base: string, path: string, accept = '*/*'): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, path, headers: { accept } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

function assetUrls(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*\s(?:src|href)="([^"]+)"/g)]
    .map((m) => m[1]!)
    .filter((u) => !u.startsWith('data:'));
}

/** The text of a CodeMirror editor, read from the instance CodeMirror 5 hangs on its element. */
function editorValue(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) =>
    (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue(),
  );
}

async function waitForEditor(page: Page, selector: string, needle: string): Promise<void> {
  await page.waitForFunction(
    ([sel, text]) => {
      const { document } = globalThis as unknown as PageGlobals;
      return document.querySelector(sel)?.CodeMirror?.getValue().includes(text) ?? false;
    },
    [selector, needle] as const,
  );
}

/** Select everything in an editor and type over it, as a user would. */
async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await page.click(selector);
  await page.keyboard.press('Control+A');
  // insertText types the characters without key events, so CodeMirror's bracket auto-closing
  // and GraphiQL's autocomplete popup don't rewrite what is typed.
  await page.keyboard.insertText(text);
  expect(await editorValue(page, selector)).toBe(text);
}

/** Clicks the run button and returns the request the click sent. */
async function clickRun(page: Page, graphqlUrl: string): Promise<Request> {
  const sent = page.waitForRequest(
    (r) =>
      r.url() === graphqlUrl && r.method() === 'POST' && (r.postData() ?? '').includes('templates'),
  );
  await page.click('.graphiql-execute-button');
  return sent;
}

describeBrowser('GraphiQL playground in Chromium', () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let graphqlUrl: string;
  const requested: string[] = [];
  const failed: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    // Sandbox mode (no WeChat credentials) with one API key, so the Authorization header the
    // user types is what decides whether the query runs.
    const config = loadConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      GATEWAY_API_KEYS: `admin:${API_KEY}`,
    });
    gateway = await startGateway(config, { logger: silentLogger });
    graphqlUrl = `${gateway.url}/graphql`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.on('request', (r) => requested.push(r.url()));
    context.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    await context.addInitScript(() => {
      const { document } = globalThis as unknown as PageGlobals;
      document.addEventListener('securitypolicyviolation', (e) =>
        // eslint-disable-next-line no-console -- reported back to the test through the console
        console.error(
          `CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
        ),
      );
    });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it('redirects /playground to /graphql', async () => {
    const response = await rawGet(gateway.url, '/playground', 'text/html');
    expect([301, 302, 303, 307, 308]).toContain(response.status);
    expect(new URL(String(response.headers.location), gateway.url).href).toBe(graphqlUrl);
  });

  it('serves the page to a browser and keeps JSON for API clients', async () => {
    const html = await rawGet(gateway.url, '/graphql', 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('Content-Security-Policy');
    const api = await rawGet(gateway.url, '/graphql?query=%7B__typename%7D', 'application/json');
    expect(api.headers['content-type']).not.toMatch(/^text\/html/);
  });

  it('serves its assets from this server only, and nothing outside the allow-list', async () => {
    const html = (await rawGet(gateway.url, '/graphql', 'text/html')).body;
    const urls = assetUrls(html);
    expect(urls).toHaveLength(5);
    for (const url of urls) {
      expect(url.startsWith('/') && !url.startsWith('//')).toBe(true);
      const asset = await rawGet(gateway.url, url);
      expect(asset.status).toBe(200);
      expect(asset.headers['content-type']).toBe(
        url.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      );
      expect(asset.headers['cache-control']).toContain('immutable');
    }
    const assetsDir = dirname(urls[0]!);
    for (const path of [
      `${assetsDir}/graphiql.min.js`,
      `${assetsDir}/graphiql.min.js.map`,
      `${assetsDir}/../../package.json`,
      `${assetsDir}/..%2F..%2Fpackage.json`,
      `${assetsDir}/%2e%2e/%2e%2e/package.json`,
      `${assetsDir}/..%5C..%5Cpackage.json`,
      `${assetsDir}/node_modules/graphiql/package.json`,
    ]) {
      const response = await rawGet(gateway.url, path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.body).not.toContain('"name"');
    }
  });

  it('opens on Variables, runs a clicked query with the typed Authorization header, and never stores the key', async () => {
    const navigation = await page.goto(graphqlUrl);
    expect(navigation?.headers()['content-type']).toMatch(/^text\/html/);
    await page.waitForSelector(QUERY_EDITOR);
    // The tour's input is in the variables: that pane is open from the start, not Headers.
    await page.waitForSelector(TOOL_EDITOR);
    expect(await page.getAttribute(VARIABLES_BUTTON, 'class')).toContain('active');
    expect(await page.getAttribute(HEADERS_BUTTON, 'class')).not.toContain('active');

    // Without a key the gateway refuses the query; the error is what the result pane shows.
    await typeInto(page, QUERY_EDITOR, TEMPLATES_QUERY);
    await page.click(HEADERS_BUTTON);
    await typeInto(page, HEADERS_EDITOR, '{}');
    const anonymous = await clickRun(page, graphqlUrl);
    expect((await anonymous.allHeaders()).authorization).toBeUndefined();
    await waitForEditor(page, RESULT_EDITOR, 'UNAUTHENTICATED');
    expect(await editorValue(page, RESULT_EDITOR)).not.toContain('AuditResult');

    await typeInto(page, HEADERS_EDITOR, `{"Authorization": "Bearer ${API_KEY}"}`);
    const authorized = await clickRun(page, graphqlUrl);
    expect((await authorized.allHeaders()).authorization).toBe(`Bearer ${API_KEY}`);
    expect(authorized.postDataJSON()).toMatchObject({ query: TEMPLATES_QUERY });
    await waitForEditor(page, RESULT_EDITOR, 'AuditResult');
    const result = JSON.parse(await editorValue(page, RESULT_EDITOR)) as {
      data: { templates: { name: string }[] };
    };
    expect(result.data.templates.map((t) => t.name)).toContain('AuditResult');
    expect(await page.locator('.graphiql-response').innerText()).toContain('AuditResult');
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // GraphiQL saves the tabs to localStorage after a 500 ms debounce: wait for the save of the
    // typed query, then nothing stored may hold the key (headers are never persisted).
    await page.waitForFunction(
      (query) => {
        const { localStorage } = globalThis as unknown as PageGlobals;
        return localStorage['graphiql:tabState']?.includes(query) ?? false;
      },
      JSON.stringify(TEMPLATES_QUERY).slice(1, -1),
    );
    const stored = await page.evaluate(() => {
      const { localStorage } = globalThis as unknown as PageGlobals;
      return JSON.stringify({ ...localStorage });
    });
    expect(stored).toContain('graphiql:tabState');
    expect(stored).not.toContain(API_KEY);
    // The settings dialog offers no switch to persist headers either.
    await page.click('[aria-label="Open settings dialog"]');
    await page.waitForSelector('[role="dialog"]');
    expect(await page.$('#enable-persist-headers')).toBeNull();
    await page.keyboard.press('Escape');
    await page.waitForSelector('[role="dialog"]', { state: 'detached' });

    // After a reload the edited query is back, the key is not: it must be typed again.
    await page.reload();
    await waitForEditor(page, QUERY_EDITOR, TEMPLATES_QUERY);
    await page.click(HEADERS_BUTTON);
    expect(await editorValue(page, HEADERS_EDITOR)).not.toContain(API_KEY);
    await typeInto(page, HEADERS_EDITOR, `{"Authorization": "Bearer ${API_KEY}"}`);
    const afterReload = await clickRun(page, graphqlUrl);
    expect((await afterReload.allHeaders()).authorization).toBe(`Bearer ${API_KEY}`);
    await waitForEditor(page, RESULT_EDITOR, 'AuditResult');

    // A dialog injects GraphiQL's scroll-lock style, which the policy allows by hash.
    await page.click('[aria-label="Open settings dialog"]');
    await page.waitForSelector('[role="dialog"]');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[role="dialog"]', { state: 'detached' });

    const origin = new URL(gateway.url).origin;
    expect(new URL(origin).hostname).toBe('127.0.0.1');
    expect(requested.length).toBeGreaterThan(7);
    for (const url of requested) {
      expect({ url, origin: url.startsWith('data:') ? origin : new URL(url).origin }).toEqual({
        url,
        origin,
      });
    }
    expect(failed).toEqual([]);
    expect(pageErrors).toEqual([]);
    // The only errors expected are the browser's notes about the 401s the keyless run caused.
    expect(consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  }, 90_000);

  it('shows every tour tab at 800 px, including the app switch, and resets the tour', async () => {
    await page.setViewportSize({ width: 800, height: 700 });
    await page.goto(graphqlUrl);
    await page.waitForSelector(QUERY_EDITOR);
    const tabs = await page.$$eval('.graphiql-tab', (elements) =>
      elements.map((element) => {
        const box = element.getBoundingClientRect();
        return { name: element.textContent ?? '', left: box.left, right: box.right };
      }),
    );
    const width = await page.evaluate(() => (globalThis as unknown as PageGlobals).innerWidth);
    expect(tabs.map((tab) => tab.name).join(' ')).toMatch(/Apps.*SubscribeInApp/);
    // Usable: every tab is on screen, none hidden behind a horizontal scroll.
    for (const tab of tabs)
      expect({ ...tab, inside: tab.left >= 0 && tab.right <= width }).toMatchObject({
        inside: true,
      });
    mkdirSync(dirname(NARROW_SCREENSHOT), { recursive: true });
    await page.screenshot({ path: NARROW_SCREENSHOT });

    // The app switch: this tab acts on the sandbox's second demo app.
    await page.click('.graphiql-tab:has-text("SubscribeInApp") button.graphiql-tab-button');
    await waitForEditor(page, QUERY_EDITOR, 'mutation SubscribeInApp');
    await waitForEditor(page, TOOL_EDITOR, '"clinic"');
    await page.click(HEADERS_BUTTON);
    await typeInto(page, HEADERS_EDITOR, `{"Authorization": "Bearer ${API_KEY}"}`);
    const sent = page.waitForRequest(
      (r) => r.url() === graphqlUrl && (r.postData() ?? '').includes('SubscribeInApp'),
    );
    await page.click('.graphiql-execute-button');
    expect((await sent).postDataJSON()).toMatchObject({ variables: { input: { app: 'clinic' } } });
    await waitForEditor(page, RESULT_EDITOR, 'VisitReminder');
    expect(await editorValue(page, RESULT_EDITOR)).toContain('"name": "clinic"');

    // The first tab still holds the query the previous test typed; "Reset tour" brings back the
    // tour's own tabs.
    await page.click('.graphiql-tab:first-child button.graphiql-tab-button');
    await waitForEditor(page, QUERY_EDITOR, TEMPLATES_QUERY);
    await Promise.all([page.waitForEvent('load'), page.click('#wsg-reset-tour')]);
    await waitForEditor(page, QUERY_EDITOR, 'query Templates');
    expect(await editorValue(page, QUERY_EDITOR)).not.toContain(TEMPLATES_QUERY);

    // Reloads keep the tabs as they were: the same tabs, the same one open, its variables text
    // untouched (a reformatted copy of it once made every reload open one more tab).
    const tabNames = () =>
      page.$$eval('.graphiql-tab', (elements) => elements.map((e) => e.textContent ?? ''));
    const tourTabs = await tabNames();
    const opened = tourTabs.findIndex((name) => name.includes('SubscribeInApp'));
    await page.click('.graphiql-tab:has-text("SubscribeInApp") button.graphiql-tab-button');
    await page.click(VARIABLES_BUTTON);
    await waitForEditor(page, TOOL_EDITOR, '"clinic"');
    const variables = await editorValue(page, TOOL_EDITOR);
    expect(variables).toContain('\n');
    for (let reload = 0; reload < 2; reload++) {
      await page.waitForFunction((index) => {
        const { localStorage } = globalThis as unknown as PageGlobals;
        const saved = localStorage['graphiql:tabState'];
        return saved !== undefined && JSON.parse(saved).activeTabIndex === index;
      }, opened);
      await page.reload();
      await waitForEditor(page, QUERY_EDITOR, 'mutation SubscribeInApp');
      expect(await tabNames()).toEqual(tourTabs);
      expect(await page.getAttribute(`.graphiql-tab:nth-child(${opened + 1})`, 'class')).toContain(
        'active',
      );
      await waitForEditor(page, TOOL_EDITOR, '"clinic"');
      expect(await editorValue(page, TOOL_EDITOR)).toBe(variables);
    }
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
