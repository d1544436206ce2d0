/** A keyword as written in a template's content, before its rule is attached. */
export interface ContentField {
  key: string;
  kind: string;
  label: string | null;
}

export interface ParsedContent {
  fields: ContentField[];
  problems: string[];
}

const ANY_PLACEHOLDER = /\{\{(.*?)\}\}/g;
const PLACEHOLDER_BODY = /^([A-Za-z_][A-Za-z0-9_]*)\.DATA$/;
const LABEL_TRAILER = /[\s:：]+$/u;

/**
 * The keyword kind of a key: the key minus its trailing digits (`short_thing6` → `short_thing`).
 * Never a prefix match: `short_thing` is not `thing` and `phone_number` is not `number`.
 */
export function kindOf(key: string): string {
  return key.replace(/\d+$/, '');
}

/** The text between the start of the line (or the previous placeholder on it) and `index`. */
function labelBefore(content: string, index: number, previousEnd: number): string | null {
  const lineStart = content.lastIndexOf('\n', index - 1) + 1;
  const label = content
    .slice(Math.max(lineStart, previousEnd), index)
    .replace(LABEL_TRAILER, '')
    .trim();
  return label === '' ? null : label;
}

/** Reads the `{{key.DATA}}` placeholders of a template's content, in order. */
export function parseContentFields(content: string): ParsedContent {
  const fields: ContentField[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  let previousEnd = 0;
  for (const match of content.matchAll(ANY_PLACEHOLDER)) {
    const body = PLACEHOLDER_BODY.exec(match[1]!);
    const end = match.index + match[0].length;
    if (!body) {
      problems.push(
        `content has a malformed placeholder ${JSON.stringify(match[0])} (expected {{<kind><digits>.DATA}}, e.g. {{thing3.DATA}})`,
      );
      previousEnd = end;
      continue;
    }
    const key = body[1]!;
    if (seen.has(key)) {
      problems.push(`content uses the placeholder {{${key}.DATA}} more than once`);
    } else {
      seen.add(key);
      fields.push({
        key,
        kind: kindOf(key),
        label: labelBefore(content, match.index, previousEnd),
      });
    }
    previousEnd = end;
  }
  if (fields.length === 0 && problems.length === 0) {
    problems.push('content has no {{key.DATA}} placeholders');
  }
  return { fields, problems };
}
