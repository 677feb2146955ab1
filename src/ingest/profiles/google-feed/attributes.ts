/**
 * Google Merchant Center product attributes → the canonical model. Shared by the XML (RSS 2.0 /
 * Atom with the `g:` namespace) and the TSV readers, which both first gather each item as
 * attribute name → values (an attribute may repeat: additional_image_link, shipping, product_type).
 */
import { firstShippingPrice, type OfferInput, type ProductInput } from '../../../model.js';
import type { FieldProblem, FieldReader } from '../../fields.js';

/**
 * One item's attributes by Google name. The XML reader gathers them into a map per item; the TSV
 * reader answers from the row's cells through a layout built once per header, so that a row costs
 * no map or array per cell (it was a third of a TSV row's mapping).
 */
export interface GoogleItem {
  /** The attribute's first value (of a list cell such as `additional_image_link`, its first entry). */
  first(key: string): string | undefined;
  /** Every value of the attribute, in order; undefined when it has none. */
  all(key: string): readonly string[] | undefined;
  /** The attributes kept as they are (see `keptAsAttribute`), each as its non-empty values joined by commas. */
  kept(): Record<string, string> | undefined;
}

/** Attributes the model has no field for are kept whole, and shipping too (its country and service matter). */
export function keptAsAttribute(key: string): boolean {
  return !MAPPED.has(key) || key === 'shipping';
}

/** A kept attribute's text: its non-empty values joined by commas, or undefined. */
export function keptText(values: readonly string[]): string | undefined {
  let text = '';
  for (const v of values) {
    if (v === '') continue;
    text = text === '' ? v : `${text},${v}`;
  }
  return text === '' ? undefined : text;
}

/**
 * The XML reader's items: attribute name → values, in document order. A wrapper, not a subclass of
 * Map: a subclass's instances leave V8's fast paths for maps (the XML map step went from 22 to 29
 * µs a record with one).
 */
export class GoogleItemMap implements GoogleItem {
  readonly values = new Map<string, string[]>();

  first(key: string): string | undefined {
    return this.values.get(key)?.[0];
  }

  all(key: string): readonly string[] | undefined {
    return this.values.get(key);
  }

  kept(): Record<string, string> | undefined {
    let attrs: Record<string, string> | undefined;
    for (const [k, values] of this.values) {
      if (!keptAsAttribute(k)) continue;
      const v = keptText(values);
      if (v !== undefined) (attrs ??= {})[k] = v;
    }
    return attrs;
  }
}

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
  const id = r.id('id', item.first('id'));
  const price = r.price('price', item.first('price'), defaultCurrency, true);
  const sale = r.price('sale_price', item.first('sale_price'), price?.currency ?? defaultCurrency, false);
  const firstShipping = item.first('shipping');
  const shipping = r.price('shipping', firstShipping === undefined ? undefined : firstShippingPrice(firstShipping), price?.currency ?? defaultCurrency, false);
  const link = r.url('link', item.first('link'));
  const image = r.url('image_link', item.first('image_link'));
  let additional: string[] | undefined;
  for (const v of item.all('additional_image_link') ?? []) {
    for (const u of r.urls('additional_image_link', v) ?? []) (additional ??= []).push(u);
  }
  const quantity = r.int('quantity', item.first('quantity') ?? item.first('sell_on_google_quantity'), 0);
  const availability = r.availability('availability', item.first('availability'));
  const condition = r.condition('condition', item.first('condition'));
  const title = r.text('title', item.first('title'));
  const description = r.text('description', item.first('description'));
  if (r.problem !== undefined || id === undefined || price === undefined) return undefined;

  let attrs = item.kept();
  // A bare amount names no country: it is the shipping price alone, as the generic profile reads it.
  if (attrs?.shipping !== undefined && !attrs.shipping.includes(':')) attrs = withoutKey(attrs, 'shipping');
  const productTypes = item.all('product_type');
  if (productTypes !== undefined && productTypes.length > 1) (attrs ??= {}).product_type = productTypes.join(',');
  const product: ProductInput = {
    title,
    description,
    brand: r.text('brand', item.first('brand')),
    category: r.text('product_type', productTypes?.[0]),
    googleCategory: r.text('google_product_category', item.first('google_product_category')),
    link,
    image,
    additionalImages: additional,
    attrs,
  };
  const offer: OfferInput = {
    id,
    groupId: r.text('item_group_id', item.first('item_group_id')),
    price: price.minor,
    salePrice: sale?.minor,
    currency: price.currency,
    availability: availability ?? (quantity === undefined ? undefined : quantity > 0 ? 'in_stock' : 'out_of_stock'),
    quantity,
    gtin: r.text('gtin', item.first('gtin'))?.replace(/[\s-]/g, ''),
    mpn: r.text('mpn', item.first('mpn')),
    condition,
    color: r.text('color', item.first('color')),
    size: r.text('size', item.first('size')),
    gender: r.text('gender', item.first('gender')),
    ageGroup: r.text('age_group', item.first('age_group')),
    material: r.text('material', item.first('material')),
    shippingPrice: shipping?.minor,
  };
  const late = r.problem as FieldProblem | undefined;
  return late === undefined ? { product, offer } : undefined;
}


function withoutKey(attrs: Record<string, string>, key: string): Record<string, string> | undefined {
  let rest: Record<string, string> | undefined;
  for (const k in attrs) if (k !== key) (rest ??= {})[k] = attrs[k] as string;
  return rest;
}
