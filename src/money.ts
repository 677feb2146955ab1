/**
 * Prices are integer minor units plus an ISO 4217 currency. Never floats: 19.99 * 100 is
 * 1998.9999999999998 in binary floating point.
 */

/** A catalog's currency when none was given (`catalog add --currency`, `ingest --currency`). */
export const DEFAULT_CURRENCY = 'EUR';

/** Minor-unit exponent per currency; ISO 4217 currencies not listed here use 2. */
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0,
  VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export interface ParsedPrice {
  minor: number;
  currency: string | undefined;
}

/**
 * Parses merchant price text into minor units without floating point: "19.99", "19,99 €",
 * "1 299,00", "1.299,00 EUR", "EUR 15", "15.00 USD". Returns undefined when the text is not a price.
 * A trailing or leading ISO code wins over the default currency; €/$/£ are recognised.
 */
/** The common spellings, "52", "19.99", "19,9": parsed without the general path's regexes. */
const PLAIN_PRICE = /^(\d{1,15})(?:[.,](\d{1,2}))?$/;
/** Google's spelling, "169.95 EUR": the same, with the ISO code after one space. */
const PLAIN_PRICE_CODE = /^(\d{1,15})(?:[.,](\d{1,2}))? ([A-Z]{3})$/;

export function parsePrice(text: string, defaultCurrency: string | undefined): ParsedPrice | undefined {
  const plain = PLAIN_PRICE.exec(text);
  if (plain !== null && defaultCurrency !== undefined && currencyExponent(defaultCurrency) === 2) {
    const minor = Number(plain[1]) * 100 + Number((plain[2] ?? '').padEnd(2, '0'));
    if (Number.isSafeInteger(minor)) return { minor, currency: defaultCurrency };
  }
  const coded = plain === null ? PLAIN_PRICE_CODE.exec(text) : null;
  if (coded !== null && currencyExponent(coded[3] as string) === 2) {
    const minor = Number(coded[1]) * 100 + Number((coded[2] ?? '').padEnd(2, '0'));
    if (Number.isSafeInteger(minor)) return { minor, currency: coded[3] };
  }
  let s = text.trim();
  if (s === '') return undefined;
  let currency = defaultCurrency;
  const code = /^([A-Z]{3})\s*|\s*([A-Z]{3})$/.exec(s);
  if (code) {
    currency = code[1] ?? code[2];
    s = s.slice(0, code.index) + s.slice(code.index + code[0].length);
  }
  const symbol = /[€$£¥]/.exec(s);
  if (symbol) {
    currency = { '€': 'EUR', $: 'USD', '£': 'GBP', '¥': 'JPY' }[symbol[0]] ?? currency;
    s = s.replace(/[€$£¥]/g, '');
  }
  s = s.replace(/[\s\u00a0\u202f']/g, '');
  if (!/^-?[0-9][0-9.,]*$/.test(s)) return undefined;
  // The last separator followed by 1-3 digits... is decimal only if it is not a thousands group.
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  const sep = Math.max(lastDot, lastComma);
  let intPart = s;
  let fracPart = '';
  if (sep >= 0) {
    const tail = s.slice(sep + 1);
    const sepChar = s[sep];
    const other = sepChar === '.' ? ',' : '.';
    const repeated = s.indexOf(sepChar as string) !== sep;
    // "1.299" with one dot and three digits is ambiguous; feeds write thousands with a decimal part,
    // so treat a lone separator as decimal unless it is repeated ("1.299.000").
    if (!repeated && tail.length > 0) {
      intPart = s.slice(0, sep).split(other).join('');
      fracPart = tail;
    } else {
      intPart = s.split(sepChar as string).join('').split(other).join('');
    }
  }
  if (!/^-?[0-9]+$/.test(intPart) || !/^[0-9]*$/.test(fracPart)) return undefined;
  const exp = currencyExponent(currency ?? DEFAULT_CURRENCY);
  if (fracPart.length > exp) {
    // Round half up on the digits beyond the currency's exponent, still in integers.
    const keep = fracPart.slice(0, exp);
    const rest = fracPart.slice(exp);
    const up = (rest.charCodeAt(0) - 48) >= 5;
    const minorAbs = Number(intPart.replace('-', '') + keep.padEnd(exp, '0')) + (up ? 1 : 0);
    const minor = intPart.startsWith('-') ? -minorAbs : minorAbs;
    return Number.isSafeInteger(minor) ? { minor, currency } : undefined;
  }
  const minorAbs = Number(intPart.replace('-', '') + fracPart.padEnd(exp, '0'));
  const minor = intPart.startsWith('-') ? -minorAbs : minorAbs;
  return Number.isSafeInteger(minor) ? { minor, currency } : undefined;
}

/** "1500" EUR → "15.00 EUR"; the format channels such as Google Shopping ask for. */
export function formatPrice(minor: number, currency: string): string {
  return `${formatMinor(minor, currencyExponent(currency))} ${currency}`;
}

/**
 * Minor units as a decimal amount. Exponent 2 (nearly every currency) takes integer arithmetic:
 * an export formats two or three prices per item, and the digit-string path (pad, slice, join)
 * cost twice as much (0.16 against 0.08 µs a price here). Below 2^53, `abs % 100` and the
 * division of `abs - cents` are exact.
 */
function formatMinor(minor: number, exp: number): string {
  const neg = minor < 0;
  const abs = neg ? -minor : minor;
  if (exp === 2 && abs <= Number.MAX_SAFE_INTEGER) {
    const cents = abs % 100;
    return `${neg ? '-' : ''}${(abs - cents) / 100}${cents < 10 ? '.0' : '.'}${cents}`;
  }
  const digits = String(abs).padStart(exp + 1, '0');
  const amount = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
  return `${neg ? '-' : ''}${amount}`;
}

/** Just the amount ("15.00"), for channels that carry the currency in another column. */
export function formatAmount(minor: number, currency: string): string {
  return formatMinor(minor, currencyExponent(currency));
}
