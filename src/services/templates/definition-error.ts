/**
 * A template definition (local file or gettemplate reply) is unusable. Carries every problem found,
 * so whoever fixes the file sees all of them at once instead of one per restart.
 */
export class TemplateDefinitionError extends Error {
  readonly problems: string[];

  constructor(problems: readonly string[], summary = 'Invalid template definitions') {
    super(
      `${summary} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'TemplateDefinitionError';
    this.problems = [...problems];
  }
}
