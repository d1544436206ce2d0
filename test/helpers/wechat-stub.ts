import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scriptable loopback WeChat for token and send tests (the faithful simulator lives in
 * src/simulator). Counts every call; errcodes can be queued per endpoint.
 */
export interface WeChatStub {
  url: string;
  appId: string;
  appSecret: string;
  counts: { classic: number; stable: number; forced: number; sends: number; sendOk: number };
  /** errcodes answered by the next token calls (either mode), in order. */
  tokenErrors: number[];
  /** errcode answered by every token call while set. */
  tokenErrorAlways: number | null;
  sendErrors: number[];
  sendErrorAlways: number | null;
  /** The next this-many sends are read, then their connection is cut without an answer. */
  sendHangUps: number;
  expiresIn: number;
  msgid: string;
  /** Latency of each token reply, to widen races. */
  tokenDelayMs: number;
  /**
   * Latency of each send reply: keeps sends in flight (counted in `counts.sends` on arrival);
   * Infinity: never answered.
   */
  sendDelayMs: number;
  /** When true, stable_token keeps returning the current token even after it was revoked. */
  stableSticky: boolean;
  lastSendBody: unknown;
  /** Every send request received, in order (answered or not). */
  sendLog: { touser: string; templateId: string }[];
  revoke(token: string): void;
  close(): Promise<void>;
}

const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40013: 'invalid appid',
  40125: 'invalid appsecret',
  40164: 'invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist',
  42001: 'access_token expired',
  43101: 'user refuse to accept the msg',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
};

export async function startWeChatStub(
  init: Partial<Pick<WeChatStub, 'expiresIn' | 'msgid' | 'tokenDelayMs' | 'sendDelayMs'>> = {},
): Promise<WeChatStub> {
  let serial = 0;
  let stableToken: string | null = null;
  const valid = new Set<string>();
  const sockets = new Set<import('node:net').Socket>();

  const reply = (res: ServerResponse, body: string) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  };
  const error = (res: ServerResponse, errcode: number) =>
    reply(
      res,
      JSON.stringify({
        errcode,
        errmsg: `${ERRMSG[errcode] ?? 'error'} rid: 6543abcd-1234abcd-5678abcd`,
      }),
    );

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (chunk) => (data += chunk));
      req.on('end', () => resolve(data));
    });

  const issue = () => {
    const token = `stub-token-${++serial}-${'x'.repeat(100)}`;
    valid.add(token);
    return token;
  };

  const stub: WeChatStub = {
    url: '',
    appId: 'wxstub0000000001',
    appSecret: 'stub-secret-0123456789abcdef',
    counts: { classic: 0, stable: 0, forced: 0, sends: 0, sendOk: 0 },
    tokenErrors: [],
    tokenErrorAlways: null,
    sendErrors: [],
    sendErrorAlways: null,
    sendHangUps: 0,
    expiresIn: init.expiresIn ?? 7200,
    msgid: init.msgid ?? '2097683633284153344',
    tokenDelayMs: init.tokenDelayMs ?? 0,
    sendDelayMs: init.sendDelayMs ?? 0,
    stableSticky: false,
    lastSendBody: undefined,
    sendLog: [],
    revoke: (token) => void valid.delete(token),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const tokenError = () => stub.tokenErrors.shift() ?? stub.tokenErrorAlways;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const body = await readBody(req);
    if (url.pathname === '/cgi-bin/token') {
      stub.counts.classic++;
      if (stub.tokenDelayMs) await new Promise((r) => setTimeout(r, stub.tokenDelayMs));
      const code = tokenError();
      if (code !== null) return error(res, code);
      if (url.searchParams.get('secret') !== stub.appSecret) return error(res, 40125);
      return reply(res, JSON.stringify({ access_token: issue(), expires_in: stub.expiresIn }));
    }
    if (url.pathname === '/cgi-bin/stable_token') {
      stub.counts.stable++;
      const request = JSON.parse(body) as { secret: string; force_refresh?: boolean };
      if (stub.tokenDelayMs) await new Promise((r) => setTimeout(r, stub.tokenDelayMs));
      const code = tokenError();
      if (code !== null) return error(res, code);
      if (request.secret !== stub.appSecret) return error(res, 40125);
      if (request.force_refresh) {
        stub.counts.forced++;
        if (stableToken) valid.delete(stableToken);
        stableToken = issue();
      } else if (!stableToken || (!valid.has(stableToken) && !stub.stableSticky)) {
        stableToken = issue();
      }
      return reply(res, JSON.stringify({ access_token: stableToken, expires_in: stub.expiresIn }));
    }
    if (url.pathname === '/cgi-bin/message/subscribe/send') {
      stub.counts.sends++;
      stub.lastSendBody = JSON.parse(body);
      const sent = stub.lastSendBody as { touser: string; template_id: string };
      stub.sendLog.push({ touser: sent.touser, templateId: sent.template_id });
      if (stub.sendHangUps > 0) {
        stub.sendHangUps--;
        req.socket.destroy();
        return;
      }
      if (stub.sendDelayMs === Infinity) return; // never answered: the socket stays open
      if (stub.sendDelayMs > 0) await new Promise((r) => setTimeout(r, stub.sendDelayMs));
      const token = url.searchParams.get('access_token') ?? '';
      if (!valid.has(token)) return error(res, 40001);
      const code = stub.sendErrors.shift() ?? stub.sendErrorAlways;
      // A scripted token error means what WeChat means by it: this token is dead now.
      if (code === 40001 || code === 40014 || code === 42001) valid.delete(token);
      if (code !== null) return error(res, code);
      stub.counts.sendOk++;
      // A bare 64-bit number, as WeChat sends it.
      return reply(res, `{"errcode":0,"errmsg":"ok","msgid":${stub.msgid}}`);
    }
    res.writeHead(404).end();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}
