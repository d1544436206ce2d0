import { randomBytes } from 'node:crypto';
import { PushCrypto } from '../../src/services/push/index.js';
import {
  createSimulator,
  DEMO_APP_ID,
  DEMO_APP_SECRET,
  defaultTemplatesFile,
  type Simulator,
} from '../../src/simulator/index.js';
import { startTestGateway, type StoreKind, type TestGateway } from './gateway.js';
import { fixture, signedQuery } from './push-test-kit.js';
import { AUDIT } from './demo-templates.js';

export const PUSH_TOKEN = 'PushToken2024sandbox';
/** A 43-character EncodingAESKey (any 43 base64 characters decode to a 32-byte AES key). */
export const PUSH_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
/** The gateway's appid: in sandbox, and against the standalone simulator, the simulator's. */
export const APP_ID = DEMO_APP_ID;
const API_KEY = 'admin-key-for-push-tests-0001';

/** A fresh openid of the simulated app, so tests never share ledger entries or dedup keys. */
export function newOpenid(): string {
  return `o${randomBytes(20).toString('base64url').slice(0, 27)}`;
}

export type BodyFormat = 'xml' | 'json';
export type Mode = 'plaintext' | 'safe';

export interface RawPush {
  query: URLSearchParams;
  body: string;
  contentType: string;
}

export interface SealRawOptions {
  format: BodyFormat;
  mode: Mode;
  token?: string;
  aesKey?: string;
  /** The appid sealed into the ciphertext (safe mode). */
  appId?: string;
  timestamp?: string;
  nonce?: string;
}

export function nowSeconds(): string {
  return String(Math.floor(Date.now() / 1000));
}

export function newNonce(): string {
  return String(100_000_000 + Math.floor(Math.random() * 900_000_000));
}

/**
 * Seals a plaintext message (a recorded fixture) the way WeChat delivers it: the URL signature
 * always; in safe mode the `{ToUserName, Encrypt}` envelope, `encrypt_type=aes`, `msg_signature`.
 * Written independently of the simulator's PushSender, so each checks the other.
 */
export function sealRaw(plain: string, options: SealRawOptions): RawPush {
  const token = options.token ?? PUSH_TOKEN;
  const timestamp = options.timestamp ?? nowSeconds();
  const nonce = options.nonce ?? newNonce();
  const query = signedQuery(token, timestamp, nonce);
  const contentType = options.format === 'xml' ? 'text/xml' : 'application/json';
  if (options.mode === 'plaintext') return { query, body: plain, contentType };
  const crypto = new PushCrypto(token, options.aesKey ?? PUSH_AES_KEY, options.appId ?? APP_ID);
  const encrypt = crypto.encrypt(plain);
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', crypto.msgSignature(timestamp, nonce, encrypt));
  return { query, body: envelope(encrypt, options.format), contentType };
}

export function envelope(encrypt: string, format: BodyFormat): string {
  return format === 'xml'
    ? `<xml><ToUserName><![CDATA[gh_123456789abc]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`
    : JSON.stringify({ ToUserName: 'gh_123456789abc', Encrypt: encrypt });
}

export async function postPush(
  pushUrl: string,
  push: RawPush,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${pushUrl}?${push.query}`, {
    method: 'POST',
    headers: { 'content-type': push.contentType },
    body: push.body,
  });
  return { status: response.status, text: await response.text() };
}

/** Every occurrence of `from` replaced; fails loudly when the fixture no longer contains it. */
function replaceAll(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture does not contain ${from}`);
  return text.split(from).join(to);
}

export interface RecordedEdits {
  openid: string;
  /** Fixture template id → ours. */
  templates?: Record<string, string>;
  /** Fixture MsgID → ours. */
  msgIds?: Record<string, string>;
  /** Unix seconds; the fixture's CreateTime otherwise. */
  createTime?: number;
}

/**
 * A push recorded from WeChat's documented examples (test/fixtures/push), re-addressed to our user,
 * templates and messages. Only values change: the shape stays exactly as recorded.
 */
