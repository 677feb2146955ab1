/**
 * Merchant offers as CSV in the `generic` profile's canonical columns (docs/source-formats.md):
 * comma-separated, RFC 4180 quoting (fields with commas, quotes or line breaks are quoted, inner
 * quotes doubled), LF line ends, UTF-8 without BOM.
 */
import type { MerchantOffers, MerchantOffer } from './merchant-offers.js';
import type { RecordSource } from './record-source.js';
import { amount, csvField } from './text.js';

export const MERCHANT_CSV_COLUMNS = [
  'id', 'title', 'description', 'link', 'image_link', 'additional_image_link', 'price', 'sale_price',
  'currency', 'availability', 'quantity', 'brand', 'gtin', 'mpn', 'condition', 'google_product_category',
  'product_type', 'item_group_id', 'color', 'size', 'gender', 'age_group', 'material', 'shipping',
] as const;

export class MerchantCsv implements RecordSource {
  readonly #offers: MerchantOffers;

  constructor(offers: MerchantOffers) {
    this.#offers = offers;
  }

  get offers(): number {
    return this.#offers.emitted;
  }

  get products(): number {
    return this.#offers.products;
  }

  head(): string {
    return `${MERCHANT_CSV_COLUMNS.join(',')}\n`;
  }

  next(): string | undefined {
    const o = this.#offers.next();
    return o === undefined ? undefined : csvRow(o);
  }

  tail(): string {
    return '';
  }
}

function price(o: MerchantOffer, minor: number): string {
  // A decimal comma must be quoted in a comma-separated file.
  return o.decimalComma ? `"${amount(minor, ',')}"` : amount(minor);
}

export function csvRow(o: MerchantOffer): string {
  const sale = o.salePrice >= 0 ? price(o, o.salePrice) : '';
  return `${o.id},${csvField(o.title)},${csvField(o.description)},${o.link},${o.imageLink},${csvField(o.additionalImages.join(','))},${price(o, o.price)},${sale},${o.currency},${o.availability},${o.quantity},${csvField(o.brand)},${o.gtin},${o.mpn},${o.condition},${csvField(o.googleCategory)},${csvField(o.productType)},${o.itemGroupId},${csvField(o.color)},${csvField(o.size)},${o.gender},${o.ageGroup},${csvField(o.material)},${o.shipping}\n`;
}
