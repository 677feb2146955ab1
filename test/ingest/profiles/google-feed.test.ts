import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestFile } from '../../../src/ingest/index.js';
import { googleFeedProfile } from '../../../src/ingest/profiles/google-feed/index.js';
import { isFeedmillError } from '../../../src/errors.js';
import { FIXTURES, offer, rejects, runCsv, runXml } from './helpers.js';
import { testEnv } from '../../helpers/env.js';
import { stagedRows } from '../../helpers/staging.js';

const DIR = join(FIXTURES, 'google-feed');

test('RSS 2.0 with g: attributes: nested shipping, repeated images and product types, core RSS fallbacks', () => {
  const r = runXml(googleFeedProfile, join(DIR, 'rss.xml'), { defaultCurrency: 'EUR' });
  try {
    assert.deepEqual(r.counts, {
      seen: 6,
      accepted: 2,
      rejected: 4,
      products: 0,
      offers: 2,
      duplicates: 1,
      rejectsByCode: { RECORD_MISSING_ID: 1, RECORD_BAD_URL: 1, RECORD_BAD_VALUE: 1, RECORD_DUPLICATE_ID: 1 },
    });
    assert.deepEqual(
      rejects(r.db).map((x) => [x.line, x.field, x.code]),
      [
        [51, 'g:id', 'RECORD_MISSING_ID'],
        [55, 'g:link', 'RECORD_BAD_URL'],
        [60, 'g:availability', 'RECORD_BAD_VALUE'],
        [65, 'id', 'RECORD_DUPLICATE_ID'],
      ],
    );
    const tv = offer(r.db, 'TV-55');
    assert.ok(tv);
    assert.equal(tv.line, 7);
    assert.equal(tv.title, 'Smart TV 55" 4K');
    assert.equal(tv.description, '<p>Ultra HD, HDR & Dolby Vision</p>');
    assert.equal(tv.price, 49_900);
    assert.equal(tv.sale_price, 44_999);
    assert.equal(tv.currency, 'USD', "the price's own currency wins over the default");
    assert.equal(tv.shipping_price, 1600, 'the first shipping group');
    assert.equal(tv.gtin, '0012345678905');
    assert.equal(tv.brand, 'Acme');
    assert.equal(tv.google_category, '404');
    assert.equal(tv.category, 'Electronics > TVs');
    assert.equal(tv.availability, 'in_stock');
    assert.equal(tv.condition, 'new');
    assert.equal(tv.additional_images, 'https://store.example/img/tv-55-side.jpg\nhttps://store.example/img/tv-55-back.jpg');
    assert.deepEqual(JSON.parse(tv.attrs ?? '{}'), {
      sale_price_effective_date: '2027-11-20T00:00-0800/2027-11-30T23:59-0800',
      shipping: 'US:CA:Overnight:16.00 USD,US::Standard:0 USD',
      custom_label_0: 'black-friday',
      product_type: 'Electronics > TVs,Deals',
    });
    const mug = offer(r.db, 'MUG-1');
    assert.ok(mug);
    assert.equal(mug.title, 'Plain RSS title');
    assert.equal(mug.link, 'https://store.example/mug');
    assert.equal(mug.description, 'Mug from the core RSS elements');
    assert.equal(mug.price, 1250);
    assert.equal(mug.currency, 'EUR');
    assert.equal(mug.group_id, 'MUG');
    assert.equal(mug.quantity, 0);
    assert.equal(mug.availability, 'out_of_stock', 'derived from quantity when availability is absent');
    assert.deepEqual([mug.color, mug.size, mug.gender, mug.age_group], ['Red', 'L', 'unisex', 'adult']);
  } finally {
    r.close();
  }
});

test('Atom 1.0 with the Google namespace bound to another prefix', () => {
  const r = runXml(googleFeedProfile, join(DIR, 'atom.xml'), { defaultCurrency: 'USD' });
  try {
    assert.equal(r.counts.seen, 2);
    assert.equal(r.counts.accepted, 1);
    assert.deepEqual(r.counts.rejectsByCode, { RECORD_BAD_PRICE: 1 });
    assert.deepEqual(rejects(r.db).map((x) => [x.line, x.field]), [[17, 'gm:price']]);
    const lamp = offer(r.db, 'LAMP-1');
    assert.ok(lamp);
    assert.equal(lamp.title, 'Desk lamp');
    assert.equal(lamp.link, 'https://store.example/lamp-1', 'link rel=alternate href');
    assert.equal(lamp.description, 'LED desk lamp');
    assert.equal(lamp.price, 3990);
    assert.equal(lamp.currency, 'EUR');
    assert.equal(lamp.availability, 'preorder');
    assert.equal(lamp.mpn, 'DL-100');
  } finally {
    r.close();
  }
});

