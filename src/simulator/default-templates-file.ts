import { projectFile } from '../shared/project-file.js';

/** The project's `templates/demo.json`: the sandbox's private template library. */
export function defaultTemplatesFile(): string {
  return projectFile('templates', 'demo.json');
}
