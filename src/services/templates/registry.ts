import { TemplateNotFoundError } from '../../shared/errors.js';
import { TemplateDefinitionError } from './definition-error.js';
import { toTemplateField } from './field-rule.js';
import type { Template } from './types.js';
import { uniquenessProblems } from './uniqueness.js';

/**
 * Remote (gettemplate) is the truth for what WeChat will check; the local entry only contributes
 * the name API users know it by, and enum values when WeChat listed none for a keyword.
 */
function mergeOne(local: Template, remote: Template): Template {
  const localEnums = new Map(local.fields.map((field) => [field.key, field.enumValues]));
  const fields = remote.fields.map((field) => {
    const fallback = localEnums.get(field.key);
    return field.enumValues === undefined && fallback !== undefined
      ? toTemplateField(field, fallback)
      : field;
  });
  return Object.freeze({ ...remote, name: local.name, fields: Object.freeze(fields) });
}

/** The templates the gateway can send, looked up by WeChat id or by GraphQL name. */
export class TemplateRegistry {
  private readonly templates: readonly Template[];
  private readonly byId = new Map<string, Template>();
  private readonly byName = new Map<string, Template>();

  constructor(templates: readonly Template[]) {
    const problems = uniquenessProblems(
      templates,
      (index) => `template ${templates[index]!.name} (id ${templates[index]!.id})`,
    );
    if (problems.length > 0) throw new TemplateDefinitionError(problems, 'Conflicting templates');
    this.templates = Object.freeze([...templates]);
    for (const template of templates) {
      this.byId.set(template.id, template);
      this.byName.set(template.name, template);
    }
  }

  list(): readonly Template[] {
    return this.templates;
  }

  find(idOrName: string): Template | undefined {
    return this.byId.get(idOrName) ?? this.byName.get(idOrName);
  }

  /**
   * The WeChat id a filter should match: a known name becomes its template's id; anything else is
   * kept, since an unknown name matches nothing but an id of a since-deleted template still does.
   */
  filterId(idOrName: string): string {
    return this.find(idOrName)?.id ?? idOrName;
  }

  require(idOrName: string): Template {
    const template = this.find(idOrName);
    if (!template) throw new TemplateNotFoundError([idOrName]);
    return template;
  }

  /**
   * A new registry: templates WeChat returned replace local ones with the same id (keeping the
   * local name), remote-only templates are added after the local ones, local-only ones are kept.
   */
  mergeRemote(remote: readonly Template[]): TemplateRegistry {
    const remoteById = new Map(remote.map((template) => [template.id, template]));
    const merged = this.templates.map((local) => {
      const fresh = remoteById.get(local.id);
      return fresh ? mergeOne(local, fresh) : local;
    });
    const added = remote.filter((template) => !this.byId.has(template.id));
    return new TemplateRegistry([...merged, ...added]);
  }
}
