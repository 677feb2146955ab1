/**
 * One default-scope row of a Magento 2 export mapped to the canonical model. Pure: no sink, no
 * database; the mapper decides what to do with the result (write, defer, or keep as a parent).
 */
import type { Availability, OfferInput, ProductInput } from '../../../model.js';
import { FieldReader, normalizeCondition, type FieldProblem } from '../../fields.js';
import { joinUrl, present } from '../common.js';
import { parseAdditionalAttributes, parseConfigurableVariations, type Variation } from './additional-attributes.js';
import { cell, type ColumnIndex, type MagentoColumn } from './columns.js';

export interface MagentoSettings {
  /** Storefront base URL (`base-url`), without trailing slash; links are left unset without it. */
  baseUrl: string | undefined;
  /** Product media base (`media-url`), default `{base-url}/media/catalog/product`. */
  mediaUrl: string | undefined;
  /** Product URL suffix (`url-suffix`), Magento's default `.html`. */
  urlSuffix: string;
  /** Store view whose override rows apply (`store-view`); undefined keeps the default scope only. */
  storeView: string | undefined;
  defaultCurrency: string | undefined;
}

export type MappedRow =
  | { kind: 'reject'; problem: FieldProblem }
  | { kind: 'disabled' }
  | { kind: 'parent'; sku: string; online: boolean; product: ProductInput; variations: Variation[] }
  | { kind: 'offer'; visible: boolean; product: ProductInput; offer: OfferInput };

/** Visibility value of simple products that only exist as options of a configurable parent. */
export const NOT_VISIBLE = 'not visible individually';

/** Magento columns kept in attrs under their own name when non-empty (rules and channels use them). */
const ATTR_COLUMNS: readonly MagentoColumn[] = [
  'attribute_set_code', 'product_type', 'visibility', 'weight', 'tax_class_name', 'country_of_manufacture',
  'msrp_price', 'meta_title', 'url_key', 'base_image', 'base_image_label', 'categories', 'product_websites',
];

/** additional_attributes codes that feed canonical offer fields. */
const BRAND_CODES = ['brand', 'manufacturer'];
const GTIN_CODES = ['gtin', 'ean', 'ean13', 'upc', 'isbn'];

export function mapMagentoRow(fields: readonly string[], idx: ColumnIndex, s: MagentoSettings, r: FieldReader): MappedRow {
  const get = (c: MagentoColumn) => cell(fields, idx, c);
  r.reset();
  const sku = r.text('sku', get('sku'));
  if (sku === undefined) {
    return { kind: 'reject', problem: r.problem ?? { code: 'RECORD_MISSING_ID', field: 'sku', message: 'the row has no sku; every Magento product needs one' } };
  }
  const online = !['2', '0'].includes(get('product_online').trim());
  const extra = parseAdditionalAttributes(get('additional_attributes'));
  const attrs: Record<string, string> = {};
  for (const c of ATTR_COLUMNS) {
    const v = present(get(c));
    if (v !== undefined) attrs[c] = v;
  }
  for (const [k, v] of extra) if (v !== '') attrs[k] = v;
  const product = productContent(sku, get, extra, attrs, s, r);
  if (r.problem !== undefined) return { kind: 'reject', problem: r.problem };

  const type = get('product_type').trim().toLowerCase();
  if (type === 'configurable') {
    return { kind: 'parent', sku, online, product, variations: parseConfigurableVariations(get('configurable_variations')) };
  }
  if (!online) return { kind: 'disabled' };

  const price = r.price('price', get('price'), s.defaultCurrency, true);
  const special = r.price('special_price', get('special_price'), price?.currency ?? s.defaultCurrency, false);
  const qtyText = get('qty').trim();
  // Decimal stock (fabric by the metre) counts the whole units that can be sold.
  const decimalQty = get('is_qty_decimal').trim() === '1' && /^-?[0-9]+\.[0-9]+$/.test(qtyText);
  const qty = decimalQty ? Number(qtyText.slice(0, qtyText.indexOf('.'))) : r.int('qty', qtyText);
  if (r.problem !== undefined || price === undefined) {
    return { kind: 'reject', problem: r.problem ?? { code: 'RECORD_MISSING_PRICE', field: 'price', message: `sku ${sku} has no price` } };
  }
  const quantity = qty === undefined ? undefined : Math.max(0, qty);

  const from = present(get('special_price_from_date'));
  const to = present(get('special_price_to_date'));
  const offerAttrs: Record<string, string> = {};
  if (special !== undefined && (from !== undefined || to !== undefined)) {
    offerAttrs.sale_price_effective_date = `${from ?? ''}/${to ?? ''}`;
  }
  const visibility = get('visibility').trim().toLowerCase();
  const offer: OfferInput = {
    id: sku,
    title: product.title,
    price: price.minor,
    // A special price at or above the price is not a sale: Magento shows the lower of the two.
    salePrice: special !== undefined && special.minor < price.minor ? special.minor : undefined,
    currency: price.currency,
    availability: availability(get, quantity),
    quantity,
    gtin: pick(extra, GTIN_CODES)?.replace(/[\s-]/g, ''),
    mpn: present(extra.get('mpn')),
    condition: conditionOf(extra.get('condition')),
    color: present(extra.get('color')),
    size: present(extra.get('size')),
    gender: present(extra.get('gender')),
    ageGroup: present(extra.get('age_group')),
    material: materialOf(extra.get('material')),
    attrs: offerAttrs,
  };
  return { kind: 'offer', visible: visibility !== NOT_VISIBLE, product, offer };
}

