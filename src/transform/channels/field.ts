/**
 * Compiles one field definition into its per-item renderer: source → default → clean-up and
 * validation by kind → the output text. Everything that depends only on the definition (regexes,
 * enum maps, getters) is built here, once; the returned closure does only per-item work.
 *
 * Outcome protocol (no allocation per field): the renderer returns the value, or `undefined`; it
 * sets `scratch.reason` when the value was present but invalid (undefined + no reason = missing),
 * and pushes to `scratch.warnings` when it changed a valid value (truncation, dropped list entries).
 */
import { shippingEntries } from '../../model.js';
import { CURRENCY_PATTERN } from '../../money.js';
import type { Item } from '../item.js';
import {
  checkGtin,
  cleanText,
  fitsLength,
  formatPriceAs,
  isHttpUrl,
  isIsoDate,
  toInteger,
  toMinorUnits,
  truncateAtWord,
  type Reason,
} from '../validate/index.js';
import type { ChannelFormat, FieldDefinition } from './definition.js';
import { parseShippingEntry, shippingFromMinor, shippingMarkup, shippingText } from './shipping.js';
import { compileSources, compileTemplate, type Getter, type RawValue } from './source.js';

export interface Scratch {
  reason: Reason | null;
  /** Emptied by the caller before each field; a list can warn more than once. */
  readonly warnings: Reason[];
}

export type FieldValue = string | readonly string[] | undefined;
export type FieldRenderer = (item: Item, scratch: Scratch) => FieldValue;
/** Turns one present, non-empty raw value into output text, or undefined with `scratch.reason` set. */
type KindProcessor = (value: string | number, item: Item, scratch: Scratch) => string | undefined;

export function compileGetter(def: Pick<FieldDefinition, 'source' | 'template' | 'default'>): Getter {
  const base = def.source !== undefined ? compileSources(def.source) : compileTemplate(def.template as string);
  const dflt = def.default;
  if (dflt === undefined) return base;
  return (item) => {
    const v = base(item);
    return v === null || v === undefined || v === '' ? dflt : v;
  };
}

const NO_REASONS: readonly Reason[] = Object.freeze([]);

/**
 * `priceOf` resolves another field by name, for `below` (sale price < price). `feedCurrency` is set
 * for a channel that writes no currency anywhere (idealo): its bare amounts are read in that
 * currency, so a price in any other is invalid (see compileChannel).
 */
export function compileField(def: FieldDefinition, format: ChannelFormat, priceOf: (name: string) => Getter | undefined, feedCurrency?: string): FieldRenderer {
  const get = compileGetter(def);
  const process = compileKind(def, format, priceOf, feedCurrency);
  if (def.kind === 'price') {
    // A price depends on the item (its currency, the price a sale price must stay below): no memo.
    const list = def.list === undefined ? undefined : compileList(def.list, def.kind, format, process);
    return (item, scratch) => {
      const v = get(item);
      if (v === null || v === undefined || v === '') return undefined;
      return list === undefined ? process(v, item, scratch) : list(v, item, scratch);
    };
  }
  if (def.kind === 'shipping') {
    // A shipping price alone (minor units) is one entry, not a list to split.
    const list = def.list === undefined ? undefined : compileList(def.list, def.kind, format, process);
    return shippingMemo(get, list === undefined ? process : (v, item, scratch) => (typeof v === 'number' ? process(v, item, scratch) : list(v, item, scratch)));
  }
  return lastValueMemo(get, def.list === undefined ? process : compileList(def.list, def.kind, format, process));
}

/**
 * Every kind but price depends on the value alone, and consecutive offers often repeat one (the
 * variants of a product share its description, brand, category, images...: 55-60 % of them in the
 * bench catalog): the last valid outcome is kept, with its warnings (a truncation, dropped list
 * entries), and given back for the same input. The same output also lets the item writer's own
 * memo hit on identity. A list's array is shared between items then: nothing downstream mutates it.
 */
