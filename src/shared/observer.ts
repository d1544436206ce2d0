/**
 * The metrics port. Services report what happened through it and never import a metrics library;
 * an infra adapter (src/infra/metrics) turns the reports into Prometheus series. Every method is
 * fire-and-forget and must not throw. Values that end up as labels come from closed sets (paths
 * the client builds, template names of the registry, reasons of a union type) so series stay
 * bounded whatever a caller sends.
 */
export interface SendObservation {
  appId: string;
  /** The template's registry name. */
  template: string;
  /** The message's final status (SENT, FAILED, …). */
  status: string;
  /** WeChat's refusal code; null when WeChat accepted or never answered. */
  errcode: number | null;
  durationMs: number;
}

export interface WeChatCallObservation {
  /** The API path, e.g. /cgi-bin/message/subscribe/send. */
  endpoint: string;
  /** ok, refused (an errcode), transport (no usable answer). */
  outcome: 'ok' | 'refused' | 'transport';
  durationMs: number;
}

export interface TokenFetchObservation {
  appId: string;
  /** ok; refused: the endpoint answered an errcode; unavailable: no answer or stayed busy. */
  outcome: 'ok' | 'refused' | 'unavailable';
  errcode: number | null;
}

export interface PushObservation {
  /** popup, change, sent, other, verification, or unknown when the request was refused unread. */
  event: string;
  /** applied, duplicate, ignored, failed, verified, or the refusal's reason code. */
  outcome: string;
}

export interface HttpObservation {
  route: string;
  status: number;
  durationMs: number;
}

export interface GraphQLObservation {
  operation: string;
  /** ok, error (executed with errors), rejected (never executed: parse, validation, limits). */
  outcome: 'ok' | 'error' | 'rejected';
}

export interface PruneObservation {
  /** Messages deleted by one retention run of this process. */
  count: number;
}

export interface Observer {
  send(observation: SendObservation): void;
  wechatCall(observation: WeChatCallObservation): void;
  tokenFetch(observation: TokenFetchObservation): void;
  push(observation: PushObservation): void;
  http(observation: HttpObservation): void;
  graphql(observation: GraphQLObservation): void;
  messagesPruned(observation: PruneObservation): void;
}

const noop = () => undefined;

export const noopObserver: Observer = {
  send: noop,
  wechatCall: noop,
  tokenFetch: noop,
  push: noop,
  http: noop,
  graphql: noop,
  messagesPruned: noop,
};
