/**
 * Google Merchant Center product attributes → the canonical model. Shared by the XML (RSS 2.0 /
 * Atom with the `g:` namespace) and the TSV readers, which both first gather each item as
 * attribute name → values (an attribute may repeat: additional_image_link, shipping, product_type).
 */
import { firstShippingPrice, type OfferInput, type ProductInput } from '../../../model.js';
import type { FieldProblem, FieldReader } from '../../fields.js';

export type GoogleItem = Map<string, string[]>;

/** Attributes that map to canonical fields; every other attribute is kept in `attrs`. */
export const MAPPED = new Set([
  'id', 'title', 'description', 'link', 'image_link', 'additional_image_link', 'price', 'sale_price', 'availability',
  'brand', 'gtin', 'mpn', 'condition', 'google_product_category', 'product_type', 'item_group_id', 'color', 'size',
  'gender', 'age_group', 'material', 'shipping', 'quantity', 'sell_on_google_quantity',
]);

/** Every attribute name of the product data specification (for TSV header detection). */
export const GOOGLE_ATTRIBUTES = new Set([
  ...MAPPED,
  'mobile_link', 'canonical_link', 'lifestyle_image_link', 'availability_date', 'cost_of_goods_sold', 'expiration_date',
  'unit_pricing_measure', 'unit_pricing_base_measure', 'installment', 'subscription_cost', 'loyalty_points',
  'sale_price_effective_date', 'identifier_exists', 'multipack', 'is_bundle', 'adult', 'energy_efficiency_class',
  'min_energy_efficiency_class', 'max_energy_efficiency_class', 'age_group', 'pattern', 'size_type', 'size_system',
  'product_detail', 'product_highlight', 'product_length', 'product_width', 'product_height', 'product_weight',
  'ads_redirect', 'custom_label_0', 'custom_label_1', 'custom_label_2', 'custom_label_3', 'custom_label_4',
  'promotion_id', 'excluded_destination', 'included_destination', 'shopping_ads_excluded_country', 'pause',
  'shipping_label', 'shipping_weight', 'shipping_length', 'shipping_width', 'shipping_height', 'transit_time_label',
  'max_handling_time', 'min_handling_time', 'tax', 'tax_category', 'certification', 'external_seller_id',
  'short_title', 'virtual_model_link', 'link_template', 'mobile_link_template', 'free_shipping_threshold',
]);

export interface MappedItem {
  product: ProductInput;
  offer: OfferInput;
}

/**
 * Maps one item. Returns undefined with `r.problem` set when the item must be rejected. `r` is reset
 * by the caller.
 */
export function mapGoogleItem(item: GoogleItem, r: FieldReader, defaultCurrency: string | undefined): MappedItem | undefined {
  const id = r.id('id', first(item, 'id'));
  const price = r.price('price', first(item, 'price'), defaultCurrency, true);
  const sale = r.price('sale_price', first(item, 'sale_price'), price?.currency ?? defaultCurrency, false);
  const shippingValues = item.get('shipping') ?? [];
  const shipping = r.price('shipping', shippingValues.length > 0 ? firstShippingPrice(shippingValues[0] as string) : undefined, price?.currency ?? defaultCurrency, false);
  const link = r.url('link', first(item, 'link'));
  const image = r.url('image_link', first(item, 'image_link'));
  const additional: string[] = [];
  for (const v of item.get('additional_image_link') ?? []) {
    for (const u of r.urls('additional_image_link', v) ?? []) additional.push(u);
  }
  const quantity = r.int('quantity', first(item, 'quantity') ?? first(item, 'sell_on_google_quantity'), 0);
  const availability = r.availability('availability', first(item, 'availability'));
  const condition = r.condition('condition', first(item, 'condition'));
  const title = r.text('title', first(item, 'title'));
  const description = r.text('description', first(item, 'description'));
  if (r.problem !== undefined || id === undefined || price === undefined) return undefined;

  let attrs: Record<string, string> | undefined;
  for (const [k, values] of item) {
    if (MAPPED.has(k) && k !== 'shipping') continue;
    const v = values.filter((x) => x !== '').join(',');
    if (v !== '') (attrs ??= {})[k] = v;
  }
  const productTypes = item.get('product_type') ?? [];
  if (productTypes.length > 1) (attrs ??= {}).product_type = productTypes.join(',');
  const product: ProductInput = {
    title,
    description,
    brand: r.text('brand', first(item, 'brand')),
    category: r.text('product_type', productTypes[0]),
    googleCategory: r.text('google_product_category', first(item, 'google_product_category')),
    link,
    image,
    additionalImages: additional.length > 0 ? additional : undefined,
    attrs,
  };
  const offer: OfferInput = {
    id,
    groupId: r.text('item_group_id', first(item, 'item_group_id')),
    price: price.minor,
    salePrice: sale?.minor,
    currency: price.currency,
    availability: availability ?? (quantity === undefined ? undefined : quantity > 0 ? 'in_stock' : 'out_of_stock'),
    quantity,
    gtin: r.text('gtin', first(item, 'gtin'))?.replace(/[\s-]/g, ''),
    mpn: r.text('mpn', first(item, 'mpn')),
    condition,
    color: r.text('color', first(item, 'color')),
    size: r.text('size', first(item, 'size')),
    gender: r.text('gender', first(item, 'gender')),
    ageGroup: r.text('age_group', first(item, 'age_group')),
    material: r.text('material', first(item, 'material')),
    shippingPrice: shipping?.minor,
  };
  const late = r.problem as FieldProblem | undefined;
  return late === undefined ? { product, offer } : undefined;
}

/**
 * An attribute's first value. A module function, not a closure made per item: under tsx (esbuild's
 * keepNames) every named closure created costs a `__name` call, ~0.5 µs here, once per record.
 */
function first(item: GoogleItem, key: string): string | undefined {
  return item.get(key)?.[0];
}