function lastValueMemo(get: Getter, compute: (value: string | number, item: Item, scratch: Scratch) => FieldValue): FieldRenderer {
  let lastIn: string | number | undefined;
  let lastOut: FieldValue;
  let lastWarnings: readonly Reason[] = NO_REASONS;
  return (item, scratch) => {
    const v = get(item);
    if (v === null || v === undefined || v === '') return undefined;
    if (v === lastIn) {
      for (const w of lastWarnings) scratch.warnings.push(w);
      return lastOut;
    }
    const out = compute(v, item, scratch);
    if (out !== undefined && scratch.reason === null) {
      lastIn = v;
      lastOut = out;
      // The caller empties `warnings` before each field: what is there now is this value's.
      lastWarnings = scratch.warnings.length === 0 ? NO_REASONS : [...scratch.warnings];
    }
    return out;
  };
}

/** Distinct shipping values kept per currency before the memo starts afresh. */
const SHIPPING_MEMO_MAX = 1024;

/**
 * A catalog has a handful of shipping rates, but consecutive offers alternate between them (the
 * generated one: `FR:::0.00 EUR` and `FR::Relais:3.90 EUR`), so the last-value memo missed and each
 * item parsed its entries again (~1.5 µs). Outcomes are kept per currency (a bare amount takes the
 * item's) and value, bounded, with their warnings.
 */
function shippingMemo(get: Getter, compute: (value: string | number, item: Item, scratch: Scratch) => FieldValue): FieldRenderer {
  const byCurrency = new Map<string, Map<string | number, { out: FieldValue; warnings: readonly Reason[] }>>();
  return (item, scratch) => {
    const v = get(item);
    if (v === null || v === undefined || v === '') return undefined;
    let memo = byCurrency.get(item.currency);
    if (memo === undefined) {
      if (byCurrency.size >= 64) byCurrency.clear();
      byCurrency.set(item.currency, (memo = new Map()));
    }
    const known = memo.get(v);
    if (known !== undefined) {
      for (const w of known.warnings) scratch.warnings.push(w);
      return known.out;
    }
    const out = compute(v, item, scratch);
    if (out !== undefined && scratch.reason === null) {
      if (memo.size >= SHIPPING_MEMO_MAX) memo.clear();
      memo.set(v, { out, warnings: scratch.warnings.length === 0 ? NO_REASONS : [...scratch.warnings] });
    }
    return out;
  };
}

/** A list field: split, each entry processed (a bad one dropped with a warning), joined for text formats. */
function compileList(
  list: NonNullable<FieldDefinition['list']>,
  kind: FieldDefinition['kind'],
  format: ChannelFormat,
  process: KindProcessor,
): (value: string | number, item: Item, scratch: Scratch) => FieldValue {
  const { split, join, max } = list;
  const asText = format !== 'xml';
  // A URL holding the join character would split in two when read back: percent-encode it, which
  // leaves the URL pointing at the same resource.
  const joinEncoded = kind === 'url' ? encodeURIComponent(join) : undefined;
  // Shipping entries are split where a new entry starts, so that a decimal comma stays in its price.
  const entries = kind === 'shipping' && split === ',' ? shippingEntries : (s: string) => s.split(split);
  return (v, item, scratch) => {
    const out: string[] = [];
    for (const entry of entries(String(v))) {
      const trimmed = entry.trim();
      if (trimmed === '') continue;
      if (out.length === max) {
        scratch.warnings.push('list_truncated');
        break;
      }
      const r = process(trimmed, item, scratch);
      if (r === undefined) {
        // A bad entry is dropped; the rest of the list stands.
        if (scratch.reason !== null) scratch.warnings.push(scratch.reason);
        scratch.reason = null;
      } else {
        out.push(asText && joinEncoded !== undefined && r.includes(join) ? r.split(join).join(joinEncoded) : r);
      }
    }
    if (out.length === 0) return undefined;
    return asText ? out.join(join) : out;
  };
}

