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
  // Fields copied one by one: an object rest/spread here cost 12-19 µs per row (profiled in the
  // pool worker), an explicit literal under 1 µs, and this runs once per offer per export.
  let attrs: Record<string, string>;
  if (row.productAttrs === null) attrs = row.offerAttrs === null ? {} : (JSON.parse(row.offerAttrs) as Record<string, string>);
  else {
    attrs = JSON.parse(row.productAttrs) as Record<string, string>;
    if (row.offerAttrs !== null) Object.assign(attrs, JSON.parse(row.offerAttrs) as Record<string, string>);
  }
  return {
    oid: row.oid,
    id: row.id,
    groupId: row.groupId,
    productKey: row.productKey,
    title: row.title,
    description: row.description,
    brand: row.brand,
    category: row.category,
    googleCategory: row.googleCategory,
    link: row.link,
    image: row.image,
    additionalImages: row.additionalImages,
    price: row.price,
    salePrice: row.salePrice,
    currency: row.currency,
    availability: row.availability,
    quantity: row.quantity,
    gtin: row.gtin,
    mpn: row.mpn,
    condition: row.condition,
    color: row.color,
    size: row.size,
    gender: row.gender,
    ageGroup: row.ageGroup,
    material: row.material,
    shippingPrice: row.shippingPrice,
    departureDate: row.departureDate,
    nights: row.nights,
    room: row.room,
    board: row.board,
    seats: row.seats,
    line: row.line,
    attrs,
  };
}

/** A copy safe to mutate: `attrs` is the only nested object. */
export function cloneItem(item: Item): Item {
  return { ...item, attrs: { ...item.attrs } };
}

/**
 * The same item from a raw row (better-sqlite3 `.raw(true)`, columns in STAGED_OFFER_SQL order).
 * Raw rows scan about 1.8x faster than named-column objects: the export reads every offer once per
 * run, so the transform workers use this form.
 */
export function itemFromRaw(r: readonly unknown[]): Item {
  const productAttrs = r[31] as string | null;
  const offerAttrs = r[32] as string | null;
  let attrs: Record<string, string>;
  if (productAttrs === null) attrs = offerAttrs === null ? {} : (JSON.parse(offerAttrs) as Record<string, string>);
  else {
    attrs = JSON.parse(productAttrs) as Record<string, string>;
    if (offerAttrs !== null) Object.assign(attrs, JSON.parse(offerAttrs) as Record<string, string>);
  }
  return {
    oid: r[0] as number,
    id: r[1] as string,
    groupId: r[2] as string | null,
    productKey: r[3] as string | null,
    title: r[4] as string | null,
    description: r[5] as string | null,
    brand: r[6] as string | null,
    category: r[7] as string | null,
    googleCategory: r[8] as string | null,
    link: r[9] as string | null,
    image: r[10] as string | null,
    additionalImages: r[11] as string | null,
    price: r[12] as number,
    salePrice: r[13] as number | null,
    currency: r[14] as string,
    availability: r[15] as string | null,
    quantity: r[16] as number | null,
    gtin: r[17] as string | null,
    mpn: r[18] as string | null,
    condition: r[19] as string | null,
    color: r[20] as string | null,
    size: r[21] as string | null,
    gender: r[22] as string | null,
    ageGroup: r[23] as string | null,
    material: r[24] as string | null,
    shippingPrice: r[25] as number | null,
    departureDate: r[26] as string | null,
    nights: r[27] as number | null,
    room: r[28] as string | null,
    board: r[29] as string | null,
    seats: r[30] as number | null,
    line: r[33] as number | null,
    attrs,
  };
}

/**
 * Additional images without the main one. A variant with its own image inherits its product's other
 * images (PrestaShop combinations, Magento children), which often list that same image; Google and
 * Meta want the additional images to be other pictures. Cheap when they differ: one substring test.
 */
export function withoutMainImage(item: Item): void {
  const main = item.image;
  const more = item.additionalImages;
  if (main === null || more === null || !more.includes(main)) return;
  const rest = more.split('\n').filter((u) => u !== main);
  item.additionalImages = rest.length === 0 ? null : rest.join('\n');
}
