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
 *
 * An entry may carry Google's day counts after its price (min/max handling and transit time, whole
 * days, the minimum not above the maximum): Google's XML writes them as sub-elements; the text form
 * of Google's TSV and Meta's CSV has four parts under a plain `shipping` header, so they are left
 * out there.
 */
import { CURRENCY_PATTERN, formatPrice } from '../../money.js';
import { SHIPPING_DAY_COUNTS, shippingParts } from '../../model.js';
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
  /** The day counts in SHIPPING_DAY_COUNTS order, '' where not given; absent when none is. */
  readonly days?: readonly string[] | undefined;
}

const DAYS = /^[0-9]{1,3}$/;

/** The day counts of an eight-part entry, or undefined when one is not a whole number or a minimum exceeds its maximum. */
function dayCounts(parts: readonly string[]): string[] | undefined {
  const days = parts.slice(4).map((d) => d.trim());
  if (days.some((d) => d !== '' && !DAYS.test(d))) return undefined;
  for (const [min, max] of [[0, 1], [2, 3]] as const) {
    const lo = days[min] as string;
    const hi = days[max] as string;
    if (lo !== '' && hi !== '' && Number(lo) > Number(hi)) return undefined;
  }
  return days.map((d) => (d === '' ? '' : String(Number(d))));
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
  const parts = shippingParts(text);
  if (parts === undefined) return 'invalid_shipping';
  const [country, region, service, price] = parts.slice(0, 4).map((p) => p.trim()) as [string, string, string, string];
  if (!COUNTRY.test(country) || !PLAIN_PART.test(region) || !PLAIN_PART.test(service) || price === '') return 'invalid_shipping';
  const days = parts.length === 8 ? dayCounts(parts) : undefined;
  if (parts.length === 8 && days === undefined) return 'invalid_shipping';
  if (!CURRENCY_PATTERN.test(currency)) return 'invalid_currency';
  const r = toMinorUnits(price, currency);
  if (!r.ok) return r.reason;
  if (r.minor < 0) return 'price_not_positive';
  const entry = { country: country.toUpperCase(), region, service, price: formatPrice(r.minor, currency) };
  return days === undefined || days.every((d) => d === '') ? entry : { ...entry, days };
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
  out += `<${prefix}price>${e.price}</${prefix}price>`;
  if (e.days !== undefined) {
    for (const [i, name] of SHIPPING_DAY_COUNTS.entries()) {
      const d = e.days[i] as string;
      if (d !== '') out += `<${prefix}${name}>${d}</${prefix}${name}>`;
    }
  }
  return out;
}

/** An entry as written in a feed (`feedmill validate`): the text form with a price and its currency. */
export function checkShippingText(value: string): Reason | null {
  const parts = shippingParts(value);
  if (parts === undefined) return 'invalid_shipping';
  const [country, region, service, price] = parts as [string, string, string, string];
  if (!/^(?:[A-Z]{2})?$/.test(country) || !PLAIN_PART.test(region) || !PLAIN_PART.test(service)) return 'invalid_shipping';
  if (parts.length === 8 && dayCounts(parts) === undefined) return 'invalid_shipping';
  return parseFeedPrice(price, 'amount-currency') === undefined ? 'invalid_price' : null;
}
