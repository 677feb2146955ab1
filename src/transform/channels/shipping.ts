/**
 * Shipping entries, the `shipping` field kind: Google's text form `country:region:service:price`
 * (`FR::Colissimo:4.95 EUR`, `US:02*:Ground:7.00 USD`, `:::0 EUR`), which Google's TSV and Meta's CSV
 * carry as they are (entries joined by commas) and which Google's XML spells as sub-elements
 * (`<g:shipping><g:country>FR</g:country>...<g:price>4.95 EUR</g:price></g:shipping>`).
 *
 * An item's entries come from a Google feed it was loaded from (`attrs.shipping`, every entry kept)
 * or from its shipping price alone, which becomes `:::<price>`: Google then applies it to the feed's
 * target country. An empty country is allowed for that reason; a region holding a digit or `*` is a
 * postal code (Google's XML has `g:postal_code` for it, the text form one slot for both).
 */
import { CURRENCY_PATTERN, formatPrice } from '../../money.js';
import { escapeXmlText } from '../../emit/index.js';
import { parseFeedPrice, toMinorUnits, type Reason } from '../validate/index.js';

export interface ShippingEntry {
  /** ISO 3166-1 alpha-2, upper case, or '' (the feed's target country). */
  readonly country: string;
  /** A region code or a postal code (range), or ''. */
  readonly region: string;
  readonly service: string;
  /** `4.95 EUR`. */
  readonly price: string;
}

const COUNTRY = /^(?:[A-Za-z]{2})?$/;
/**
 * Region and service are free text, but hold no separator of the text form, no control character
 * (a tab or a line break would break a TSV cell) and nothing XML cannot carry.
 */
const PLAIN_PART = /^[^:,\u0000-\u001f\u007f\ud800-\udfff\ufffe\uffff]*$/;
const POSTAL = /[0-9*]/;

/**
 * One entry of an item (`currency` is the item's: a bare amount is read in it, another currency is
 * refused as for every price), or the reason it is invalid.
 */
export function parseShippingEntry(text: string, currency: string): ShippingEntry | Reason {
  const parts = text.split(':');
  if (parts.length !== 4) return 'invalid_shipping';
  const [country, region, service, price] = parts.map((p) => p.trim()) as [string, string, string, string];
  if (!COUNTRY.test(country) || !PLAIN_PART.test(region) || !PLAIN_PART.test(service) || price === '') return 'invalid_shipping';
  if (!CURRENCY_PATTERN.test(currency)) return 'invalid_currency';
  const r = toMinorUnits(price, currency);
  if (!r.ok) return r.reason;
  if (r.minor < 0) return 'price_not_positive';
  return { country: country.toUpperCase(), region, service, price: formatPrice(r.minor, currency) };
}

/** The entry of an item that has only a shipping price (minor units): for the feed's target country. */
export function shippingFromMinor(minor: number, currency: string): ShippingEntry | Reason {
  if (!CURRENCY_PATTERN.test(currency)) return 'invalid_currency';
  if (!Number.isSafeInteger(minor)) return 'invalid_price';
  if (minor < 0) return 'price_not_positive';
  return { country: '', region: '', service: '', price: formatPrice(minor, currency) };
}

export function shippingText(e: ShippingEntry): string {
  return `${e.country}:${e.region}:${e.service}:${e.price}`;
}

/**
 * The entry's sub-elements in an XML feed, escaped here (the item writer writes this value as
 * markup): `prefix` is the field's own (`g:` for `g:shipping`). Empty parts are left out.
 */
export function shippingMarkup(e: ShippingEntry, prefix: string): string {
  let out = '';
  if (e.country !== '') out += `<${prefix}country>${e.country}</${prefix}country>`;
  if (e.region !== '') {
    const name = POSTAL.test(e.region) ? 'postal_code' : 'region';
    out += `<${prefix}${name}>${escapeXmlText(e.region)}</${prefix}${name}>`;
  }
  if (e.service !== '') out += `<${prefix}service>${escapeXmlText(e.service)}</${prefix}service>`;
  return `${out}<${prefix}price>${e.price}</${prefix}price>`;
}

/** An entry as written in a feed (`feedmill validate`): the text form with a price and its currency. */
export function checkShippingText(value: string): Reason | null {
  const parts = value.split(':');
  if (parts.length !== 4) return 'invalid_shipping';
  const [country, region, service, price] = parts as [string, string, string, string];
  if (!/^(?:[A-Z]{2})?$/.test(country) || !PLAIN_PART.test(region) || !PLAIN_PART.test(service)) return 'invalid_shipping';
  return parseFeedPrice(price, 'amount-currency') === undefined ? 'invalid_price' : null;
}
