import { readFileSync } from 'node:fs';

/** The demo templates file, resolved from this module so the bench runs from any directory. */
export const DEMO_TEMPLATES_FILE = new URL('../../../templates/demo.json', import.meta.url)
  .pathname;

/** WeChat id of the demo `AuditResult` template (keywords phrase2 and thing3). */
export function auditResultTemplateId(): string {
  const file = JSON.parse(readFileSync(DEMO_TEMPLATES_FILE, 'utf8')) as {
    templates: { name?: string; id?: string; priTmplId?: string }[];
  };
  const template = file.templates.find((t) => t.name === 'AuditResult');
  const id = template?.priTmplId ?? template?.id;
  if (!id) throw new Error(`${DEMO_TEMPLATES_FILE} has no AuditResult template`);
  return id;
}

/** Valid for the template: phrase2 ≤ 5 Chinese characters, thing3 ≤ 20 characters. */
export const AUDIT_DATA: Readonly<Record<string, string>> = {
  phrase2: '已通过',
  thing3: '资料齐全，欢迎入驻',
};

/**
 * 256 distinct well-formed openids (`o` + 27 characters, like WeChat's). Sends are serialised per
 * user, so load spread over many users measures throughput, not one user's queue.
 */
export const OPENIDS: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => `oBenchUser${String(i).padStart(18, '0')}`,
);

/** The JSON body WeChat's subscribe/send expects: what the service builds for the same message. */
export function wechatSendBody(templateId: string, openid: string): Record<string, unknown> {
  const data: Record<string, { value: string }> = {};
  for (const [key, value] of Object.entries(AUDIT_DATA)) data[key] = { value };
  return {
    touser: openid,
    template_id: templateId,
    miniprogram_state: 'formal',
    lang: 'zh_CN',
    data,
  };
}

export const BENCH_APP_ID = 'wxbench0000000001';
export const BENCH_APP_SECRET = 'bench-secret-0123456789abcdef0123';
