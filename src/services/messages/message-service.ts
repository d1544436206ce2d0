import type { Page, PageRequest } from '../../shared/page.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';
import type { Template } from '../templates/types.js';
import type { MessageFilter, MessageRecord, MessageStore } from './message-store.js';

export interface MessageServiceDeps {
  appId: string;
  catalog: TemplateCatalog;
  store: MessageStore;
}

/** Reads the message log of one app; callers may name templates by id or by name. */
export class MessageService {
  constructor(private readonly deps: MessageServiceDeps) {}

  list(filter: MessageFilter, page: PageRequest): Promise<Page<MessageRecord>> {
    const { templateId } = filter;
    const resolved =
      templateId === undefined
        ? filter
        : { ...filter, templateId: this.deps.catalog.registry.filterId(templateId) };
    return this.deps.store.list(this.deps.appId, resolved, page);
  }

  get(id: string): Promise<MessageRecord | null> {
    return this.deps.store.get(this.deps.appId, id);
  }

  /** The message's template as the gateway knows it now; null once it left the catalogue. */
  templateOf(message: MessageRecord): Template | null {
    return this.deps.catalog.registry.find(message.templateId) ?? null;
  }
}
