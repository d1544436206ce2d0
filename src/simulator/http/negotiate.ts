/** The q value a client gives a media type in its Accept header (0 when it is not listed). */
function qualityOf(accept: string, mediaType: string): number {
  let best = 0;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (type !== mediaType) continue;
    const q = params.find((param) => param.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    if (Number.isFinite(value)) best = Math.max(best, value);
  }
  return best;
}

/**
 * Pages people open in a browser answer HTML by default; a client that names application/json
 * (at least as high as text/html) gets JSON.
 */
export function prefersJson(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const json = qualityOf(accept, 'application/json');
  return json > 0 && json >= qualityOf(accept, 'text/html');
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** An HTML response; scripts and every outside resource are forbidden, inline styles allowed. */
export function htmlResponse(html: string, status = 200) {
  return {
    status,
    body: html,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
    },
  };
}
