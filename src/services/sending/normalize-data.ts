import { BadUserInputError } from '../../shared/errors.js';
import { clipInput } from '../../shared/quote-input.js';

/**
 * Template data arrives as `{ key: "value" }` or WeChat's own `{ key: { value: "value" } }`;
 * both become a flat string map. Anything else is named by its key. Every key is kept as an own
 * property, `__proto__` included (a plain assignment would drop it, or set the prototype), so
 * the template check names each key the template lacks instead of the send going through.
 */
export function normalizeTemplateData(data: unknown): Record<string, string> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new BadUserInputError('data must be an object of keyword: value strings', 'data');
  }
  const flat: Record<string, string> = {};
  for (const [key, raw] of Object.entries(data as Record<string, unknown>)) {
    const value =
      raw !== null &&
      typeof raw === 'object' &&
      !Array.isArray(raw) &&
      Object.keys(raw).length === 1
        ? (raw as { value?: unknown }).value
        : raw;
    if (typeof value !== 'string') {
      throw new BadUserInputError(
        `data.${clipInput(key)} must be a string (or { "value": string })`,
        clipInput(key),
      );
    }
    Object.defineProperty(flat, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return flat;
}
