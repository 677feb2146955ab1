/**
 * Merchant offers as a Google Shopping RSS 2.0 feed (`g:` namespace). Text is escaped; HTML
 * descriptions go in CDATA as many shop exports do, so readers meet both forms. Empty values are
 * left out, as Google's own examples do. Availability uses Google's underscore spelling.
 */
import type { MerchantOffers, MerchantOffer } from './merchant-offers.js';
import type { RecordSource } from './record-source.js';
import { amount, xmlText } from './text.js';

export class MerchantXml implements RecordSource {
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
    return (
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n' +
      '<channel>\n' +
      '<title>Boutique Lumière &amp; Fils — catalogue</title>\n' +
      '<link>https://www.shop.example/</link>\n' +
      '<description>Flux produits généré (feedmill bench)</description>\n'
    );
  }

  next(): string | undefined {
    const o = this.#offers.next();
    return o === undefined ? undefined : rssItem(o);
  }

  tail(): string {
    return '</channel>\n</rss>\n';
  }
}

function opt(tag: string, value: string): string {
  return value === '' ? '' : `<g:${tag}>${xmlText(value)}</g:${tag}>\n`;
}

function shipping(value: string): string {
  const [country = '', region = '', service = '', price = ''] = value.split(':');
  return `<g:shipping><g:country>${country}</g:country>${region ? `<g:region>${xmlText(region)}</g:region>` : ''}${service ? `<g:service>${xmlText(service)}</g:service>` : ''}<g:price>${price}</g:price></g:shipping>\n`;
}

export function rssItem(o: MerchantOffer): string {
  const description = o.html ? `<![CDATA[${o.description}]]>` : xmlText(o.description);
  let images = '';
  for (const url of o.additionalImages) images += `<g:additional_image_link>${url}</g:additional_image_link>\n`;
  const sale = o.salePrice >= 0 ? `<g:sale_price>${amount(o.salePrice)} ${o.currency}</g:sale_price>\n` : '';
  return `<item>
<g:id>${o.id}</g:id>
<title>${xmlText(o.title)}</title>
<description>${description}</description>
<link>${xmlText(o.link)}</link>
<g:image_link>${o.imageLink}</g:image_link>
${images}<g:price>${amount(o.price)} ${o.currency}</g:price>
${sale}<g:availability>${o.availability.replaceAll(' ', '_')}</g:availability>
${opt('brand', o.brand)}${opt('gtin', o.gtin)}${opt('mpn', o.mpn)}<g:condition>${o.condition}</g:condition>
${opt('google_product_category', o.googleCategory)}${opt('product_type', o.productType)}${opt('item_group_id', o.itemGroupId)}${opt('color', o.color)}${opt('size', o.size)}${opt('gender', o.gender)}${opt('age_group', o.ageGroup)}${opt('material', o.material)}${shipping(o.shipping)}</item>
`;
}
