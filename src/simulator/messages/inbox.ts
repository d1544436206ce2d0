import type { SimTemplate } from '../templates/sim-template.js';

/** A delivered message as the user sees it in WeChat's service notifications. */
export interface InboxMessage {
  /** 64-bit, as a string: it does not fit a JS number. */
  msgid: string;
  openid: string;
  templateId: string;
  title: string;
  /** `label: value` per keyword, in the template's order (`审核结果: 已通过`). */
  lines: string[];
  page: string | null;
  miniprogramState: string;
  lang: string;
  /** ISO 8601. */
  sentAt: string;
}

/** One keyword row of the card: its label (null when the template has none) and value. */
export interface CardRow {
  label: string | null;
  value: string;
}

/** What the inbox keeps: the message plus its rows, so a page can lay out labels and values. */
export interface DeliveredMessage extends InboxMessage {
  rows: readonly CardRow[];
}

/** Kept per simulator; the oldest messages are dropped beyond this. */
const MAX_MESSAGES = 10_000;

export function cardRows(template: SimTemplate, data: Readonly<Record<string, string>>): CardRow[] {
  return template.fields.map((field) => ({ label: field.label, value: data[field.key] ?? '' }));
}

export function linesOf(rows: readonly CardRow[]): string[] {
  return rows.map(({ label, value }) => (label === null ? value : `${label}: ${value}`));
}

export class Inbox {
  private messages: DeliveredMessage[] = [];

  deliver(message: DeliveredMessage): void {
    this.messages.push(message);
    if (this.messages.length > MAX_MESSAGES) this.messages.shift();
  }

  /** Newest first, with their card rows; every user's when `openid` is undefined. */
  delivered(openid?: string): DeliveredMessage[] {
    const chosen =
      openid === undefined ? this.messages : this.messages.filter((m) => m.openid === openid);
    return [...chosen].reverse();
  }

  /** Newest first, in the JSON shape of `GET /__sim/inbox`. */
  list(openid?: string): InboxMessage[] {
    return this.delivered(openid).map(({ rows: _rows, ...message }) => message);
  }

  reset(): void {
    this.messages = [];
  }
}
