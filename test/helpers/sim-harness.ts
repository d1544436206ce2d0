import { silentLogger } from '../../src/shared/logger.js';
import { parseTemplatesDocument, type Template } from '../../src/services/templates/index.js';
import {
  createSimulator,
  openIdForUser,
  type Simulator,
  type SimulatorOptions,
} from '../../src/simulator/index.js';
import { readTemplatesDocument } from '../../src/simulator/templates/read-templates.js';

/** Templates the rule tests rely on, independent of templates/demo.json. */
const FIXTURE_DOCUMENT = {
  templates: [
    {
      priTmplId: 'fixtureAuditResult000000000000000000000001',
      name: 'AuditResult',
      title: '审核结果通知',
      content: '审核结果:{{phrase2.DATA}}\n备注:{{thing3.DATA}}\n',
      example: '审核结果:已通过\n备注:资料齐全\n',
      type: 2,
    },
    {
      priTmplId: 'fixtureOrderShipped00000000000000000000002',
      name: 'OrderShipped',
      title: '订单发货通知',
      content: '订单编号:{{character_string1.DATA}}\n发货时间:{{date3.DATA}}\n',
      example: '订单编号:SO-1\n发货时间:2024年5月18日\n',
      type: 2,
    },
    {
      priTmplId: 'fixturePayment0000000000000000000000000003',
      name: 'PaymentSuccess',
      title: '支付成功通知',
      content: '支付金额:{{amount1.DATA}}\n支付方式:{{enum_string2.DATA}}\n',
      example: '支付金额:￥1.00\n支付方式:微信支付\n',
      type: 2,
      keywordEnumValueList: [
        { keywordCode: 'enum_string2.DATA', enumValueList: ['微信支付', '余额支付'] },
      ],
    },
    {
      priTmplId: 'fixtureAuditAgain000000000000000000000004',
      name: 'AuditResultAgain',
      title: '审核结果通知',
      content: '审核结果:{{phrase1.DATA}}\n',
      example: '审核结果:已通过\n',
      type: 2,
    },
    {
      priTmplId: 'fixtureRefund00000000000000000000000000005',
      name: 'RefundDone',
      title: '退款成功通知',
      content: '退款金额:{{amount1.DATA}}\n',
      example: '退款金额:¥5\n',
      type: 2,
    },
    {
      priTmplId: 'fixtureCoupon00000000000000000000000000006',
      name: 'CouponExpiring',
      title: '优惠券到期提醒',
      content: '优惠券:{{thing1.DATA}}\n',
      example: '优惠券:满100减10\n',
      type: 2,
    },
    {
      priTmplId: 'fixtureGradeLongTerm000000000000000000007',
      name: 'GradeReleased',
      title: '课程成绩发布通知',
      content: '课程名称:{{thing1.DATA}}\n考试成绩:{{number2.DATA}}\n',
      example: '课程名称:高等数学\n考试成绩:92.5\n',
      type: 3,
    },
  ],
};

/** The fixture as the gateway reads it. */
export const FIXTURE_TEMPLATES: Template[] = parseTemplatesDocument(
  FIXTURE_DOCUMENT,
  'sim-harness fixture',
);

/** The same fixture read by the simulator's own parser, so the simulator judges independently. */
export const SIM_FIXTURE_TEMPLATES = readTemplatesDocument(FIXTURE_DOCUMENT, 'sim-harness fixture');

export const [AUDIT, ORDER, PAYMENT, AUDIT_AGAIN, REFUND, COUPON, GRADE] = FIXTURE_TEMPLATES as [
  Template,
  Template,
  Template,
  Template,
  Template,
  Template,
  Template,
];

/** A realistic point in time: 2025-01-01 12:00 Beijing time. */
export const START_MS = Date.UTC(2025, 0, 1, 4, 0, 0);

export const MINUTE = 60_000;

export class FakeClock {
  constructor(public ms = START_MS) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Reply {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

export interface Harness {
  base: string;
  sim: Simulator;
  clock: FakeClock;
  close(): Promise<void>;
  /** Asks for JSON (`/__sim/inbox` answers HTML otherwise). */
  get(path: string, query?: Record<string, string>): Promise<Reply>;
  /** A string body is sent as is; anything else as JSON. */
  post(path: string, body?: unknown, query?: Record<string, string>): Promise<Reply>;
  /** A fresh classic access token. */
  classicToken(): Promise<string>;
  stableToken(forceRefresh?: boolean): Promise<Reply>;
  /** The user accepts these templates (ids or names) in one tap. */
  accept(openid: string, ...templates: string[]): Promise<Reply>;
  send(token: string, body: unknown): Promise<Reply>;
}

export function userOpenId(label: string): string {
  return openIdForUser('wxsandbox000000001', label);
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Left empty: the test asserts on text when the body is not JSON.
  }
  return { status: response.status, text, json };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Harness> {
  const clock = new FakeClock();
  const sim = createSimulator({
    templates: SIM_FIXTURE_TEMPLATES,
    now: clock.now,
    logger: silentLogger,
    ...options,
  });
  const base = await sim.listen();
  const url = (path: string, query: Record<string, string> = {}) => {
    const target = new URL(path, base);
    for (const [key, value] of Object.entries(query)) target.searchParams.set(key, value);
    return target;
  };
  const harness: Harness = {
    base,
    sim,
    clock,
    close: () => sim.close(),
    get: async (path, query) =>
      reply(await fetch(url(path, query), { headers: { accept: 'application/json' } })),
    post: async (path, body, query) =>
      reply(
        await fetch(url(path, query), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          ...(body === undefined
            ? {}
            : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      ),
    async classicToken() {
      const { json } = await harness.get('/cgi-bin/token', {
        grant_type: 'client_credential',
        appid: sim.appId,
        secret: sim.appSecret,
      });
      if (typeof json.access_token !== 'string')
        throw new Error(`no token: ${JSON.stringify(json)}`);
      return json.access_token;
    },
    stableToken: (forceRefresh = false) =>
      harness.post('/cgi-bin/stable_token', {
        grant_type: 'client_credential',
        appid: sim.appId,
        secret: sim.appSecret,
        force_refresh: forceRefresh,
      }),
    accept: (openid, ...templates) =>
      harness.post('/__sim/subscribe', { openid, templateIds: templates }),
    send: (token, body) =>
      harness.post('/cgi-bin/message/subscribe/send', body, { access_token: token }),
  };
  return harness;
}

/** A business call that only checks the token: what does it answer for `token`? */
export async function probe(harness: Harness, token: string): Promise<number> {
  const { json } = await harness.get('/wxaapi/newtmpl/gettemplate', { access_token: token });
  return json.errcode as number;
}
