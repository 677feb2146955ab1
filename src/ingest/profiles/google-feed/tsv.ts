/**
 * Google's tab-separated product feed: a header of attribute names (`image_link`, `image link` or
 * `g:image_link` alike), one item per row. A repeated attribute is either a repeated column or,
 * for `additional_image_link` and `shipping`, several values in one cell separated by commas.
 */
import { FeedmillError } from '../../../errors.js';
import { shippingEntries, shippingFromParts, type RecordLocation } from '../../../model.js';
import { FieldReader, headerKey } from '../../fields.js';
import type { CsvMapper, ProfileContext, ProfileSink } from '../../profile.js';
import { rejectRecord } from '../common.js';
import { GOOGLE_ATTRIBUTES, mapGoogleItem, type GoogleItem } from './attributes.js';

/** Splits a multi-value cell; shipping groups are cut only where an entry starts (see shippingEntries). */
function splitCell(key: string, cell: string): string[] {
  if (key === 'additional_image_link') return cell.split(',');
  if (key === 'shipping') return shippingEntries(cell);
  return [cell];
}

/**
 * A header naming the sub-attributes its cells hold, in order: `shipping(country:service:price)`
 * holds `FR:Colissimo:4.95 EUR`. Google's text feeds allow it for any grouped attribute.
 */
const SUB_ATTRIBUTES = /^\s*(?:g:)?([A-Za-z_ ]+?)\s*\(([A-Za-z_: ]+)\)\s*$/;

/** A header's attribute key: `shipping(country:price)` is the `shipping` attribute. */
function googleHeaderKey(name: string): string {
  return headerKey(SUB_ATTRIBUTES.exec(name)?.[1] ?? name);
}

/** A shipping entry given in a header's own order, in the full form `country:region:service:price`. */
function fullShippingEntry(entry: string, names: readonly string[]): string {
  const values = entry.split(':');
  // Another count of parts is left as written: the channel drops it with its reason.
  if (values.length !== names.length) return entry;
  return shippingFromParts(new Map(names.map((name, i) => [name, (values[i] as string).trim()])));
}

export class GoogleTsvMapper implements CsvMapper {
  readonly #keys: string[];
  /** Per column, the sub-attribute names its header gives (`shipping(country:price)`), if any. */
  readonly #parts: (readonly string[] | undefined)[];
  readonly #currency: string | undefined;
  readonly #r = new FieldReader();

  constructor(header: readonly string[], ctx: ProfileContext) {
    this.#keys = header.map(googleHeaderKey);
    this.#parts = header.map((h) => SUB_ATTRIBUTES.exec(h)?.[2]?.split(':').map(headerKey));
    const missing = ['id', 'price'].filter((k) => !this.#keys.includes(k));
    if (missing.length > 0) {
      throw new FeedmillError(
        'FEEDMILL_PROFILE_MISMATCH',
        `${ctx.sourceName} is not a Google product feed: the header lacks ${missing.join(' and ')}; use Google's attribute names (id, title, link, price...) or --profile generic`,
        { profile: 'google-feed', missing, header: header.slice(0, 20) },
      );
    }
    this.#currency = ctx.defaultCurrency;
  }

  row(fields: readonly string[], loc: RecordLocation, sink: ProfileSink): void {
    const item: GoogleItem = new Map();
    for (let i = 0; i < fields.length; i++) {
      const v = fields[i] as string;
      if (v === '') continue;
      const k = this.#keys[i] as string;
      const names = this.#parts[i];
      let parts = splitCell(k, v);
      if (names !== undefined && k === 'shipping') parts = parts.map((e) => fullShippingEntry(e, names));
      const list = item.get(k);
      if (list === undefined) item.set(k, parts);
      else list.push(...parts);
    }
    const r = this.#r;
    r.reset();
    const mapped = mapGoogleItem(item, r, this.#currency);
    if (mapped === undefined) {
      const p = r.problem ?? { code: 'RECORD_MISSING_ID' as const, field: 'id', message: 'the row has no id' };
      rejectRecord(sink, loc, p);
      return;
    }
    sink.standaloneOffer(mapped.product, mapped.offer, loc.line);
  }
}

/**
 * 0..1 for --profile auto: a header made of Google attribute names with the ones every feed has.
 * Scores above the generic profile (at most 0.8) only when nearly every column is Google's own.
 */
export function detectGoogleHeader(header: readonly string[]): number {
  const keys = header.map(googleHeaderKey).filter((k) => k !== '');
  if (keys.length === 0 || !keys.includes('id') || !keys.includes('price')) return 0;
  const google = keys.filter((k) => GOOGLE_ATTRIBUTES.has(k)).length;
  const core = ['title', 'link', 'image_link', 'availability'].filter((k) => keys.includes(k)).length;
  if (google / keys.length >= 0.9 && core >= 3) return 0.85;
  return 0.4;
}
