/**
 * The canonical catalog model shared by every area: what ingest profiles produce, what staging
 * stores and what channels read.
 *
 * A **product** holds shared content (title, description, brand, images, category); an **offer** is
 * what a channel lists: a variant, or a tour departure (date × nights × room × board). Offer fields
 * that are also product fields (title, description, link, image) override the product's when set.
 * Prices are integer minor units of `currency` (ISO 4217), never floats.
 */

export type Availability = 'in_stock' | 'out_of_stock' | 'preorder' | 'backorder';
export const AVAILABILITIES: readonly Availability[] = ['in_stock', 'out_of_stock', 'preorder', 'backorder'];

export type Condition = 'new' | 'refurbished' | 'used';
export const CONDITIONS: readonly Condition[] = ['new', 'refurbished', 'used'];

export interface ProductInput {
  /** Grouping key (item_group_id, trip code); optional for one-offer products. */
  key?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  brand?: string | undefined;
  /** Merchant category path, " > " separated ("Men > Tops > Hoodies"). */
  category?: string | undefined;
  /** The channel taxonomy id or path when the merchant already gives one (google_product_category). */
  googleCategory?: string | undefined;
  link?: string | undefined;
  image?: string | undefined;
  additionalImages?: readonly string[] | undefined;
  /** Anything else the source had that a rule or channel may use, by source name. */
  attrs?: Readonly<Record<string, string>> | undefined;
}

export interface OfferInput {
  id: string;
  groupId?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  link?: string | undefined;
  image?: string | undefined;
  /** A variant's own list (e.g. its product's pictures other than its own image); else the product's. */
  additionalImages?: readonly string[] | undefined;
  /** Minor units. */
  price: number;
  salePrice?: number | undefined;
  currency: string;
  availability?: Availability | undefined;
  quantity?: number | undefined;
  gtin?: string | undefined;
  mpn?: string | undefined;
  condition?: Condition | undefined;
  color?: string | undefined;
  size?: string | undefined;
  gender?: string | undefined;
  ageGroup?: string | undefined;
  material?: string | undefined;
  /** Shipping cost in minor units of `currency`. */
  shippingPrice?: number | undefined;
  /** Tour departures: ISO date (YYYY-MM-DD), nights, room and board codes, seats left. */
  departureDate?: string | undefined;
  nights?: number | undefined;
  room?: string | undefined;
  board?: string | undefined;
  seats?: number | undefined;
  attrs?: Readonly<Record<string, string>> | undefined;
}

/**
 * A comma that starts another entry of Google's shipping text form (`BE:::7.50 EUR,FR::Relais:3.90
 * EUR`): a country code or nothing, then `:`. A decimal comma (`FR:::4,95 EUR`) starts none.
 */
const SHIPPING_ENTRY_START = /,(?=\s*(?:[A-Za-z]{2})?\s*:)/;

/** The entries of a shipping value in Google's text form (`country:region:service:price`). */
export function shippingEntries(text: string): string[] {
  // Most values hold one entry: no comma, no regular expression to run.
  return text.includes(',') ? text.split(SHIPPING_ENTRY_START) : [text];
}

/**
 * Google's day counts of a shipping entry, in the order its text form appends them after the price
 * (`shipping(country:region:service:price:min_handling_time:max_handling_time:min_transit_time:
 * max_transit_time)`).
 */
export const SHIPPING_DAY_COUNTS = ['min_handling_time', 'max_handling_time', 'min_transit_time', 'max_transit_time'] as const;

/**
 * The text form of a shipping entry given by part (Google's XML sub-elements, a TSV header's
 * sub-attributes): local name → value. A region or a postal code share the second slot. The day
 * counts, when the source gives any, follow the price: eight parts instead of four.
 */
