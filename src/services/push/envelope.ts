import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse as parseLosslessJson } from 'lossless-json';
import { PushError, clip } from './push-error.js';

/**
 * A parsed push document: the children of the XML root, or the top-level JSON object. Every XML
 * leaf is a string; every JSON number is kept as its literal text (a string), so a 64-bit
 * `MsgID` survives exactly. Nested elements are objects, repeated elements arrays.
 */
export type PushDocument = Record<string, unknown>;
export type PushFormat = 'xml' | 'json';

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  // Keep every value a string: CreateTime, PopupScene, MsgID are normalised later, one by one.
  parseTagValue: false,
  trimValues: true,
  // Only the five predefined XML entities; a DOCTYPE is rejected before parsing.
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/**
 * Picks the format from the Content-Type when it names XML or JSON; otherwise (absent,
 * text/plain, octet-stream…) sniffs the first non-blank character: `{` is JSON, `<` is XML.
 */
export function detectFormat(body: string, contentType: string | undefined): PushFormat {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'text/xml' || mediaType === 'application/xml' || mediaType.endsWith('+xml')) {
    return 'xml';
  }
  if (
    mediaType === 'application/json' ||
    mediaType === 'text/json' ||
    mediaType.endsWith('+json')
  ) {
    return 'json';
  }
  const first = stripBom(body).trimStart()[0];
  if (first === '{') return 'json';
  if (first === '<') return 'xml';
  throw new PushError(
    'malformed_body',
    first === undefined
      ? 'body is empty'
      : 'body is neither JSON (starting with "{") nor XML (starting with "<")',
  );
}

/** Parses a push body (the outer envelope, or the decrypted inner message) into a document. */
export function parseEnvelope(body: string, contentType: string | undefined): PushDocument {
  return detectFormat(body, contentType) === 'xml'
    ? parseXmlDocument(body)
    : parseJsonDocument(body);
}

export function parseXmlDocument(body: string): PushDocument {
  const text = stripBom(body).trim();
  // WeChat never sends a DTD; refusing it removes entity-expansion tricks altogether.
  if (/<!(DOCTYPE|ENTITY)/i.test(text)) {
    throw new PushError(
      'malformed_xml',
      'XML body must not contain a DOCTYPE or ENTITY declaration',
    );
  }
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { code, line, col } = validation.err;
    throw new PushError(
      'malformed_xml',
      `XML is not well-formed (${code} at line ${line}, column ${col})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = xmlParser.parse(text);
  } catch (err) {
    throw new PushError('malformed_xml', `XML could not be parsed: ${clip(messageOf(err))}`);
  }
  const roots = isRecord(parsed) ? Object.keys(parsed) : [];
  if (roots.length !== 1) {
    throw new PushError(
      'malformed_xml',
      `XML must have exactly one root element, found ${roots.length}`,
    );
  }
  const root = (parsed as PushDocument)[roots[0]!];
  if (!isRecord(root)) {
    throw new PushError(
      'malformed_xml',
      `XML root element <${clip(roots[0]!, 40)}> has no child elements`,
    );
  }
  return root;
}

export function parseJsonDocument(body: string): PushDocument {
  let parsed: unknown;
  try {
    // Numbers stay as their literal text: JSON.parse would round a 64-bit MsgID.
    parsed = parseLosslessJson(stripBom(body), null, (literal) => literal);
  } catch (err) {
    throw new PushError('malformed_json', `JSON is not valid: ${clip(messageOf(err))}`);
  }
  if (!isRecord(parsed)) {
    throw new PushError(
      'malformed_json',
      `JSON body must be an object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`,
    );
  }
  return parsed;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
