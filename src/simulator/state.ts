import type { SimTemplate } from './templates/sim-template.js';
import type { Clock } from './clock.js';
import { Counters } from './control/counters.js';
import { ErrorInjections } from './control/error-injections.js';
import { Inbox } from './messages/inbox.js';
import { MsgIdGenerator } from './messages/msgid.js';
import { SubscriptionLedger } from './messages/subscription-ledger.js';
import { PrivateLibrary } from './templates/private-library.js';
import { PublicLibrary } from './templates/public-library.js';
import { TokenAuthority } from './tokens/token-authority.js';
import { LoginCodes } from './users/login-codes.js';

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
  readonly counters = new Counters();
  /** Survives reset, so msgids stay unique for the simulator's whole life. */
  readonly msgIds = new MsgIdGenerator();
  private publicLib = new PublicLibrary([]);

  constructor(now: Clock, appId: string, tokenLifetimeSeconds: number) {
    this.tokens = new TokenAuthority(now, tokenLifetimeSeconds);
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
    this.counters.reset();
  }
}