function compileKind(def: FieldDefinition, format: ChannelFormat, priceOf: (name: string) => Getter | undefined, feedCurrency: string | undefined): KindProcessor {
  switch (def.kind) {
    case 'text':
    case 'html-free':
      return compileText(def, def.kind === 'html-free' ? 'strip' : 'keep');
    case 'url':
      return compileUrl(def);
    case 'price':
      return compilePrice(def, def.below === undefined ? undefined : priceOf(def.below), feedCurrency);
    case 'gtin':
      return (value, _item, scratch) => {
        const r = checkGtin(String(value).trim());
        if (r.ok) return r.gtin;
        scratch.reason = r.reason;
        return undefined;
      };
    case 'enum': {
      const map = new Map(Object.entries(def.values ?? {}).map(([k, v]) => [k.trim().toLowerCase(), v]));
      return (value, _item, scratch) => {
        const key = typeof value === 'string' ? value.trim().toLowerCase() : String(value);
        const out = map.get(key);
        if (out === undefined) scratch.reason = 'not_in_enum';
        return out;
      };
    }
    case 'date':
      return (value, _item, scratch) => {
        const s = String(value).trim();
        if (isIsoDate(s)) return s;
        scratch.reason = 'invalid_date';
        return undefined;
      };
    case 'shipping': {
      // XML spells an entry as sub-elements in the field's own namespace prefix (g:shipping → g:country).
      const xml = format === 'xml';
      const prefix = def.name.slice(0, def.name.indexOf(':') + 1);
      return (value, item, scratch) => {
        const e = typeof value === 'number' ? shippingFromMinor(value, item.currency) : parseShippingEntry(value, item.currency);
        if (typeof e === 'string') {
          scratch.reason = e;
          return undefined;
        }
        return xml ? shippingMarkup(e, prefix) : shippingText(e);
      };
    }
    case 'integer': {
      const min = def.min ?? Number.MIN_SAFE_INTEGER;
      const max = def.max ?? Number.MAX_SAFE_INTEGER;
      return (value, _item, scratch) => {
        const n = toInteger(value);
        if (n === undefined) scratch.reason = 'invalid_integer';
        else if (n < min || n > max) scratch.reason = 'out_of_range';
        else return String(n);
        return undefined;
      };
    }
  }
}

function compileText(def: FieldDefinition, html: 'strip' | 'keep'): KindProcessor {
  const max = def.maxLength;
  const truncate = def.onTooLong === 'truncate';
  return (value, _item, scratch) => {
    const s = cleanText(typeof value === 'string' ? value : String(value), html);
    if (s === '') return undefined;
    if (max === undefined || fitsLength(s, max)) return s;
    if (!truncate) {
      scratch.reason = 'too_long';
      return undefined;
    }
    scratch.warnings.push('truncated');
    return truncateAtWord(s, max);
  };
}

function compileUrl(def: FieldDefinition): KindProcessor {
  const max = def.maxLength;
  return (value, _item, scratch) => {
    const s = typeof value === 'string' ? value.trim() : String(value);
    if (!isHttpUrl(s)) scratch.reason = 'invalid_url';
    // A shortened URL points somewhere else: too long is always invalid.
    else if (max !== undefined && !fitsLength(s, max)) scratch.reason = 'too_long';
    else return s;
    return undefined;
  };
}

function compilePrice(def: FieldDefinition, below: Getter | undefined, feedCurrency: string | undefined): KindProcessor {
  const style = def.style ?? 'amount-currency';
  const min = def.allowZero === true ? 0 : 1;
  return (value, item, scratch) => {
    const currency = item.currency;
    if (!CURRENCY_PATTERN.test(currency)) {
      scratch.reason = 'invalid_currency';
      return undefined;
    }
    if (feedCurrency !== undefined && currency !== feedCurrency) {
      scratch.reason = 'not_feed_currency';
      return undefined;
    }
    const r = toMinorUnits(value, currency);
    if (!r.ok) {
      scratch.reason = r.reason;
      return undefined;
    }
    if (r.minor < min) {
      scratch.reason = 'price_not_positive';
      return undefined;
    }
    if (below !== undefined) {
      const ref = minorOf(below(item), currency);
      if (ref !== undefined && r.minor >= ref) {
        scratch.reason = 'sale_not_below_price';
        return undefined;
      }
    }
    return formatPriceAs(r.minor, currency, style);
  };
}

function minorOf(v: RawValue, currency: string): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const r = toMinorUnits(v, currency);
  return r.ok ? r.minor : undefined;
}
