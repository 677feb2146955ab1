/**
 * The channel's validation applied to values read back from a feed file (`feedmill validate`):
 * the same rules as rendering, but on the output side. `15.00 EUR`, `in stock` and a cleaned
 * description are checked as they stand; nothing is rewritten.
 */
import {
  charLength,
  checkGtin,
  containsHtml,
  isHttpUrl,
  isIsoDate,
  parseFeedPrice,
  toInteger,
  type Reason,
} from '../validate/index.js';
import type { ChannelFormat, FieldDefinition } from './definition.js';
import { checkShippingText } from './shipping.js';

/** One item read from a feed: output name → its values (XML may repeat an element). */
export type FeedRecord = ReadonlyMap<string, readonly string[]>;

/** The problem with one value, or null. */
export type ValueCheck = (value: string, record: FeedRecord) => Reason | null;

export function compileOutputCheck(def: FieldDefinition, fields: readonly FieldDefinition[]): ValueCheck {
  switch (def.kind) {
    case 'text':
    case 'html-free': {
      const max = def.maxLength;
      const noHtml = def.kind === 'html-free';
      return (value) => {
        if (noHtml && containsHtml(value)) return 'html_not_allowed';
        if (max !== undefined && charLength(value) > max) return 'too_long';
        return null;
      };
    }
    case 'url': {
      const max = def.maxLength;
      return (value) => {
        if (!isHttpUrl(value)) return 'invalid_url';
        if (max !== undefined && charLength(value) > max) return 'too_long';
        return null;
      };
    }
    case 'gtin':
      return (value) => {
        const r = checkGtin(value);
        if (!r.ok) return r.reason;
        if (r.gtin === value) return null;
        // A feed must carry the GTIN whole: leading zeros missing is a length problem.
        return r.gtin.replace(/^0+/, '') === value.replace(/^0+/, '') ? 'invalid_gtin_length' : 'invalid_gtin_characters';
      };
    case 'enum': {
      const allowed = new Set(Object.values(def.values ?? {}));
      return (value) => (allowed.has(value) ? null : 'not_in_enum');
    }
    case 'date':
      return (value) => (isIsoDate(value) ? null : 'invalid_date');
    case 'integer': {
      const min = def.min ?? Number.MIN_SAFE_INTEGER;
      const max = def.max ?? Number.MAX_SAFE_INTEGER;
      return (value) => {
        if (!/^-?[0-9]+$/.test(value)) return 'invalid_integer';
        const n = toInteger(value);
        if (n === undefined) return 'invalid_integer';
        return n < min || n > max ? 'out_of_range' : null;
      };
    }
    case 'shipping':
      return (value) => checkShippingText(value);
    case 'price': {
      const style = def.style ?? 'amount-currency';
      const min = def.allowZero === true ? 0 : 1;
      const other = def.below === undefined ? undefined : fields.find((f) => f.name === def.below);
      const otherStyle = other?.style ?? 'amount-currency';
      // Bare amounts take their currency from a written currency column, when the channel has one.
      const currencyField = fields.find((f) => f.write && f.source?.length === 1 && f.source[0] === 'currency')?.name;
      const currencyOf = (record: FeedRecord) => (currencyField === undefined ? undefined : record.get(currencyField)?.[0]);
      return (value, record) => {
        const p = parseFeedPrice(value, style, currencyOf(record));
        if (p === undefined) return 'invalid_price';
        if (p.minor < min) return 'price_not_positive';
        if (other !== undefined) {
          const ref = record.get(other.name)?.[0];
          const q = ref === undefined ? undefined : parseFeedPrice(ref, otherStyle, currencyOf(record));
          if (q !== undefined && q.currency === p.currency && p.minor >= q.minor) return 'sale_not_below_price';
        }
        return null;
      };
    }
  }
}

/** Splits a CSV/TSV cell of a list field; XML lists arrive as repeated elements already. */
export function listValues(def: FieldDefinition, format: ChannelFormat, values: readonly string[]): readonly string[] {
  if (def.list === undefined || format === 'xml') return values;
  const out: string[] = [];
  for (const v of values) for (const part of v.split(def.list.join)) if (part.trim() !== '') out.push(part.trim());
  return out;
}
