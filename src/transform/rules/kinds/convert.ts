/**
 * `convert: {to, rates, onMissingRate}` converts every money field of an item (price, sale
 * price, shipping) into `to` with the given rates and sets the item's currency. One unit of a
 * source currency is worth `rate` units of `to`; the result is rounded half away from zero to
 * the target currency's minor unit, once, from the exact product.
 *
 * The shipping entries a source gave (`attrs.shipping`, `FR:::3.90 EUR`) are converted too: left in
 * the old currency, every channel that writes them would drop them as `invalid_currency`.
 */
import { CURRENCY_PATTERN, currencyExponent, formatPrice } from '../../../money.js';
import { shippingEntries, shippingParts } from '../../../model.js';
import { toMinorUnits } from '../../validate/index.js';
import { at, decimal, fail, knownKeys, object, oneOf } from '../check.js';
import { mulRatio, parseDecimal, pow10, ratio, type Ratio } from '../decimal.js';
import type { Item } from '../../item.js';
import type { ConvertRule } from '../types.js';
import { CHANGED, DROPPED, MISSED, UNCHANGED, type RuleKindDef } from './kind.js';

type ConvertBody = ConvertRule['convert'];

const MONEY = ['price', 'salePrice', 'shippingPrice'] as const;

/** minor(from) → minor(to): minor × rate × 10^exp(to) / 10^exp(from). */
export function conversionRatio(rate: string, from: string, to: string): Ratio {
  const r = parseDecimal(rate);
  return ratio(r.units * pow10(currencyExponent(to)), pow10(r.scale + currencyExponent(from)));
}

export const convertKind: RuleKindDef<ConvertBody> = {
  validate(ctx, raw) {
    const obj = object(ctx, raw);
    if (obj === undefined) return undefined;
    knownKeys(ctx, obj, ['to', 'rates', 'onMissingRate']);
    const to = typeof obj.to === 'string' && CURRENCY_PATTERN.test(obj.to) ? obj.to : fail(at(ctx, 'to'), 'an ISO 4217 currency code such as USD', obj.to);
    const onMissingRate = oneOf(at(ctx, 'onMissingRate'), obj.onMissingRate, ['drop', 'keep'] as const, 'drop');
    const rctx = at(ctx, 'rates');
    const ratesRaw = obj.rates === undefined ? fail(rctx, 'rates: {<currency>: <rate>, …}') : object(rctx, obj.rates);
    if (ratesRaw === undefined) return undefined;
    const rates: Record<string, string> = {};
    let ok = true;
    for (const [currency, value] of Object.entries(ratesRaw)) {
      const c = at(rctx, currency);
      if (!CURRENCY_PATTERN.test(currency)) {
        fail(c, 'an ISO 4217 currency code as key, such as EUR', currency);
        ok = false;
        continue;
      }
      const rate = decimal(c, value, { min: 0, exclusiveMin: true, what: 'a rate above 0 such as "1.0843" (quote it to keep every digit)' });
      if (rate === undefined) ok = false;
      else rates[currency] = rate;
    }
    if (Object.keys(ratesRaw).length === 0) return fail(rctx, 'at least one rate');
    if (!ok || to === undefined || onMissingRate === undefined) return undefined;
    return { to, rates, onMissingRate };
  },

  compile(body) {
    const ratios = new Map<string, Ratio>();
    for (const [from, rate] of Object.entries(body.rates)) ratios.set(from, conversionRatio(rate, from, body.to));
    const onMissing = body.onMissingRate === 'drop' ? DROPPED : MISSED;
    return (item: Item) => {
      if (item.currency === body.to) return UNCHANGED;
      const r = ratios.get(item.currency);
      if (r === undefined) return onMissing;
      // Compute every field first: an item is converted whole or not at all.
      const next: (number | null)[] = [];
      for (const f of MONEY) {
        const v = item[f];
        if (v === null) {
          next.push(null);
          continue;
        }
        const out = mulRatio(v, r);
        if (!Number.isSafeInteger(out)) return MISSED;
        next.push(out);
      }
      const entries = item.attrs.shipping;
      const shipping = entries === undefined ? undefined : convertedEntries(entries, item.currency, body.to, r);
      if (shipping === null) return MISSED;
      item.price = next[0] as number;
      item.salePrice = next[1] ?? null;
      item.shippingPrice = next[2] ?? null;
      item.currency = body.to;
      if (shipping !== undefined) item.attrs.shipping = shipping;
      return CHANGED;
    };
  },
};

/**
 * Shipping entries (`country:region:service:price`) with their prices converted; an entry whose price
 * cannot be read in `from` stays as written, for the channel to report. null when a converted
 * price is out of range (the item is then left unconverted, as for its other prices).
 */
function convertedEntries(text: string, from: string, to: string, r: Ratio): string | null {
  const out: string[] = [];
  for (const entry of shippingEntries(text)) {
    // The price is the fourth part (day counts may follow it); a bare amount is all price.
    const parts = entry.includes(':') ? shippingParts(entry) : [entry];
    const at = parts?.length === 1 ? 0 : 3;
    const price = parts === undefined ? undefined : toMinorUnits((parts[at] as string).trim(), from);
    if (parts === undefined || price === undefined || !price.ok) {
      out.push(entry);
      continue;
    }
    const minor = mulRatio(price.minor, r);
    if (!Number.isSafeInteger(minor)) return null;
    parts[at] = formatPrice(minor, to);
    out.push(parts.join(':'));
  }
  return out.join(',');
}
