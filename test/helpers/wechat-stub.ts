import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scriptable loopback WeChat for token and send tests (the faithful simulator lives in
 * src/simulator). Counts every call; errcodes can be queued per endpoint.
 */
export interface StubCounts {
  classic: number;
  stable: number;
  forced: number;
  sends: number;
  sendOk: number;
}

export interface StubApp {
  appId: string;
  appSecret: string;
}

export interface WeChatStub {
  url: string;
  /** The first app's credentials (the only app's, unless `apps` was given). */
  appId: string;
  appSecret: string;
  /** Every app served: each has its own secret, tokens and counts. */
  apps: readonly StubApp[];
  counts: StubCounts;
  /** The same counts, per app id. */
  countsByApp: Record<string, StubCounts>;
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

const zeroCounts = (): StubCounts => ({ classic: 0, stable: 0, forced: 0, sends: 0, sendOk: 0 });

export async function startWeChatStub(
  init: Partial<
    Pick<WeChatStub, 'expiresIn' | 'msgid' | 'tokenDelayMs' | 'sendDelayMs' | 'apps'>
  > = {},
): Promise<WeChatStub> {
  let serial = 0;
  const apps = init.apps ?? [
    { appId: 'wxstub0000000001', appSecret: 'stub-secret-0123456789abcdef' },
  ];
  const stableTokens = new Map<string, string>();
  /** Each valid token, and the app it was issued to. */
  const valid = new Map<string, string>();
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

  const issue = (appId: string) => {
    const token = `stub-token-${++serial}-${'x'.repeat(100)}`;
    valid.set(token, appId);
    return token;
  };
  /** The app a token request names; with one app, the app id is not checked (as before). */
  const appOf = (appId: string | null): StubApp | undefined =>
    apps.find((app) => app.appId === appId) ?? (apps.length === 1 ? apps[0] : undefined);

  const stub: WeChatStub = {
    url: '',
    appId: apps[0]!.appId,
    appSecret: apps[0]!.appSecret,
    apps,
    counts: zeroCounts(),
    countsByApp: Object.fromEntries(apps.map((app) => [app.appId, zeroCounts()])),
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
  const count = (appId: string | undefined, counter: keyof StubCounts) => {
    stub.counts[counter]++;
    if (appId !== undefined && stub.countsByApp[appId]) stub.countsByApp[appId]![counter]++;
  };

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    const body = await readBody(req);
    if (url.pathname === '/cgi-bin/token') {
      const app = appOf(url.searchParams.get('appid'));
      count(app?.appId, 'classic');
      if (stub.tokenDelayMs) await new Promise((r) => setTimeout(r, stub.tokenDelayMs));
      const code = tokenError();
      if (code !== null) return error(res, code);
      if (!app) return error(res, 40013);
      if (url.searchParams.get('secret') !== app.appSecret) return error(res, 40125);
      return reply(
        res,
        JSON.stringify({ access_token: issue(app.appId), expires_in: stub.expiresIn }),
      );
    }
    if (url.pathname === '/cgi-bin/stable_token') {
      const request = JSON.parse(body) as {
        appid?: string;
        secret: string;
        force_refresh?: boolean;
      };
      const app = appOf(request.appid ?? null);
      count(app?.appId, 'stable');
      if (stub.tokenDelayMs) await new Promise((r) => setTimeout(r, stub.tokenDelayMs));
      const code = tokenError();
      if (code !== null) return error(res, code);
      if (!app) return error(res, 40013);
      if (request.secret !== app.appSecret) return error(res, 40125);
      let stableToken = stableTokens.get(app.appId);
      if (request.force_refresh) {
        count(app.appId, 'forced');
        if (stableToken) valid.delete(stableToken);
        stableToken = issue(app.appId);
      } else if (!stableToken || (!valid.has(stableToken) && !stub.stableSticky)) {
        stableToken = issue(app.appId);
      }
      stableTokens.set(app.appId, stableToken);
      return reply(res, JSON.stringify({ access_token: stableToken, expires_in: stub.expiresIn }));
    }
    if (url.pathname === '/cgi-bin/message/subscribe/send') {
      const token = url.searchParams.get('access_token') ?? '';
      const tokenApp = valid.get(token);
      count(tokenApp, 'sends');
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
      if (tokenApp === undefined) return error(res, 40001);
      const code = stub.sendErrors.shift() ?? stub.sendErrorAlways;
      // A scripted token error means what WeChat means by it: this token is dead now.
      if (code === 40001 || code === 40014 || code === 42001) valid.delete(token);
      if (code !== null) return error(res, code);
      count(tokenApp, 'sendOk');
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
