/**
 * Prices on their way out: integer minor units from the item (or merchant text from an attribute)
 * → `15.00 EUR` or `15.00`; and the reverse check for prices read back from a feed file.
 */
import { CURRENCY_PATTERN, currencyExponent, formatAmount, formatPrice, parsePrice } from '../../money.js';

export type PriceStyle = 'amount-currency' | 'amount';

export type PriceProblem = 'invalid_price' | 'price_not_positive' | 'invalid_currency';

/** Minor units from an item value: a number is minor units already; text is parsed in `currency`. */
export function toMinorUnits(value: string | number, currency: string): { ok: true; minor: number } | { ok: false; reason: PriceProblem } {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) ? { ok: true, minor: value } : { ok: false, reason: 'invalid_price' };
  }
  const parsed = parsePrice(value, currency);
  if (parsed === undefined) return { ok: false, reason: 'invalid_price' };
  // A different currency in the text cannot be converted here: that is a rule's job (with rates).
  if (parsed.currency !== undefined && parsed.currency !== currency) return { ok: false, reason: 'invalid_currency' };
  return { ok: true, minor: parsed.minor };
}

export function formatPriceAs(minor: number, currency: string, style: PriceStyle): string {
  return style === 'amount' ? formatAmount(minor, currency) : formatPrice(minor, currency);
}

const AMOUNT_CURRENCY = /^([0-9]+(?:\.[0-9]+)?) ([A-Z]{3})$/;
const AMOUNT = /^[0-9]+(?:\.[0-9]+)?$/;

/**
 * Reads a price written in a feed (`15.00 EUR` or `15.00`) back into minor units, strictly: the
 * decimal point is `.`, no thousands separators, no more decimals than the currency has. A bare
 * amount is read in `currency` when the feed names it elsewhere (a currency column).
 */
export function parseFeedPrice(text: string, style: PriceStyle, currency?: string): { minor: number; currency: string } | undefined {
  let amount = text;
  // A bare amount of unknown currency is read at the finest exponent in use (3: KWD, BHD…), so that
  // comparisons between two such amounts stay exact.
  let cur = currency ?? 'KWD';
  if (style === 'amount-currency') {
    const m = AMOUNT_CURRENCY.exec(text);
    if (!m) return undefined;
    amount = m[1] as string;
    cur = m[2] as string;
  } else if (!AMOUNT.test(text)) {
    return undefined;
  }
  if (!CURRENCY_PATTERN.test(cur)) return undefined;
  const dot = amount.indexOf('.');
  if (dot >= 0 && amount.length - dot - 1 > currencyExponent(cur)) return undefined;
  const parsed = parsePrice(amount, cur);
  return parsed === undefined ? undefined : { minor: parsed.minor, currency: cur };
}
