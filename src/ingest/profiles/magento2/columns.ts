/**
 * Column positions of a Magento 2 `catalog_product` export, resolved once from the header so the
 * per-row code reads cells by index. Magento writes lower-case snake_case names; a column a given
 * export lacks reads as empty.
 */
import { FeedmillError } from '../../../errors.js';

/** The columns the mapper reads; any other column is ignored. */
export const MAGENTO_COLUMNS = [
  'sku', 'store_view_code', 'attribute_set_code', 'product_type', 'categories', 'product_websites', 'name',
  'description', 'short_description', 'weight', 'product_online', 'tax_class_name', 'visibility', 'price',
  'special_price', 'special_price_from_date', 'special_price_to_date', 'url_key', 'meta_title', 'base_image',
  'base_image_label', 'small_image', 'thumbnail_image', 'country_of_manufacture', 'msrp_price', 'additional_attributes',
  'qty', 'is_qty_decimal', 'allow_backorders', 'use_config_backorders', 'is_in_stock', 'configurable_variations',
  'additional_images',
] as const;

export type MagentoColumn = (typeof MAGENTO_COLUMNS)[number];

/** Columns that identify the native export; `sku` and `product_type` are required. */
const REQUIRED: readonly MagentoColumn[] = ['sku', 'product_type'];
const SIGNATURE = ['store_view_code', 'attribute_set_code', 'product_websites', 'additional_attributes', 'configurable_variations', 'product_online', 'url_key'];

export type ColumnIndex = Readonly<Record<MagentoColumn, number>>;

export function columnIndex(header: readonly string[], sourceName: string): ColumnIndex {
  const pos = new Map<string, number>();
  header.forEach((h, i) => {
    const k = h.trim().toLowerCase();
    if (!pos.has(k)) pos.set(k, i);
  });
  const missing = REQUIRED.filter((c) => !pos.has(c));
  if (missing.length > 0) {
    throw new FeedmillError(
      'FEEDMILL_PROFILE_MISMATCH',
      `${sourceName} is not a Magento 2 catalog_product export: the header lacks ${missing.join(', ')}; export it from System > Data Transfer > Export (entity type Products) or pick another --profile`,
      { profile: 'magento2', missing, header: header.slice(0, 20) },
    );
  }
  const out = {} as Record<MagentoColumn, number>;
  for (const c of MAGENTO_COLUMNS) out[c] = pos.get(c) ?? -1;
  return out;
}

/** 0..1 for --profile auto: sku + product_type and the export's own column names. */
export function detectMagentoHeader(header: readonly string[]): number {
  const names = new Set(header.map((h) => h.trim().toLowerCase()));
  if (!names.has('sku') || !names.has('product_type')) return 0;
  const hits = SIGNATURE.filter((c) => names.has(c)).length;
  if (hits >= 3) return 0.95;
  if (hits >= 1) return 0.7;
  return 0.3;
}

/** The cell of `col` in `fields`, '' when the export has no such column. */
export function cell(fields: readonly string[], idx: ColumnIndex, col: MagentoColumn): string {
  const i = idx[col];
  return i < 0 ? '' : (fields[i] ?? '');
}
