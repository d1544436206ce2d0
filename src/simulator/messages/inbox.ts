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

/** Kept per simulator; the oldest messages are dropped beyond this. */
const MAX_MESSAGES = 10_000;

export function renderLines(
  template: SimTemplate,
  data: Readonly<Record<string, string>>,
): string[] {
  return template.fields.map((field) => {
    const value = data[field.key] ?? '';
    return field.label === null ? value : `${field.label}: ${value}`;
  });
}

export class Inbox {
  private messages: InboxMessage[] = [];

  deliver(message: InboxMessage): void {
    this.messages.push(message);
    if (this.messages.length > MAX_MESSAGES) this.messages.shift();
  }

  /** Newest first; every user's when `openid` is undefined. */
  list(openid?: string): InboxMessage[] {
    const chosen =
      openid === undefined ? this.messages : this.messages.filter((m) => m.openid === openid);
    return [...chosen].reverse();
  }

  reset(): void {
    this.messages = [];
  }
}
