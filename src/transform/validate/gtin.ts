/**
 * GTIN (EAN-8, UPC-A/GTIN-12, EAN-13, GTIN-14) normalisation and the GS1 mod-10 check digit.
 * Spaces and hyphens that merchants put between digit groups are removed; anything else that is
 * not a digit makes the value invalid.
 */

export const GTIN_LENGTHS: readonly number[] = [8, 12, 13, 14];

const DIGITS = /^[0-9]+$/;
const SEPARATORS = /[\s-]/g;
const ALL_ZERO = /^0+$/;

/** The GS1 check digit of the payload (all digits but the check digit). */
export function gs1CheckDigit(payload: string): number {
  let sum = 0;
  // Weights alternate 3,1,3,… starting from the digit right before the check digit.
  for (let i = payload.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (payload.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

export type GtinProblem = 'invalid_gtin_characters' | 'invalid_gtin_length' | 'invalid_gtin_check_digit';

/** The normalised GTIN, or the reason it is not one. */
export function checkGtin(raw: string): { ok: true; gtin: string } | { ok: false; reason: GtinProblem } {
  const gtin = DIGITS.test(raw) ? raw : raw.replace(SEPARATORS, '');
  if (!DIGITS.test(gtin)) return { ok: false, reason: 'invalid_gtin_characters' };
  if (!GTIN_LENGTHS.includes(gtin.length) || ALL_ZERO.test(gtin)) return { ok: false, reason: 'invalid_gtin_length' };
  const check = gtin.charCodeAt(gtin.length - 1) - 48;
  if (gs1CheckDigit(gtin.slice(0, -1)) !== check) return { ok: false, reason: 'invalid_gtin_check_digit' };
  return { ok: true, gtin };
}

export function isValidGtin(raw: string): boolean {
  return checkGtin(raw).ok;
}
