/**
 * The item that rules change and channels render: one staged offer (already joined to its product)
 * with the product's and the offer's extra attributes merged into `attrs` (offer wins).
 *
 * Each channel gets its own copy, because one channel's rules must not leak into another's output
 * when all channels are produced in the same pass.
 */
import type { StagedOffer } from '../staging/index.js';

export interface Item extends Omit<StagedOffer, 'productAttrs' | 'offerAttrs'> {
  attrs: Record<string, string>;
}

export type ItemField = Exclude<keyof Item, 'attrs'>;

export function toItem(row: StagedOffer): Item {
  const { productAttrs, offerAttrs, ...fields } = row;
  const attrs: Record<string, string> =
    productAttrs === null ? {} : (JSON.parse(productAttrs) as Record<string, string>);
  if (offerAttrs !== null) Object.assign(attrs, JSON.parse(offerAttrs) as Record<string, string>);
  return { ...fields, attrs };
}

/** A copy safe to mutate: `attrs` is the only nested object. */
export function cloneItem(item: Item): Item {
  return { ...item, attrs: { ...item.attrs } };
}