function productContent(
  sku: string,
  get: (c: MagentoColumn) => string,
  extra: Map<string, string>,
  attrs: Record<string, string>,
  s: MagentoSettings,
  r: FieldReader,
): ProductInput {
  const name = r.text('name', get('name'));
  const urlKey = present(get('url_key')) ?? (name === undefined ? undefined : formatUrlKey(name));
  const image = imagePath(get('base_image')) ?? imagePath(get('small_image')) ?? imagePath(get('thumbnail_image'));
  const mediaUrl = s.mediaUrl ?? (s.baseUrl === undefined ? undefined : joinUrl(s.baseUrl, 'media/catalog/product'));
  const additional = get('additional_images')
    .split(',')
    .map(imagePath)
    .filter((p): p is string => p !== undefined && p !== image);
  return {
    key: sku,
    title: name,
    description: r.text('description', get('description')) ?? r.text('short_description', get('short_description')),
    brand: pick(extra, BRAND_CODES),
    category: categoryPath(get('categories')),
    link: s.baseUrl === undefined || urlKey === undefined ? undefined : joinUrl(s.baseUrl, `${urlKey}${s.urlSuffix}`),
    image: mediaUrl === undefined || image === undefined ? undefined : absoluteImage(mediaUrl, image),
    additionalImages: mediaUrl === undefined ? undefined : additional.map((p) => absoluteImage(mediaUrl, p)),
    attrs,
  };
}

function availability(get: (c: MagentoColumn) => string, quantity: number | undefined): Availability {
  const inStock = get('is_in_stock').trim();
  if (inStock === '0') return 'out_of_stock';
  if (inStock === '') return quantity !== undefined && quantity > 0 ? 'in_stock' : 'out_of_stock';
  // In stock with nothing on hand: sellable only through backorders (1 = allow, 2 = allow and notify).
  const backorders = get('use_config_backorders').trim() !== '1' && ['1', '2'].includes(get('allow_backorders').trim());
  if (quantity !== undefined && quantity <= 0 && backorders) return 'backorder';
  return 'in_stock';
}

/** `no_selection` is Magento's "no image" marker. */
function imagePath(v: string): string | undefined {
  const p = present(v);
  return p === undefined || p === 'no_selection' ? undefined : p;
}

function absoluteImage(mediaUrl: string, path: string): string {
  return /^https?:\/\//i.test(path) ? path : joinUrl(mediaUrl, path);
}

/**
 * The most specific category: the longest `/` path, the root category ("Default Category") dropped,
 * written with ` > ` as the model wants. Ties keep the first path, the one Magento lists first.
 */
export function categoryPath(cellValue: string): string | undefined {
  let best: string[] = [];
  for (const path of cellValue.split(',')) {
    const parts = path.split('/').map((p) => p.trim()).filter((p) => p !== '');
    const below = parts.slice(1);
    if (below.length > best.length) best = below;
  }
  return best.length === 0 ? undefined : best.join(' > ');
}

/** Magento's own url_key rule for names without one: lower case, runs of other characters to `-`. */
export function formatUrlKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function pick(extra: Map<string, string>, codes: readonly string[]): string | undefined {
  for (const c of codes) {
    const v = present(extra.get(c));
    if (v !== undefined) return v;
  }
  return undefined;
}

/** An unknown condition text is left out: it is an optional attribute, not worth a reject. */
export function conditionOf(v: string | undefined): OfferInput['condition'] {
  const c = present(v);
  return c === undefined ? undefined : normalizeCondition(c);
}

/** Multiselect materials (`Cotton|Polyester`) in the `/` form channels expect. */
export function materialOf(v: string | undefined): string | undefined {
  const m = present(v);
  return m === undefined ? undefined : m.split('|').map((x) => x.trim()).filter((x) => x !== '').join('/');
}
