import type { Template } from './types.js';
import { TemplateRegistry } from './registry.js';
import { parseTemplate } from './parse-template.js';

export interface RemoteTemplateSource {
  getTemplates(): Promise<unknown[]>;
}

/**
 * The live template registry of one app. A sync swaps in a merged registry atomically, so a send
 * in flight keeps the registry it started with.
 */
export class TemplateCatalog {
  constructor(private current: TemplateRegistry) {}

  get registry(): TemplateRegistry {
    return this.current;
  }

  /**
   * Reads WeChat's private templates and merges them over the local file's. `accept` sees the
   * merged registry before it is swapped in: when it throws, the catalogue stays as it was.
   */
  async sync(
    source: RemoteTemplateSource,
    accept: (candidate: TemplateRegistry) => Promise<void> = async () => undefined,
  ): Promise<readonly Template[]> {
    const remote = await source.getTemplates();
    const parsed = remote.map((item, index) => parseTemplate(item, `gettemplate data[${index}]`));
    const candidate = this.current.mergeRemote(parsed);
    await accept(candidate);
    this.current = candidate;
    return this.current.list();
  }
}
