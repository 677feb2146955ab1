/**
 * `shipping: {country, onMissing}` sets an item's shipping price to its rate for one country, read
 * from the shipping entries the source gave (`attrs.shipping`, Google's text form
 * `country:region:service:price`, several entries comma-separated).
 *
 * Why: the channels that carry one delivery cost (idealo, Kelkoo, Microsoft...) write
 * `shippingPrice`, which the ingest takes from the first entry. A catalog whose entries read
 * `FR:::3.90 EUR,DE:::5.90 EUR` would tell idealo.de that delivery to Germany costs 3.90. The rule
 * goes in that channel's section: `idealo: [{shipping: {country: DE}}]`.
 *
 * The entry chosen: the country's entry without a region (its nationwide rate), else its first
 * entry, else the first entry without a country (which applies wherever the feed is aimed). An
 * item with no entries, only a shipping price, is left as it is: that price names no country.
 * Entries priced in another currency than the item's are not read (put a convert rule after this
 * one, not before); invalid entries are skipped here and reported by the channels that write them.
 */
import { shippingEntries, shippingParts } from '../../../model.js';
import type { Item } from '../../item.js';
import { toMinorUnits } from '../../validate/index.js';
import { at, fail, knownKeys, object, oneOf } from '../check.js';
import type { ShippingRule } from '../types.js';
import { CHANGED, DROPPED, MISSED, UNCHANGED, type RuleKindDef } from './kind.js';

type ShippingBody = ShippingRule['shipping'];

const COUNTRY = /^[A-Z]{2}$/;

/**
 * The rate for `country` among an entries text, in minor units of `currency`; undefined when no
 * entry applies there. Exported for the tests.
 */
export function shippingRateFor(text: string, country: string, currency: string): number | undefined {
  let nationwide: number | undefined;
  let regional: number | undefined;
  let anywhere: number | undefined;
  for (const entry of shippingEntries(text)) {
    // A bare amount (`4.00`) is an entry without a country; day counts may follow the price.
    const parts = entry.includes(':') ? shippingParts(entry) : ['', '', '', entry];
    if (parts === undefined) continue;
    const c = (parts[0] as string).trim().toUpperCase();
    if (c !== country && c !== '') continue;
    const r = toMinorUnits((parts[3] as string).trim(), currency);
    if (!r.ok || r.minor < 0) continue;
    if (c === '') anywhere ??= r.minor;
    else if ((parts[1] as string).trim() === '') {
      nationwide = r.minor;
      break;
    } else regional ??= r.minor;
  }
  return nationwide ?? regional ?? anywhere;
}

export const shippingKind: RuleKindDef<ShippingBody> = {
  validate(ctx, raw) {
    const obj = object(ctx, raw);
    if (obj === undefined) return undefined;
    knownKeys(ctx, obj, ['country', 'onMissing']);
    const cctx = at(ctx, 'country');
    const country = typeof obj.country === 'string' && COUNTRY.test(obj.country.trim().toUpperCase())
      ? obj.country.trim().toUpperCase()
      : fail(cctx, 'a two-letter ISO 3166-1 country code such as DE', obj.country);
    const onMissing = oneOf(at(ctx, 'onMissing'), obj.onMissing, ['clear', 'keep', 'drop'] as const, 'clear');
    if (country === undefined || onMissing === undefined) return undefined;
    return { country, onMissing };
  },

  compile(body) {
    const missing = body.onMissing === 'drop' ? DROPPED : MISSED;
    return (item: Item) => {
      const text = item.attrs.shipping;
      if (text === undefined || text.trim() === '') return UNCHANGED;
      const rate = shippingRateFor(text, body.country, item.currency);
      if (rate === undefined) {
        // The first entry's price, which the ingest took, is another country's: never leave it.
        if (body.onMissing === 'clear' && item.shippingPrice !== null) {
          item.shippingPrice = null;
          return CHANGED | MISSED;
        }
        return missing;
      }
      if (item.shippingPrice === rate) return UNCHANGED;
      item.shippingPrice = rate;
      return CHANGED;
    };
  },
};
