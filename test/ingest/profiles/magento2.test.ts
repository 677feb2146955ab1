import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { magento2Profile } from '../../../src/ingest/profiles/magento2/index.js';
import {
  parseAdditionalAttributes,
  parseConfigurableVariations,
} from '../../../src/ingest/profiles/magento2/additional-attributes.js';
import { categoryPath, formatUrlKey } from '../../../src/ingest/profiles/magento2/map-row.js';
import { isFeedmillError } from '../../../src/errors.js';
import { FIXTURES, REALDATA, SKIP_REALDATA, offer, rejects, runCsv, scalar } from './helpers.js';

const LUMA = REALDATA === undefined ? '' : join(REALDATA, 'magento2-sample-data/ConfigurableSampleData/fixtures/products.csv');
const FIXTURE = join(FIXTURES, 'magento2/store-views.csv');

test('Luma sample: 147 configurable parents and 1,847 simple children, every record accounted for', { skip: SKIP_REALDATA }, () => {
  const r = runCsv(magento2Profile, LUMA, ',', { defaultCurrency: 'USD', options: { 'base-url': 'https://luma.example' } });
  try {
    assert.deepEqual(r.counts, {
      seen: 1994,
      accepted: 1994,
      rejected: 0,
      products: 147,
      offers: 1847,
      duplicates: 0,
      rejectsByCode: {},
    });
    // Every child is an offer of its parent's product, grouped by the parent sku.
    assert.equal(scalar(r.db, 'SELECT count(*) FROM offers WHERE group_id IS NULL OR pid IS NULL'), 0);
    assert.equal(scalar(r.db, 'SELECT count(DISTINCT group_id) FROM offers'), 147);
    assert.equal(scalar(r.db, 'SELECT count(*) FROM offers o JOIN products p ON p.pid = o.pid WHERE o.group_id <> p.product_key'), 0);
    assert.equal(scalar(r.db, 'SELECT sum(quantity) FROM offers'), 184_700);
    assert.equal(scalar(r.db, 'SELECT sum(price) FROM offers'), 8_336_860);
    // The side tables are gone: staging holds only its own schema.
    assert.equal(scalar(r.db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'magento2_%'"), 0);

    const o = offer(r.db, 'MH01-XS-Black');
    assert.ok(o);
    assert.equal(o.line, 2);
    assert.equal(o.group_id, 'MH01');
    assert.equal(o.product_key, 'MH01');
    assert.equal(o.title, 'Chaz Kangeroo Hoodie-XS-Black');
    assert.equal(o.p_title, 'Chaz Kangeroo Hoodie');
    assert.equal(o.price, 5200);
    assert.equal(o.currency, 'USD');
    assert.equal(o.sale_price, null);
    assert.equal(o.availability, 'in_stock');
    assert.equal(o.quantity, 100);
    assert.equal(o.size, 'XS');
    assert.equal(o.color, 'Black');
    assert.equal(o.material, 'Wool');
    assert.equal(o.category, 'Men > Tops > Hoodies & Sweatshirts');
    // "Not Visible Individually": the child links to its parent's page (url_key derived from the name).
    assert.equal(o.link, 'https://luma.example/chaz-kangeroo-hoodie.html');
    assert.equal(o.image, 'https://luma.example/media/catalog/product/m/h/mh01-black_main.jpg');
    assert.equal(o.p_image, 'https://luma.example/media/catalog/product/m/h/mh01-gray_main.jpg');
    assert.equal(
      o.additional_images,
      'https://luma.example/media/catalog/product/m/h/mh01-gray_alt1.jpg\nhttps://luma.example/media/catalog/product/m/h/mh01-gray_back.jpg',
    );
    // Same description as the parent: stored once, on the product.
    assert.equal(o.description, null);
    assert.match(o.p_description ?? '', /^<p>Ideal for cold-weather training/);
    const pattrs = JSON.parse(o.p_attrs ?? '{}') as Record<string, string>;
    assert.equal(pattrs.climate, 'All-weather|Cool|Indoor|Spring|Windy');
    assert.equal(pattrs.eco_collection, 'Yes');
    assert.equal(pattrs.attribute_set_code, 'Top');

    const jacket = offer(r.db, 'MJ06-XS-Blue');
    assert.ok(jacket);
    assert.equal(jacket.price, 5699);
    assert.equal(jacket.line, 674);
    assert.equal(jacket.material, 'Fleece/Hemp/Nylon');

    const last = offer(r.db, 'WSH12-32-Red');
    assert.ok(last);
    assert.equal(last.line, 3938);
    assert.equal(last.group_id, 'WSH12');
    assert.equal(last.p_title, 'Erika Running Short');
    assert.equal(last.category, 'Women > Bottoms > Shorts');
    assert.equal(last.link, 'https://luma.example/erika-running-short.html');
  } finally {
    r.close();
  }
});

test('without base-url, links and images stay empty and the relative paths are kept as attributes', { skip: SKIP_REALDATA }, () => {
  const r = runCsv(magento2Profile, LUMA, ',', { defaultCurrency: 'USD' });
  try {
    assert.equal(r.counts.offers, 1847);
    assert.equal(scalar(r.db, 'SELECT count(*) FROM offers WHERE link IS NOT NULL OR image IS NOT NULL'), 0);
    assert.equal(scalar(r.db, 'SELECT count(*) FROM products WHERE link IS NOT NULL OR image IS NOT NULL'), 0);
    const o = offer(r.db, 'MH01-XS-Black');
    assert.ok(o);
    const attrs = JSON.parse(o.attrs ?? '{}') as Record<string, string>;
    assert.equal(attrs.url_key, 'chaz-kangeroo-hoodie-xs-black');
    assert.equal(attrs.base_image, '/m/h/mh01-black_main.jpg');
  } finally {
    r.close();
  }
});

test('default scope: store view rows are counted, bad rows rejected with line and field', () => {
  const r = runCsv(magento2Profile, FIXTURE, ',', { defaultCurrency: 'EUR', options: { 'base-url': 'https://shop.example/' } });
  try {
    assert.deepEqual(r.counts, {
      seen: 12,
      accepted: 8,
      rejected: 4,
      products: 1,
      offers: 3,
      duplicates: 0,
      rejectsByCode: { RECORD_BAD_PRICE: 1, RECORD_MISSING_ID: 1, RECORD_BAD_NUMBER: 1, RECORD_BAD_VALUE: 1 },
    });
    assert.deepEqual(
      rejects(r.db).map((x) => [x.line, x.field, x.code]),
      [
        [8, 'visibility', 'RECORD_BAD_VALUE'],
        [9, 'price', 'RECORD_BAD_PRICE'],
        [10, 'sku', 'RECORD_MISSING_ID'],
        [12, 'qty', 'RECORD_BAD_NUMBER'],
      ],
    );
    const s = offer(r.db, 'TS01-S-Red');
    assert.ok(s);
    assert.equal(s.title, 'Tee-S-Red');
    assert.equal(s.p_title, 'Tee');
    assert.equal(s.link, 'https://shop.example/tee.html');
    assert.equal(s.quantity, 5);
    assert.equal(s.gender, 'male');
    assert.equal(s.material, 'Cotton/Elastane');
    assert.equal(s.category, 'Men > Tops');
    const pattrs = JSON.parse(s.p_attrs ?? '{}') as Record<string, string>;
    assert.equal(pattrs.label, 'Red, dark "vintage"');

    const m = offer(r.db, 'TS01-M-Red');
    assert.ok(m);
    assert.equal(m.sale_price, 1500);
    assert.equal(m.availability, 'backorder');
    assert.equal(m.quantity, 0);
    assert.equal(m.image, null, 'no own image: the parent image applies');
    assert.equal(JSON.parse(m.attrs ?? '{}').sale_price_effective_date, '2026-01-01/2026-02-01');

    const mug = offer(r.db, 'MUG1');
    assert.ok(mug);
    assert.equal(mug.pid, null, 'a visible simple product is a standalone offer');
    assert.equal(mug.group_id, null);
    assert.equal(mug.price, 1250);
    assert.equal(mug.brand, 'Mugs & Co');
    assert.equal(mug.gtin, '4006381333931');
    assert.equal(mug.link, 'https://shop.example/mug-one.html');
    assert.equal(mug.additional_images, 'https://shop.example/media/catalog/product/m/u/mug2.jpg');
    assert.equal(offer(r.db, 'OFF-1'), undefined, 'a disabled product is accepted but not listed');
  } finally {
    r.close();
  }
});

test('store-view=fr: override rows replace the default values they fill', () => {
  const r = runCsv(magento2Profile, FIXTURE, ',', {
    options: { 'base-url': 'https://shop.example', 'store-view': 'fr', 'url-suffix': 'none' },
  });
  try {
    assert.equal(r.counts.seen, 12);
    assert.equal(r.counts.accepted, 7);
    assert.equal(r.counts.rejected, 5);
    const late = rejects(r.db).find((x) => x.line === 13);
    assert.ok(late);
    assert.equal(late.field, 'store_view_code');
    assert.equal(late.code, 'RECORD_BAD_VALUE');
    const s = offer(r.db, 'TS01-S-Red');
    assert.ok(s);
    assert.equal(s.title, 'T-shirt-S-Rouge');
    assert.equal(s.p_title, 'T-shirt');
    assert.equal(s.p_description, '<p>Doux</p>');
    assert.equal(s.link, 'https://shop.example/t-shirt');
    assert.equal(JSON.parse(s.attrs ?? '{}').store_view_code, 'fr');
  } finally {
    r.close();
  }
});

test('options: a misspelled key names the right one, a bad URL is refused', () => {
  assert.throws(
    () => runCsv(magento2Profile, FIXTURE, ',', { options: { 'base-ulr': 'https://shop.example' } }),
    (e: unknown) => isFeedmillError(e, 'FEEDMILL_PROFILE_OPTION_UNKNOWN') && e.details.suggestion === 'base-url',
  );
  assert.throws(
    () => runCsv(magento2Profile, FIXTURE, ',', { options: { 'base-url': 'shop.example' } }),
    (e: unknown) => isFeedmillError(e, 'FEEDMILL_PROFILE_OPTION_INVALID') && e.details.key === 'base-url',
  );
});

test('a CSV without sku/product_type is not a Magento export', () => {
  const fakeCtx = { defaultCurrency: 'EUR', sourceName: 'x.csv', db: undefined as never, readSibling: () => undefined };
  assert.throws(
    () => magento2Profile.csv?.(['id', 'title', 'price'], fakeCtx),
    (e: unknown) => isFeedmillError(e, 'FEEDMILL_PROFILE_MISMATCH') && JSON.stringify(e.details.missing) === '["sku","product_type"]',
  );
});

test('detection: the native export header, not a generic feed', () => {
  assert.equal(magento2Profile.detectCsv?.(['sku', 'store_view_code', 'attribute_set_code', 'product_type', 'categories', 'product_websites', 'name']), 0.95);
  assert.equal(magento2Profile.detectCsv?.(['id', 'title', 'price', 'link']), 0);
  assert.equal(magento2Profile.detectCsv?.(['sku', 'name', 'price']), 0);
});

test('additional_attributes: pairs, multiselect, wrapped values with commas and quotes, entities', () => {
  assert.deepEqual(
    [...parseAdditionalAttributes('has_options=1,climate=All-weather|Cool,label="Red, dark ""x""",material=Cocona&reg; fabric')],
    [
      ['has_options', '1'],
      ['climate', 'All-weather|Cool'],
      ['label', 'Red, dark "x"'],
      ['material', 'Cocona® fabric'],
    ],
  );
  // An unquoted comma not followed by another code= stays in the value.
  assert.deepEqual([...parseAdditionalAttributes('care=wash cold, dry flat,size=M')], [
    ['care', 'wash cold, dry flat'],
    ['size', 'M'],
  ]);
  assert.deepEqual(parseAdditionalAttributes(''), new Map());
  assert.deepEqual(parseConfigurableVariations('sku=A-S,size=S,color=Red|sku=A-M,size=M,color=Red'), [
    { sku: 'A-S', attrs: { size: 'S', color: 'Red' } },
    { sku: 'A-M', attrs: { size: 'M', color: 'Red' } },
  ]);
});

test('category path and url_key follow Magento', () => {
  assert.equal(
    categoryPath('Default Category/Men/Tops/Hoodies & Sweatshirts,Default Category/Collections/Eco Friendly,Default Category'),
    'Men > Tops > Hoodies & Sweatshirts',
  );
  assert.equal(categoryPath('Default Category'), undefined);
  assert.equal(formatUrlKey('Chaz Kangeroo Hoodie'), 'chaz-kangeroo-hoodie');
  assert.equal(formatUrlKey('Élise Café — 2 Pack!'), 'elise-cafe-2-pack');
});