export function shippingFromParts(parts: ReadonlyMap<string, string>): string {
  const region = parts.get('region') || parts.get('postal_code') || '';
  const entry = `${parts.get('country') ?? ''}:${region}:${parts.get('service') ?? ''}:${parts.get('price') ?? ''}`;
  // Per shipping element of every XML record: no array built when there is no day count.
  let days = '';
  let any = false;
  for (const k of SHIPPING_DAY_COUNTS) {
    const d = parts.get(k) ?? '';
    if (d !== '') any = true;
    days += `:${d}`;
  }
  return any ? entry + days : entry;
}

/** An entry's parts: `country:region:service:price`, or those and the four day counts; else undefined. */
export function shippingParts(entry: string): string[] | undefined {
  const parts = entry.split(':');
  return parts.length === 4 || parts.length === 8 ? parts : undefined;
}

/** The price of a shipping value: its first entry's, or the value itself when it is a bare amount. */
export function firstShippingPrice(text: string): string {
  const first = shippingEntries(text)[0] ?? text;
  const colon = first.lastIndexOf(':');
  if (colon < 0) return text;
  // Read for every row of a catalog with shipping: four parts (the usual) are told by their third
  // colon being the last, without splitting. Day counts after the price make eight.
  const second = first.indexOf(':', first.indexOf(':') + 1);
  const third = second < 0 ? -1 : first.indexOf(':', second + 1);
  if (third < 0 || third === colon) return first.slice(colon + 1);
  return shippingParts(first)?.[3] ?? first.slice(colon + 1);
}

/** Where a record came from: a CSV line or an XML element path, and its byte offset. */
export interface RecordLocation {
  /** 1-based physical line where the record starts (CSV and XML). */
  line: number;
  /**
   * Byte offset of the record's start in the source as it is (after container and BOM: a UTF-16 or
   * Windows-1252 file counts its own bytes, not those of the text in UTF-8). For a CSV row
   * a getter that computes it when asked: copy a location with `locationOf`
   * (src/ingest/profiles/common.ts), never by spreading it.
   */
  byteOffset?: number | undefined;
  /** XML: element path such as /rss/channel/item[42]. */
  path?: string | undefined;
  /** CSV: the record's text as written (delimiters, quotes), for a reject's excerpt. */
  raw?: string | undefined;
}

/**
 * Stable record-level reject codes. These are data, not exceptions: a bad record is counted and
 * stored with its location while the good ones go on.
 */
export const REJECT_CODES = {
  RECORD_MISSING_ID: 'the record has no offer id',
  RECORD_BAD_ID: 'the offer id was saved by a spreadsheet in scientific notation (1.23457E+12) and lost its digits',
  RECORD_MISSING_PRICE: 'the record has no price',
  RECORD_BAD_PRICE: 'the price is not a number, is negative or has no currency',
  RECORD_BAD_CURRENCY: 'the currency is not an ISO 4217 code',
  RECORD_BAD_URL: 'a link or image is not an absolute http(s) URL',
  RECORD_BAD_NUMBER: 'a quantity, nights or seats value is not a whole number',
  RECORD_BAD_DATE: 'a date is not YYYY-MM-DD',
  RECORD_BAD_VALUE: 'a field holds a value outside its allowed set',
  RECORD_COLUMN_COUNT: 'the row has more or fewer fields than the header',
  RECORD_DUPLICATE_ID: 'another record earlier in the file has the same offer id',
  RECORD_ENCODING: 'the record holds bytes that are not valid text (U+FFFD or a control character)',
  RECORD_TOO_LARGE: 'a field or the record passes the size limit',
  RECORD_NO_OFFERS: 'a product element holds no offer',
} as const;

export type RejectCode = keyof typeof REJECT_CODES;

export interface RejectInput extends RecordLocation {
  code: RejectCode;
  field?: string | undefined;
  message: string;
  /** The start of the raw record, for the merchant to find it (at most ~200 chars). */
  raw?: string | undefined;
}

export const REJECT_RAW_MAX = 200;
