const DIGITS = /^\d{1,15}$/;

/** A non-negative integer written in decimal digits only, or null. */
export function parseCount(text: string | null | undefined): number | null {
  return typeof text === 'string' && DIGITS.test(text.trim()) ? Number(text.trim()) : null;
}
