/**
 * Escaping and number formatting for the serialisers. Called per field on every row, so each
 * function tests cheaply for the common case (nothing to escape) before building a new string.
 */

const CSV_SPECIAL = /[",\r\n]/;
const XML_TEXT_SPECIAL = /[&<>]/;
const XML_ATTR_SPECIAL = /[&<>"]/;

/** RFC 4180: quote a field holding a comma, quote or line break, doubling inner quotes. */
export function csvField(value: string): string {
  return CSV_SPECIAL.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function xmlText(value: string): string {
  return XML_TEXT_SPECIAL.test(value) ? value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;') : value;
}

export function xmlAttr(value: string): string {
  return XML_ATTR_SPECIAL.test(value)
    ? value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
    : value;
}

/** Minor units with two decimals: 129900 → "1299.00"; `sep` "," gives the French "1299,00". */
export function amount(minor: number, sep = '.'): string {
  const cents = minor % 100;
  return `${(minor - cents) / 100}${sep}${cents < 10 ? '0' : ''}${cents}`;
}

/** The GS1 check digit of the digits before it (GTIN-8/12/13/14): weights 3,1,3,… from the right. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (body.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

/** True when `gtin` is 8, 12, 13 or 14 digits with a valid check digit. */
export function isValidGtin(gtin: string): boolean {
  if (!/^(?:\d{8}|\d{12,14})$/.test(gtin)) return false;
  return gs1CheckDigit(gtin.slice(0, -1)) === gtin.charCodeAt(gtin.length - 1) - 48;
}

/** URL path segment from a title: lower case, accents folded, non-alphanumerics to '-'. */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const DAY_MS = 86_400_000;
const dateCache = new Map<number, string>();

/** YYYY-MM-DD of a day number (days since 1970-01-01, UTC), cached: trips reuse few dates. */
export function isoDay(day: number): string {
  let s = dateCache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dateCache.set(day, s);
  }
  return s;
}

export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}
