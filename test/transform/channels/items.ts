/** Items for channel tests: one complete merchant offer, one tour departure, and the fixed golden list. */
import type { Item } from '../../../src/transform/index.js';

export function merchantItem(overrides: Partial<Item> = {}): Item {
  return {
    oid: 1,
    id: 'SKU-1',
    groupId: 'G-1',
    productKey: 'G-1',
    title: 'Organic cotton hoodie',
    description: 'Soft hoodie made of organic cotton.',
    brand: 'Acme',
    category: 'Men > Tops > Hoodies',
    googleCategory: '212',
    link: 'https://shop.example/p/sku-1',
    image: 'https://shop.example/img/sku-1.jpg',
    additionalImages: null,
    price: 4999,
    salePrice: null,
    currency: 'EUR',
    availability: 'in_stock',
    quantity: 5,
    gtin: '4006381333931',
    mpn: 'HD-1',
    condition: 'new',
    color: 'Red',
    size: 'M',
    gender: 'men',
    ageGroup: 'adult',
    material: 'Cotton',
    shippingPrice: 495,
    departureDate: null,
    nights: null,
    room: null,
    board: null,
    seats: null,
    line: 2,
    attrs: { delivery_time: '1-3 working days' },
    ...overrides,
  };
}

export function departureItem(overrides: Partial<Item> = {}): Item {
  return merchantItem({
    id: 'CRE-0001-2027-05-01-7-DBL-HB',
    groupId: null,
    productKey: 'CRE-0001',
    title: 'Crete, Hotel Knossos Beach, 4*',
    description: 'Seafront hotel, 5 minutes from Heraklion',
    brand: null,
    category: 'Greece > Crete',
    googleCategory: null,
    link: 'https://tours.example/trips/cre-0001',
    image: 'https://tours.example/img/cre-0001.jpg',
    price: 129900,
    gtin: null,
    mpn: null,
    condition: null,
    color: null,
    size: null,
    gender: null,
    ageGroup: null,
    material: null,
    shippingPrice: null,
    quantity: null,
    departureDate: '2027-05-01',
    nights: 7,
    room: 'DBL',
    board: 'HB',
    seats: 4,
    attrs: { hotel_id: 'H-0042', hotel_name: 'Knossos Beach', stars: '4' },
    ...overrides,
  });
}

/**
 * The golden list: every kind of value a channel must handle, including the ones it must clean
 * (HTML, references, controls, long text), escape (AT&T, quotes, delimiters, line breaks,
 * non-ASCII) and exclude (no price, a bad link).
 */
export const GOLDEN_ITEMS: readonly Item[] = [
  merchantItem(),
  merchantItem({
    oid: 2,
    id: 'SKU-2',
    title: 'AT&amp;T "Smart" phone, 5G; 128 GB | black',
    description: '<p>Fast &amp; <b>light</b>.</p>\n<ul><li>Line one</li><li>Tab\there</li></ul>\u0001',
    brand: 'AT&T',
    category: 'Electronics > Phones',
    additionalImages: 'https://shop.example/img/sku-2-a.jpg\nhttps://shop.example/img/sku-2-b.jpg\nnot-a-url',
    price: 59900,
    salePrice: 49900,
    gtin: '0 36000 29145 2',
    gender: 'unisex',
    color: 'Noir élégant',
    // As a Google feed gives them: a lower-case country, a postal-code range, a bare amount (the
    // item's currency), a part to escape; another currency and a malformed entry are dropped.
    attrs: { shipping: 'fr::Colissimo & Co:4.95 EUR,US:02*:Ground:12.00,DE:::9.00 USD,BE:free shipping' },
  }),
  merchantItem({
    oid: 3,
    id: 'SKU-3',
    title: 'Wool scarf with a very long name that goes on and on past the limits some channels set for titles of offers in their listings',
    description: 'Warm.',
    salePrice: 6000,
    gtin: '4006381333932',
    availability: 'preorder',
    condition: 'refurbished',
    gender: 'women',
    shippingPrice: 0,
    // Google attributes a source feed carries: HTML to strip, a spelling to map, a value out of range.
    attrs: {
      custom_label_0: 'Winter <b>sale</b>',
      identifier_exists: 'FALSE',
      mobile_link: 'https://m.shop.example/p/sku-3',
      multipack: '1',
      excluded_destination: 'Display_ads, YouTube_Shopping',
    },
  }),
  merchantItem({ oid: 4, id: 'SKU-4', link: 'shop.example/p/sku-4' }),
  merchantItem({ oid: 5, id: 'SKU-5', title: null }),
  merchantItem({ oid: 6, id: 'SKU-6', availability: 'out_of_stock', brand: null, description: '日本語の説明 😀' }),
  departureItem(),
  departureItem({ oid: 8, id: 'CRE-0001-2027-05-01-14-DBL-AI', nights: 14, board: 'AI', price: 245050, attrs: { hotel_id: 'H-0042', tax: '120.00' } }),
  departureItem({ oid: 9, id: 'CRE-0001-2027-05-08-7-SGL-HB', departureDate: '2027-05-08', room: 'SGL', availability: 'out_of_stock', seats: 0 }),
];
