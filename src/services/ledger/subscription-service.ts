import { BadUserInputError, TemplateNotFoundError } from '../../shared/errors.js';
import { assertIdentifier } from '../../shared/identifiers.js';
import type {
  LedgerSource,
  LedgerStore,
  SubscribeStatus,
  SubscriptionFilter,
  SubscriptionRecord,
} from './ledger-store.js';
import type { Page, PageRequest } from '../../shared/page.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';
import type { Template } from '../templates/types.js';
import { systemClock, type Clock } from '../../shared/clock.js';

export interface SubscribeResult {
  /** WeChat id or template name. */
  templateId: string;
  status: SubscribeStatus;
}

const MAX_RESULTS = 20;

/**
 * Replays a user's tap where the sandbox needs it: in production the tap reaches WeChat on the
 * phone before the mini-program reports it; the sandbox has no phone.
 */
export interface TapMirror {
  tap(openid: string, results: readonly SubscribeResult[]): Promise<void>;
}

export interface SubscriptionServiceDeps {
  appId: string;
  catalog: TemplateCatalog;
  ledger: LedgerStore;
  /** Where the ledger's credits come from; with `events`, a client report grants nothing. */
  ledgerSource: LedgerSource;
  /** Sandbox: replay the tap on the simulator first, as the user's phone would have. */
  mirror?: TapMirror;
  now?: Clock;
}

/** Records what the subscribe popup returned, and answers who can still receive what. */
export class SubscriptionService {
  constructor(private readonly deps: SubscriptionServiceDeps) {}

  private now(): Date {
    return new Date((this.deps.now ?? systemClock)());
  }

  /**
   * Validates the whole batch before touching the ledger, so a bad entry changes nothing.
   * Records are applied in input order; a template listed twice counts twice, as two taps do.
   */
  async subscribe(
    openid: string,
    results: readonly SubscribeResult[],
  ): Promise<SubscriptionRecord[]> {
    assertIdentifier('openid', openid);
    if (results.length === 0)
      throw new BadUserInputError('results must list at least one template', 'results');
    if (results.length > MAX_RESULTS) {
      throw new BadUserInputError(
        `results may list at most ${MAX_RESULTS} templates, got ${results.length}`,
        'results',
      );
    }
    const registry = this.deps.catalog.registry;
    const unknown = results.map((r) => r.templateId).filter((id) => !registry.find(id));
    if (unknown.length > 0) throw new TemplateNotFoundError([...new Set(unknown)]);
    await this.deps.mirror?.tap(openid, results);
    // With events as the source of truth the push carries the credit; counting this report too
    // would count one tap twice. FILTER records that the report arrived and grants nothing.
    const reportOnly = this.deps.ledgerSource === 'events';
    const at = this.now();
    const records: SubscriptionRecord[] = [];
    for (const result of results) {
      const template = registry.require(result.templateId);
      records.push(
        await this.deps.ledger.record(
          { appId: this.deps.appId, openid, templateId: template.id },
          {
            status: reportOnly ? 'FILTER' : result.status,
            longTerm: template.type === 'LONG_TERM',
            source: 'client',
            at,
          },
        ),
      );
    }
    return records;
  }

  async revoke(
    openid: string,
    templateId: string,
    source: LedgerSource,
  ): Promise<SubscriptionRecord | null> {
    const template = this.deps.catalog.registry.require(templateId);
    return this.deps.ledger.revoke(
      { appId: this.deps.appId, openid, templateId: template.id },
      { source, at: this.now() },
    );
  }

  list(filter: SubscriptionFilter, page: PageRequest): Promise<Page<SubscriptionRecord>> {
    const { templateId } = filter;
    const resolved =
      templateId === undefined
        ? filter
        : { ...filter, templateId: this.deps.catalog.registry.filterId(templateId) };
    return this.deps.ledger.list(this.deps.appId, resolved, page);
  }

  /** The record's template as the gateway knows it now; null once it left the catalogue. */
  templateOf(record: SubscriptionRecord): Template | null {
    return this.deps.catalog.registry.find(record.templateId) ?? null;
  }
}
