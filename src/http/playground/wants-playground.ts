/**
 * Content negotiation for `GET /graphql`: a browser navigating to the endpoint gets the IDE, while
 * API clients (curl's `* / *`, fetch's default, GraphQL clients asking for JSON) keep getting JSON.
 * Only a strict preference for HTML counts; a tie goes to JSON so no API client is surprised.
 */
const JSON_TYPES = ['application/json', 'application/graphql-response+json'] as const;

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(',')) {
    const [mediaType = '', ...params] = part.split(';');
    const [type, subtype] = mediaType.trim().toLowerCase().split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim());
      if (name?.toLowerCase() !== 'q' || value === undefined) continue;
      const parsed = Number(value);
      // A malformed weight makes the range unusable rather than silently top priority.
      q = /^\d+(\.\d+)?$/.test(value) && parsed >= 0 && parsed <= 1 ? parsed : 0;
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** The weight the Accept header gives one concrete type: the most specific matching range wins. */
function weightOf(ranges: readonly MediaRange[], mediaType: string): number {
  const [type, subtype] = mediaType.split('/');
  let best = -1;
  let weight = 0;
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype
        ? 2
        : range.type === type && range.subtype === '*'
          ? 1
          : range.type === '*' && range.subtype === '*'
            ? 0
            : -1;
    if (specificity > best) {
      best = specificity;
      weight = range.q;
    }
  }
  return weight;
}

export function wantsPlayground(method: string, accept: string | undefined): boolean {
  if (method.toUpperCase() !== 'GET' || !accept) return false;
  const ranges = parseAccept(accept);
  const html = weightOf(ranges, 'text/html');
  const json = Math.max(...JSON_TYPES.map((t) => weightOf(ranges, t)));
  return html > 0 && html > json;
}
