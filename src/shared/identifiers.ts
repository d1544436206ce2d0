import { BadUserInputError } from './errors.js';
import { quoteInput } from './quote-input.js';

// Shared by every store port and by the services that take these values from API input.

const APP_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Printable ASCII without spaces: covers WeChat openids and template ids, excludes separators. */
const IDENTIFIER = /^[\x21-\x7e]{1,128}$/;

/** App ids become part of every storage key, so they must not contain `:` or odd characters. */
export function assertAppId(appId: string): void {
  if (typeof appId !== 'string' || !APP_ID.test(appId)) {
    throw new BadUserInputError(
      `appId must be 1-64 characters of A-Z, a-z, 0-9, _ or -, got ${quoteInput(appId)}`,
      'appId',
    );
  }
}

/** openid, templateId and similar: 1-128 printable ASCII characters, no whitespace. */
export function assertIdentifier(field: string, value: string): void {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw new BadUserInputError(
      `${field} must be 1-128 printable ASCII characters without spaces, got ${quoteInput(value)}`,
      field,
    );
  }
}

/**
 * True for text a person would read as empty: only whitespace (any Unicode space, the BOM
 * included) and invisible characters such as zero-width spaces and joiners.
 */
export function looksBlank(text: string): boolean {
  return /^[\s\p{Default_Ignorable_Code_Point}]*$/u.test(text);
}