export function recorded(name: string, edits: RecordedEdits): string {
  let text = fixture(name);
  const fromUser = /(<FromUserName><!\[CDATA\[|"FromUserName":\s*")([^\]"]+)/;
  const original = fromUser.exec(text)?.[2];
  if (!original) throw new Error(`${name} has no FromUserName`);
  text = replaceAll(text, original, edits.openid);
  for (const [from, to] of Object.entries(edits.templates ?? {})) text = replaceAll(text, from, to);
  for (const [from, to] of Object.entries(edits.msgIds ?? {})) text = replaceAll(text, from, to);
  if (edits.createTime !== undefined) {
    text = text.replace(
      /(<CreateTime>|"CreateTime":\s*"?)(\d+)/,
      (_m, head: string) => `${head}${edits.createTime}`,
    );
  }
  return text;
}

export interface LedgerEntry {
  templateId: string;
  status: string;
  remaining: number | null;
  accepted: number;
  source: string;
}

export interface MessageView {
  id: string;
  status: string;
  msgid: string | null;
  deliveredAt: string | null;
  deliveryErrorCode: number | null;
  deliveryErrorStatus: string | null;
}

const MESSAGE_FIELDS = 'id status msgid deliveredAt deliveryErrorCode deliveryErrorStatus';

/** GraphQL views of the gateway's state. */
export class GatewayView {
  constructor(
    readonly t: TestGateway,
    private readonly key?: string,
  ) {}

  get pushUrl(): string {
    if (!this.t.gateway.pushUrl) throw new Error('push endpoint is off');
    return this.t.gateway.pushUrl;
  }

  async gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const { status, body } = await this.t.gql<T>(
      query,
      variables,
      this.key ? { key: this.key } : {},
    );
    if (status !== 200 || body.errors || !body.data) {
      throw new Error(`GraphQL failed (${status}): ${JSON.stringify(body.errors ?? body)}`);
    }
    return body.data;
  }

  async ledger(openid: string): Promise<LedgerEntry[]> {
    const data = await this.gql<{ subscriptions: { edges: { node: LedgerEntry }[] } }>(
      `query($o:String){ subscriptions(filter:{openid:$o}, first:100) {
        edges { node { templateId status remaining accepted source } } } }`,
      { o: openid },
    );
    return data.subscriptions.edges.map((e) => e.node);
  }

  async entry(openid: string, templateId: string): Promise<LedgerEntry | undefined> {
    return (await this.ledger(openid)).find((e) => e.templateId === templateId);
  }

  async message(id: string): Promise<MessageView | null> {
    const data = await this.gql<{ message: MessageView | null }>(
      `query($id:ID!){ message(id:$id) { ${MESSAGE_FIELDS} } }`,
      { id },
    );
    return data.message;
  }

  async messages(openid: string): Promise<MessageView[]> {
    const data = await this.gql<{ messages: { edges: { node: MessageView }[] } }>(
      `query($o:String){ messages(filter:{openid:$o}, first:100) { edges { node { ${MESSAGE_FIELDS} } } } }`,
      { o: openid },
    );
    return data.messages.edges.map((e) => e.node);
  }

  async subscribe(openid: string, templateId: string, status = 'ACCEPT'): Promise<LedgerEntry[]> {
    const data = await this.gql<{ subscribe: LedgerEntry[] }>(
      `mutation($o:String!, $t:ID!, $s:SubscribeStatus!){
        subscribe(input:{openid:$o, results:[{templateId:$t, status:$s}]}) {
          templateId status remaining accepted source } }`,
      { o: openid, t: templateId, s: status },
    );
    return data.subscribe;
  }

  async sendAudit(openid: string): Promise<MessageView> {
    const data = await this.gql<{ sendAuditResult: MessageView }>(
      `mutation($o:String!){ sendAuditResult(input:{openid:$o, data:{phrase2:"审核通过", thing3:"资料齐全"}}) { ${MESSAGE_FIELDS} } }`,
      { o: openid },
    );
    return data.sendAuditResult;
  }

  close(): Promise<void> {
    return this.t.close();
  }
}

export async function simControl<T = unknown>(simUrl: string, path: string, body: unknown) {
  const response = await fetch(`${simUrl}/__sim/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`simulator ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * A gateway whose pushes come only from the test: live mode against a standalone simulator that
 * pushes nothing (like `npm run simulator`), so every event is the one the test sends.
 */
export class ManualPushWorld extends GatewayView {
  private constructor(
    t: TestGateway,
    readonly simulator: Simulator,
    readonly simUrl: string,
  ) {
    super(t, API_KEY);
  }

  static async start(options: {
    store: StoreKind;
    aes?: boolean;
    env?: Record<string, string>;
  }): Promise<ManualPushWorld> {
    const simulator = createSimulator({ sendLatencyMs: 1 });
    const simUrl = await simulator.listen(0, '127.0.0.1');
    try {
      const t = await startTestGateway({
        store: options.store,
        env: {
          WECHAT_APP_ID: DEMO_APP_ID,
          WECHAT_APP_SECRET: DEMO_APP_SECRET,
          WECHAT_API_BASE: simUrl,
          GATEWAY_API_KEYS: `admin:${API_KEY}`,
          TEMPLATES_FILE: defaultTemplatesFile(),
          WECHAT_PUSH_TOKEN: PUSH_TOKEN,
          // With a key these worlds take both modes (as WeChat's compatible mode sends), which
          // needs plaintext allowed explicitly.
          ...(options.aes
            ? { WECHAT_PUSH_AES_KEY: PUSH_AES_KEY, WECHAT_PUSH_REQUIRE_ENCRYPTION: 'false' }
            : {}),
          ...options.env,
        },
      });
      return new ManualPushWorld(t, simulator, simUrl);
    } catch (error) {
      await simulator.close();
      throw error;
    }
  }

  /** The user taps accept in the popup (on the simulated WeChat only: nothing is pushed). */
  tap(openid: string, templateIds: string[]): Promise<unknown> {
    return simControl(this.simUrl, 'subscribe', { openid, templateIds });
  }

  /** A sent message, with WeChat's 64-bit msgid. */
  async sentMessage(openid: string): Promise<MessageView & { msgid: string }> {
    await this.tap(openid, [AUDIT.id]);
    const message = await this.sendAudit(openid);
    if (message.status !== 'SENT' || !message.msgid) {
      throw new Error(`send failed: ${JSON.stringify(message)}`);
    }
    return message as MessageView & { msgid: string };
  }

  override async close(): Promise<void> {
    await super.close();
    await this.simulator.close();
  }
}
