import { BadUserInputError } from '../../shared/errors.js';

/**
 * Template data arrives as `{ key: "value" }` or WeChat's own `{ key: { value: "value" } }`;
 * both become a flat string map. Anything else is named by its key.
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
      throw new BadUserInputError(`data.${key} must be a string (or { "value": string })`, key);
    }
    flat[key] = value;
  }
  return flat;
}
