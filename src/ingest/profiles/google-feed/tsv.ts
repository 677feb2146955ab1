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
import { GOOGLE_ATTRIBUTES, keptAsAttribute, keptText, mapGoogleItem, type GoogleItem } from './attributes.js';

/** Attributes whose cell may hold several values separated by commas. */
const LIST_ATTRIBUTES: ReadonlySet<string> = new Set(['additional_image_link', 'shipping']);

/** Splits a list cell; shipping groups are cut only where an entry starts (see shippingEntries). */
function splitCell(key: string, cell: string): string[] {
  return key === 'shipping' ? shippingEntries(cell) : cell.split(',');
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

/**
 * Columns that are not Google attributes but say what a Google price means when it gives no
 * currency (`169.90` beside `EUR`), as shop exports with Google's column names often have. Google
 * itself would take the account's currency; ignoring the column would stage USD prices as EUR.
 */
const CURRENCY_KEYS: ReadonlySet<string> = new Set(['currency', 'currency_code']);

/** A shipping entry given in a header's own order, in the full form `country:region:service:price`. */
function fullShippingEntry(entry: string, names: readonly string[]): string {
  const values = entry.split(':');
  // Another count of parts is left as written: the channel drops it with its reason.
  if (values.length !== names.length) return entry;
  return shippingFromParts(new Map(names.map((name, i) => [name, (values[i] as string).trim()])));
}

/**
 * One row's attributes, read from its cells through the header's layout: which columns hold each
 * attribute, worked out once. An attribute may have several columns (a repeated header), and a
 * list cell several values.
 */
class TsvItem implements GoogleItem {
  /** Attribute → its columns, in header order. */
  readonly #columns = new Map<string, number[]>();
  /** The attributes that have one column and one value a cell, most of them: their column. */
  readonly #single = new Map<string, number>();
  /** List attributes (see LIST_ATTRIBUTES) that have one column of plain values: their column. */
  readonly #singleList = new Map<string, number>();
  /** Per column, the sub-attribute names its header gives (`shipping(country:price)`), if any. */
  readonly #parts: (readonly string[] | undefined)[];
  /** The attributes kept whole, in the order of their first column. */
  readonly #kept: string[] = [];
  #fields: readonly string[] = [];

  constructor(keys: readonly string[], parts: (readonly string[] | undefined)[], skip: ReadonlySet<string>) {
    this.#parts = parts;
    for (const [i, k] of keys.entries()) {
      if (k === '' || skip.has(k)) continue;
      const columns = this.#columns.get(k);
      if (columns !== undefined) columns.push(i);
      else {
        this.#columns.set(k, [i]);
        if (keptAsAttribute(k)) this.#kept.push(k);
      }
    }
    for (const [k, columns] of this.#columns) {
      const c = columns[0] as number;
      if (columns.length !== 1) continue;
      if (!LIST_ATTRIBUTES.has(k)) this.#single.set(k, c);
      else if (parts[c] === undefined) this.#singleList.set(k, c);
    }
  }

  /** Points the item at the next row's cells. */
  read(fields: readonly string[]): void {
    this.#fields = fields;
  }

  first(key: string): string | undefined {
    const only = this.#single.get(key);
    if (only !== undefined) return this.#fields[only] || undefined;
    // A list cell's first entry; most hold one entry, and need no split.
    const list = this.#singleList.get(key);
    if (list !== undefined) {
      const v = this.#fields[list];
      return v === undefined || v === '' ? undefined : v.includes(',') ? splitCell(key, v)[0] : v;
    }
    const columns = this.#columns.get(key);
    if (columns === undefined) return undefined;
    if (LIST_ATTRIBUTES.has(key)) return this.all(key)?.[0];
    for (const c of columns) {
      const v = this.#fields[c];
      if (v !== undefined && v !== '') return v;
    }
    return undefined;
  }

  all(key: string): readonly string[] | undefined {
    const columns = this.#columns.get(key);
    if (columns === undefined) return undefined;
    let values: string[] | undefined;
    for (const c of columns) {
      const v = this.#fields[c];
      if (v === undefined || v === '') continue;
      if (!LIST_ATTRIBUTES.has(key)) {
        (values ??= []).push(v);
        continue;
      }
      const names = this.#parts[c];
      for (const e of splitCell(key, v)) (values ??= []).push(names !== undefined && key === 'shipping' ? fullShippingEntry(e, names) : e);
    }
    return values;
  }

  kept(): Record<string, string> | undefined {
    let attrs: Record<string, string> | undefined;
    for (const k of this.#kept) {
      const only = this.#single.get(k) ?? this.#singleList.get(k);
      const cell = only === undefined ? undefined : this.#fields[only];
      // One cell without a comma is its own text; else its values joined, the empty ones left out.
      const v = cell !== undefined && !cell.includes(',') ? cell || undefined : keptText(this.all(k) ?? []);
      if (v !== undefined) (attrs ??= {})[k] = v;
    }
    return attrs;
  }
}

export class GoogleTsvMapper implements CsvMapper {
  readonly #item: TsvItem;
  /** The column of a currency code, if the header has one (see CURRENCY_KEYS). */
  readonly #currencyColumn: number;
  readonly #currency: string | undefined;
  readonly #r = new FieldReader();

  constructor(header: readonly string[], ctx: ProfileContext) {
    const keys = header.map(googleHeaderKey);
    const missing = ['id', 'price'].filter((k) => !keys.includes(k));
    if (missing.length > 0) {
      throw new FeedmillError(
        'FEEDMILL_PROFILE_MISMATCH',
        `${ctx.sourceName} is not a Google product feed: the header lacks ${missing.join(' and ')}; use Google's attribute names (id, title, link, price...) or --profile generic`,
        { profile: 'google-feed', missing, header: header.slice(0, 20) },
      );
    }
    this.#currencyColumn = keys.findIndex((k) => CURRENCY_KEYS.has(k));
    const consumed = this.#currencyColumn === -1 ? new Set<string>() : new Set([keys[this.#currencyColumn] as string]);
    this.#item = new TsvItem(keys, header.map((h) => SUB_ATTRIBUTES.exec(h)?.[2]?.split(':').map(headerKey)), consumed);
    this.#currency = ctx.defaultCurrency;
  }

  row(fields: readonly string[], loc: RecordLocation, sink: ProfileSink): void {
    const r = this.#r;
    r.reset();
    const item = this.#item;
    item.read(fields);
    const currency = this.#currencyColumn === -1 ? this.#currency : (r.currency('currency', fields[this.#currencyColumn]) ?? this.#currency);
    const mapped = mapGoogleItem(item, r, currency);
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