test("Google TSV: spaced attribute names, comma-separated images and shipping groups", () => {
  const r = runCsv(googleFeedProfile, join(DIR, 'products.tsv'), '\t', { defaultCurrency: 'EUR' });
  try {
    assert.deepEqual(r.counts, {
      seen: 4,
      accepted: 2,
      rejected: 2,
      products: 0,
      offers: 2,
      duplicates: 0,
      rejectsByCode: { RECORD_MISSING_ID: 1, RECORD_BAD_PRICE: 1 },
    });
    assert.deepEqual(rejects(r.db).map((x) => [x.line, x.field, x.code]), [
      [4, 'id', 'RECORD_MISSING_ID'],
      [5, 'price', 'RECORD_BAD_PRICE'],
    ]);
    const shoe = offer(r.db, 'SHOE-42');
    assert.ok(shoe);
    assert.equal(shoe.title, 'Running shoe "Aero"');
    assert.equal(shoe.image, 'https://store.example/img/shoe.jpg');
    assert.equal(shoe.additional_images, 'https://store.example/img/shoe-2.jpg\nhttps://store.example/img/shoe-3.jpg');
    assert.equal(shoe.price, 8990);
    assert.equal(shoe.sale_price, 7990);
    assert.equal(shoe.shipping_price, 495);
    assert.equal(shoe.category, 'Shoes > Running');
    assert.equal(shoe.google_category, '187');
    const trail = offer(r.db, 'SHOE-43');
    assert.ok(trail);
    assert.equal(trail.price, 9900);
    assert.equal(trail.currency, 'EUR');
    assert.equal(trail.availability, 'out_of_stock');
    assert.equal(trail.condition, 'used');
  } finally {
    r.close();
  }
});

test('detection: Google feeds win over generic only when they look like Google', () => {
  assert.equal(googleFeedProfile.detectXml?.('rss', { version: '2.0', 'xmlns:g': 'http://base.google.com/ns/1.0' }), 0.95);
  assert.equal(googleFeedProfile.detectXml?.('feed', { xmlns: 'http://www.w3.org/2005/Atom' }), 0.5);
  assert.equal(googleFeedProfile.detectXml?.('catalog', {}), 0);
  assert.equal(googleFeedProfile.detectCsv?.(['id', 'title', 'description', 'link', 'image link', 'availability', 'price', 'brand']), 0.85);
  assert.equal(googleFeedProfile.detectCsv?.(['id', 'title', 'price', 'our_margin', 'warehouse', 'supplier']), 0.4);
  assert.equal(googleFeedProfile.detectCsv?.(['sku', 'name', 'price']), 0);
});

test('shape errors are coded', () => {
  const ctx = { defaultCurrency: 'EUR', sourceName: 'x', db: undefined as never, readSibling: () => undefined };
  assert.throws(() => googleFeedProfile.xml?.('catalog', ctx), (e: unknown) => isFeedmillError(e, 'FEEDMILL_PROFILE_MISMATCH'));
  assert.throws(
    () => googleFeedProfile.csv?.(['sku', 'title'], ctx),
    (e: unknown) => isFeedmillError(e, 'FEEDMILL_PROFILE_MISMATCH') && JSON.stringify(e.details.missing) === '["id","price"]',
  );
});

test('a CSV with Google attribute names and a currency column: auto picks google-feed, and the column is the currency of bare prices', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  // Google names but for `currency`, as shop exports write them; 10 of 11 columns are Google's.
  const csv = [
    'id,title,description,link,image_link,price,currency,availability,brand,shipping,custom_label_0,custom_label_0',
    'U1,Shirt,Cotton,https://s.example/u1,https://s.example/u1.jpg,12.50,USD,in stock,Acme,US:::4.00 USD,summer,',
    'U2,Cap,Wool,https://s.example/u2,https://s.example/u2.jpg,9.90 EUR,USD,in stock,Acme,,,sale',
    'U3,Scarf,Silk,https://s.example/u3,https://s.example/u3.jpg,30,,in stock,Acme,3.00,a,b',
    'U4,Belt,Leather,https://s.example/u4,https://s.example/u4.jpg,15,dollars,in stock,Acme,,,',
    '',
  ].join('\n');
  writeFileSync(env.path('google-names.csv'), csv);
  const r = await ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: env.path('google-names.csv'), createCatalog: true, currency: 'EUR' });
  assert.equal(r.profile, 'google-feed');
  assert.deepEqual(r.rejectsByCode, { RECORD_BAD_CURRENCY: 1 } as never);
  assert.deepEqual(stagedRows(env, 'SELECT offer_id, price, currency, shipping_price, attrs FROM offers ORDER BY oid'), [
    { offer_id: 'U1', price: 1250, currency: 'USD', shipping_price: 400, attrs: '{"shipping":"US:::4.00 USD","custom_label_0":"summer"}' },
    // The price's own currency wins over the column, as over the catalog's default.
    { offer_id: 'U2', price: 990, currency: 'EUR', shipping_price: null, attrs: '{"custom_label_0":"sale"}' },
    // A bare shipping amount is the shipping price alone: no entry to keep, it names no country.
    { offer_id: 'U3', price: 3000, currency: 'EUR', shipping_price: 300, attrs: '{"custom_label_0":"a,b"}' },
  ]);
  assert.deepEqual(stagedRows(env, 'SELECT line, field, code FROM rejects'), [{ line: 5, field: 'currency', code: 'RECORD_BAD_CURRENCY' }]);
});
