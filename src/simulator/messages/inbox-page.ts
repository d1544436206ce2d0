import { escapeHtml } from '../http/negotiate.js';
import type { DeliveredMessage } from './inbox.js';

export interface InboxPageInput {
  appId: string;
  /** Newest first. */
  messages: readonly DeliveredMessage[];
  /** The user the page is filtered to, if any. */
  openid?: string;
  /** Every user with a delivered message, for the filter links. */
  openids: readonly string[];
  /** A problem to show instead of messages (a bad openid). */
  problem?: string;
}

const STYLE = `
body { font: 15px/1.45 -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; background: #ededed; margin: 0; color: #111; }
header { background: #fff; padding: 12px 16px; border-bottom: 1px solid #ddd; }
header h1 { font-size: 17px; margin: 0 0 4px; }
header p, nav { font-size: 13px; color: #666; margin: 0; }
nav { padding: 8px 16px; }
nav a { margin-right: 10px; color: #576b95; }
nav a.here { font-weight: 600; color: #111; text-decoration: none; }
main { max-width: 420px; margin: 0 auto; padding: 8px 12px 24px; }
h2 { font-size: 13px; color: #888; font-weight: normal; margin: 18px 4px 6px; word-break: break-all; }
.time { text-align: center; font-size: 12px; color: #999; margin: 14px 0 6px; }
/* flow-root keeps the last row's margin inside the card: one without a page row ends on it. */
.card { background: #fff; border-radius: 8px; padding: 14px 16px 0; display: flow-root; }
.card .app { font-size: 12px; color: #888; margin-bottom: 6px; }
.card h3 { font-size: 17px; margin: 0 0 10px; font-weight: 600; }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 14px; margin: 0 0 12px; }
.card dt { color: #888; }
.card dd { margin: 0; word-break: break-all; white-space: pre-wrap; }
.card .open { border-top: 1px solid #eee; padding: 10px 0; font-size: 14px; display: flex; justify-content: space-between; }
.card .open small { color: #aaa; }
.empty, .problem { text-align: center; color: #888; margin-top: 40px; }
.problem { color: #c00; }
`;

function card(message: DeliveredMessage, appId: string): string {
  const rows = message.rows
    .map(
      ({ label, value }) =>
        `<dt>${label === null ? '' : escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`,
    )
    .join('');
  const open =
    message.page === null
      ? ''
      : `<div class="open"><span>进入小程序查看</span><small>${escapeHtml(message.page)} · ${escapeHtml(message.miniprogramState)}</small></div>`;
  return `<div class="time">${escapeHtml(message.sentAt)}</div>
<article class="card" data-msgid="${escapeHtml(message.msgid)}">
<div class="app">${escapeHtml(appId)} · 服务通知</div>
<h3>${escapeHtml(message.title)}</h3>
<dl>${rows}</dl>${open}
</article>`;
}

function filterLinks(input: InboxPageInput): string {
  const link = (href: string, text: string, here: boolean) =>
    `<a href="${escapeHtml(href)}"${here ? ' class="here"' : ''}>${escapeHtml(text)}</a>`;
  const links = [link('?', 'everyone', input.openid === undefined)];
  for (const openid of input.openids) {
    links.push(link(`?openid=${encodeURIComponent(openid)}`, openid, openid === input.openid));
  }
  return `<nav>${links.join('')}</nav>`;
}

/**
 * `GET /__sim/inbox` for people: each user's service notifications laid out like the cards on
 * their phone (title, keyword labels and values, the "进入小程序查看" row when there is a page),
 * newest first. Every value is escaped: the data came from whoever called subscribe/send.
 */
export function renderInboxPage(input: InboxPageInput): string {
  const byUser = new Map<string, DeliveredMessage[]>();
  for (const message of input.messages) {
    byUser.set(message.openid, [...(byUser.get(message.openid) ?? []), message]);
  }
  let body: string;
  if (input.problem !== undefined) {
    body = `<p class="problem">${escapeHtml(input.problem)}</p>`;
  } else if (byUser.size === 0) {
    body = `<p class="empty">No messages delivered${input.openid === undefined ? '' : ' to this user'} yet: a successful subscribe/send lands here.</p>`;
  } else {
    body = [...byUser]
      .map(
        ([openid, messages]) =>
          `<section><h2>${escapeHtml(openid)}</h2>${messages.map((m) => card(m, input.appId)).join('\n')}</section>`,
      )
      .join('\n');
  }
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Simulator inbox · ${escapeHtml(input.appId)}</title><style>${STYLE}</style></head>
<body><header><h1>Delivered messages</h1><p>App ${escapeHtml(input.appId)} · ${input.messages.length} message(s) · JSON with <code>Accept: application/json</code></p></header>
${filterLinks(input)}
<main>${body}</main></body></html>
`;
}
