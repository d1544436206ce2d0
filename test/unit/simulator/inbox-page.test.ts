import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AUDIT,
  ORDER,
  startSimulator,
  userOpenId,
  type Harness,
} from '../../helpers/sim-harness.js';

const alice = userOpenId('alice');
const bob = userOpenId('bob');

describe('simulator: GET /__sim/inbox as a page', () => {
  let h: Harness;
  let token: string;
  beforeEach(async () => {
    h = await startSimulator();
    token = await h.classicToken();
  });
  afterEach(() => h.close());

  const page = async (accept?: string, query = '') => {
    const response = await fetch(`${h.base}/__sim/inbox${query}`, {
      headers: accept === undefined ? {} : { accept },
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      csp: response.headers.get('content-security-policy'),
      html: await response.text(),
    };
  };

  async function deliverSome() {
    await h.accept(alice, AUDIT.id);
    await h.accept(bob, ORDER.id);
    const audit = await h.send(token, {
      touser: alice,
      template_id: AUDIT.id,
      page: 'pages/review/result?id=1&x=<y>',
      data: { phrase2: { value: '已通过' }, thing3: { value: '<i>"x"</i>&\'' } },
    });
    expect(audit.json.errcode).toBe(0);
    const order = await h.send(token, {
      touser: bob,
      template_id: ORDER.id,
      data: { character_string1: { value: 'SO-7' }, date3: { value: '2024-05-18' } },
    });
    expect(order.json.errcode).toBe(0);
  }

  it('a browser gets the cards as the phone shows them: app, title, labels and values, per user', async () => {
    await deliverSome();
    const browser = await page('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
    expect(browser.status).toBe(200);
    expect(browser.type).toBe('text/html; charset=utf-8');
    expect(browser.csp).toContain("default-src 'none'");
    const { html } = browser;
    expect(html).toContain('wxsandbox000000001');
    expect(html).toContain('<h3>审核结果通知</h3>');
    expect(html).toContain('<dt>审核结果</dt><dd>已通过</dd>');
    expect(html).toContain('<h3>订单发货通知</h3>');
    expect(html).toContain('<dt>订单编号</dt><dd>SO-7</dd>');
    expect(html).toContain('进入小程序查看');
    // One section per user, newest first: bob's message was sent last.
    expect(html.indexOf(`<h2>${bob}</h2>`)).toBeGreaterThan(-1);
    expect(html.indexOf(`<h2>${bob}</h2>`)).toBeLessThan(html.indexOf(`<h2>${alice}</h2>`));
    // Without an Accept header (curl, fetch) the page is HTML too.
    expect((await page()).type).toBe('text/html; charset=utf-8');
  });

  it('escapes everything the caller sent', async () => {
    await deliverSome();
    const { html } = await page('text/html');
    expect(html).not.toContain('<i>');
    expect(html).not.toContain('<y>');
    expect(html).toContain('&lt;i&gt;&quot;x&quot;&lt;/i&gt;&amp;&#39;');
    expect(html).toContain('pages/review/result?id=1&amp;x=&lt;y&gt;');
  });

  it('filters to one user, with links to every user', async () => {
    await deliverSome();
    const { html } = await page('text/html', `?openid=${alice}`);
    expect(html).toContain('审核结果通知');
    expect(html).not.toContain('订单发货通知');
    expect(html).toContain(`href="?openid=${bob}"`);
    const bad = await page('text/html', '?openid=%3Cb%3E');
    expect(bad.status).toBe(400);
    expect(bad.html).not.toContain('<b>');
    expect(bad.html).toContain('&lt;b&gt;');
  });

  it('says so when nothing was delivered yet', async () => {
    expect((await page('text/html')).html).toContain('No messages delivered');
  });

  it('JSON clients keep the JSON shape', async () => {
    await deliverSome();
    const response = await fetch(`${h.base}/__sim/inbox?openid=${bob}`, {
      headers: { accept: 'application/json' },
    });
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({
      messages: [
        expect.objectContaining({ openid: bob, lines: ['订单编号: SO-7', '发货时间: 2024-05-18'] }),
      ],
    });
    const both = await page('text/html;q=0.5, application/json');
    expect(both.type).toBe('application/json; charset=utf-8');
  });
});
