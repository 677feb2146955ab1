/**
 * GTIN (EAN-8, UPC-A/GTIN-12, EAN-13, GTIN-14) normalisation and the GS1 mod-10 check digit.
 * Spaces and hyphens that merchants put between digit groups are removed; anything else that is
 * not a digit makes the value invalid.
 *
 * Spreadsheets read GTINs as numbers. A UPC-A `036000291452` saved from Excel comes back as
 * `36000291452`, and an EAN-8 `01234565` as `1234565`: the leading zeros are restored (to 12 or
 * 8 digits), which changes nothing in the check digit, so the check still proves the value. A long
 * GTIN Excel wrote in scientific notation (`4.00638E+12`) has lost its digits for good: it gets a
 * reason of its own that says how to export it.
 */

export const GTIN_LENGTHS: readonly number[] = [8, 12, 13, 14];

const DIGITS = /^[0-9]+$/;
const SEPARATORS = /[\s-]/g;
const ALL_ZERO = /^0+$/;
const SCIENTIFIC = /^[0-9]+(?:[.,][0-9]+)?[eE][+]?[0-9]+$/;

/** The GS1 check digit of the payload (all digits but the check digit). */
export function gs1CheckDigit(payload: string): number {
  let sum = 0;
  // Weights alternate 3,1,3,… starting from the digit right before the check digit.
  for (let i = payload.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (payload.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

export type GtinProblem = 'invalid_gtin_characters' | 'invalid_gtin_length' | 'invalid_gtin_check_digit' | 'gtin_scientific_notation';

/** The normalised GTIN, or the reason it is not one. */
export function checkGtin(raw: string): { ok: true; gtin: string } | { ok: false; reason: GtinProblem } {
  let gtin = DIGITS.test(raw) ? raw : raw.replace(SEPARATORS, '');
  if (!DIGITS.test(gtin)) return { ok: false, reason: SCIENTIFIC.test(raw) ? 'gtin_scientific_notation' : 'invalid_gtin_characters' };
  // Leading zeros a spreadsheet dropped: 7 digits were an EAN-8, 9 to 11 a GTIN-12.
  if (gtin.length === 7) gtin = `0${gtin}`;
  else if (gtin.length >= 9 && gtin.length <= 11) gtin = gtin.padStart(12, '0');
  if (!GTIN_LENGTHS.includes(gtin.length) || ALL_ZERO.test(gtin)) return { ok: false, reason: 'invalid_gtin_length' };
  const check = gtin.charCodeAt(gtin.length - 1) - 48;
  if (gs1CheckDigit(gtin.slice(0, -1)) !== check) return { ok: false, reason: 'invalid_gtin_check_digit' };
  return { ok: true, gtin };
}

export function isValidGtin(raw: string): boolean {
  return checkGtin(raw).ok;
}
