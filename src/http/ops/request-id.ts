import { randomUUID } from 'node:crypto';

/** Ids a proxy or client may hand us: UUIDs, ULIDs, trace ids, base64; nothing that could forge a log line. */
const ACCEPTED = /^[A-Za-z0-9._:+/=-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane token, a fresh UUID otherwise. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && ACCEPTED.test(value) ? value : randomUUID();
}
