import type { SimTemplate } from '../templates/sim-template.js';
import type { Clock } from '../common/clock.js';
import { Counters } from '../wechat/counters.js';
import { ErrorInjections } from '../wechat/error-injections.js';
import { HangUps } from '../wechat/hang-ups.js';
import { Inbox } from '../messages/inbox.js';
import { MsgIdGenerator } from '../messages/msgid.js';
import { SendQuota, type SendQuotaLimits } from '../messages/send-quota.js';
import { SubscriptionLedger } from '../messages/subscription-ledger.js';
import { PrivateLibrary } from '../templates/private-library.js';
import { PublicLibrary } from '../templates/public-library.js';
import { TokenAuthority } from '../tokens/token-authority.js';
import { LoginCodes } from '../users/login-codes.js';

/** Everything the simulated WeChat remembers; exposed on the Simulator so tests can look inside. */
export class SimulatorState {
  readonly tokens: TokenAuthority;
  readonly ledger = new SubscriptionLedger();
  /** Openids with a send in flight (43108). */
  readonly inFlight = new Set<string>();
  readonly inbox = new Inbox();
  readonly library = new PrivateLibrary();
  readonly loginCodes: LoginCodes;
  readonly injections = new ErrorInjections();
  readonly hangUps = new HangUps();
  readonly counters = new Counters();
  /** The app's subscribe/send minute and daily quotas (45011, 45009). */
  readonly sendQuota: SendQuota;
  /** Survives reset, so msgids stay unique for the simulator's whole life. */
  readonly msgIds = new MsgIdGenerator();
  private publicLib = new PublicLibrary([]);

  constructor(now: Clock, appId: string, tokenLifetimeSeconds: number, sendQuota: SendQuotaLimits) {
    this.tokens = new TokenAuthority(now, tokenLifetimeSeconds);
    this.sendQuota = new SendQuota(now, sendQuota);
    this.loginCodes = new LoginCodes(now, appId);
  }

  get publicLibrary(): PublicLibrary {
    return this.publicLib;
  }

  /** The starting private library; the public library is derived from it. */
  setTemplates(templates: readonly SimTemplate[]): void {
    this.library.setInitial(templates);
    this.publicLib = new PublicLibrary(templates);
  }

  /** Sends already in flight finish normally; everything else starts over. */
  reset(): void {
    this.tokens.reset();
    this.ledger.reset();
    this.inbox.reset();
    this.library.reset();
    this.loginCodes.reset();
    this.injections.reset();
    this.hangUps.reset();
    this.counters.reset();
    this.sendQuota.reset();
  }
}
