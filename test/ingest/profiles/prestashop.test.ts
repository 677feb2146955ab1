import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { prestashopProfile } from '../../../src/ingest/profiles/prestashop/index.js';
import { defaultCombinationsFile } from '../../../src/ingest/profiles/prestashop/combinations-csv.js';
import { labelKey } from '../../../src/ingest/profiles/prestashop/csv-columns.js';
import { isFeedmillError } from '../../../src/errors.js';
import { FIXTURES, REALDATA, SKIP_REALDATA, offer, rejects, runCsv, runXml, scalar } from './helpers.js';

const PS = REALDATA === undefined ? '' : join(REALDATA, 'prestashop-fashion-fixtures');
const SHOP = join(FIXTURES, 'prestashop');

test('official CSV samples: 7 products, 27 combinations from the file beside them', { skip: SKIP_REALDATA }, () => {
  const r = runCsv(prestashopProfile, join(PS, 'csv_import/products_import.csv'), ';', {
    defaultCurrency: 'EUR',
    options: { 'base-url': 'https://shop.example' },
  });
  try {
    // Products 1, 2, 3 have 16 + 4 + 4 combinations; 5 (3 combinations) has visibility "none";
    // 4, 6 and 7 have none and are one offer each. The row with a trailing extra ';' reads fine.
    assert.deepEqual(r.counts, {
      seen: 28,
      accepted: 28,
      rejected: 0,
      products: 3,
      offers: 27,
      duplicates: 0,
      rejectsByCode: {},
    });
    assert.equal(scalar(r.db, "SELECT count(*) FROM offers WHERE group_id = '1'"), 16);
    assert.equal(offer(r.db, '5'), undefined);
    assert.equal(offer(r.db, '5-1'), undefined);

    const nano = offer(r.db, '1-1');
    assert.ok(nano);
    assert.equal(nano.line, 2);
    assert.equal(nano.group_id, '1');
    assert.equal(nano.p_title, 'iPod Nano');
    assert.equal(nano.brand, 'Apple');
    assert.equal(nano.category, 'iPods');
    assert.equal(nano.price, 14_000, '100 + impact 40');
    assert.equal(nano.sale_price, 13_230, '5.5 % off');
    assert.equal(nano.quantity, 10);
    assert.equal(nano.gtin, '0000080446392');
    assert.equal(nano.color, 'Blue');
    assert.equal(nano.image, 'http://youdomain.com/img.jpg');
    assert.equal(nano.p_link, 'https://shop.example/index.php?id_product=1&controller=product');
    assert.equal(nano.p_image, 'http://localhost/prestashop/img/p/1/5/15.jpg');
    assert.equal(nano.additional_images, 'http://localhost/prestashop/img/p/2/3/23.jpg');
    const attrs = JSON.parse(nano.attrs ?? '{}') as Record<string, string>;
    assert.equal(attrs['Disk space'], '16GB');
    assert.equal(attrs.reference, 'RP-Nano-Blue-16GB');
    assert.equal(attrs.sale_price_effective_date, '2013-06-01/2018-12-31');

    const air = offer(r.db, '3-1');
    assert.ok(air);
    assert.equal(air.price, 225_000, '1500 + impact 750');
    assert.equal(air.sale_price, 215_000, 'discount amount 100');
    assert.equal(JSON.parse(air.attrs ?? '{}').ICU, '1.60GHz Intel Core 2 Duo');
    assert.equal(JSON.parse(air.attrs ?? '{}')['Disk space'], '80GB Parallel ATA Drive @ 4200 rpm');

    const folio = offer(r.db, '6');
    assert.ok(folio);
    assert.equal(folio.pid, null);
    assert.equal(folio.group_id, null);
    assert.equal(folio.title, 'Belkin Leather Folio for iPod nano - Black / Chocolate');
    assert.equal(folio.price, 2500);
    assert.equal(folio.condition, 'refurbished');
    assert.equal(folio.quantity, 25);
  } finally {
    r.close();
  }
});

test('demo data XML: 19 products by document order, 39 combinations, names from langs/en', { skip: SKIP_REALDATA }, () => {
  const r = runXml(prestashopProfile, join(PS, 'data/product.xml'), { defaultCurrency: 'EUR', options: { 'base-url': 'https://shop.example' } });
  try {
    // 11 "combinations" products (39 combinations) + 4 standard + 3 virtual + 1 pack.
    assert.deepEqual(r.counts, {
      seen: 47,
      accepted: 47,
      rejected: 0,
      products: 11,
      offers: 47,
      duplicates: 0,
      rejectsByCode: {},
    });
    assert.equal(scalar(r.db, 'SELECT count(*) FROM offers WHERE pid IS NULL'), 8);
    assert.equal(scalar(r.db, 'SELECT sum(quantity) FROM offers'), 16_000);

    const tee = offer(r.db, '1-1');
    assert.ok(tee);
    assert.equal(tee.line, 48);
    assert.equal(tee.group_id, '1');
    assert.equal(tee.p_title, 'Hummingbird printed t-shirt');
    assert.match(tee.p_description ?? '', /^<p>Symbol of lightness and delicacy/);
    assert.equal(tee.brand, 'Studio Design');
    assert.equal(tee.category, 'Clothes > Men');
    assert.equal(tee.price, 2390);
    assert.equal(tee.sale_price, 1912, 'specific_price: 20 % off');
    assert.equal(tee.size, 'S');
    assert.equal(tee.color, 'White');
    assert.equal(tee.quantity, 300, 'from stock_available.xml, numeric ids');
    assert.equal(tee.link, 'https://shop.example/index.php?id_product=1&id_product_attribute=1&controller=product');
    assert.equal(tee.image, 'https://shop.example/img/p/2/2.jpg', 'the combination image');
    assert.equal(tee.p_image, 'https://shop.example/img/p/1/1.jpg', 'the cover');
    assert.equal(
      scalar(r.db, "SELECT additional_images FROM offers WHERE offer_id = '1-1'"),
      'https://shop.example/img/p/1/1.jpg',
      "the offer's own list: the product's other pictures, the cover included, not its own",
    );
    assert.equal(JSON.parse(tee.attrs ?? '{}').prestashop_combination_id, 'product_attribute_46');
    assert.equal(JSON.parse(tee.p_attrs ?? '{}').prestashop_id, 'Hummingbird_printed_t-shirt');

    // Framed poster: "Dimension" combinations with price impacts 0 / 20 / 50.
    assert.deepEqual(
      (r.db.prepare("SELECT offer_id, price, attrs FROM offers WHERE group_id = '3' ORDER BY oid").all() as { offer_id: string; price: number; attrs: string }[]).map(
        (o) => [o.offer_id, o.price, JSON.parse(o.attrs).Dimension],
      ),
      [
        ['3-13', 2900, '40x60cm'],
        ['3-14', 4900, '60x90cm'],
        ['3-15', 7900, '80x120cm'],
      ],
    );

    const vector = offer(r.db, '12');
    assert.ok(vector);
    assert.equal(vector.title, 'Mountain fox - Vector graphics');
    assert.equal(vector.brand, 'Graphic Corner');
    assert.equal(vector.category, 'Art');
    assert.equal(vector.price, 900);
    assert.equal(vector.image, 'https://shop.example/img/p/1/5/15.jpg');
    assert.equal(JSON.parse(vector.attrs ?? '{}').product_type, 'virtual');

    const pack = offer(r.db, '15');
    assert.ok(pack);
    assert.equal(pack.title, 'Pack Mug + Framed poster');
    assert.equal(pack.quantity, 100);
  } finally {
    r.close();
  }
});

test('demo data XML in French with friendly URLs', { skip: SKIP_REALDATA }, () => {
  const r = runXml(prestashopProfile, join(PS, 'data/product.xml'), { options: { 'base-url': 'https://shop.example', lang: 'fr', 'url-style': 'friendly' } });
  try {
    assert.equal(r.counts.offers, 47);
    const tee = offer(r.db, '1-1');
    assert.ok(tee);
    assert.equal(tee.p_title, 'T-shirt imprimé colibri');
    assert.equal(tee.link, 'https://shop.example/1-1-hummingbird-printed-t-shirt.html', 'the fr fixture keeps the English slug');
    assert.equal(tee.category, 'Vêtements > Hommes');
  } finally {
    r.close();
  }
});

test('combinations: a bad one is rejected alone, inactive products counted, bad rows rejected', () => {
  const r = runCsv(prestashopProfile, join(SHOP, 'shop-products.csv'), ';', {
    options: { 'base-url': 'https://shop.example', 'url-style': 'friendly', combinations: 'shop-combinations.csv' },
  });
  try {
    assert.deepEqual(r.counts, {
      seen: 7,
      accepted: 4,
      rejected: 3,
      products: 1,
      offers: 3,
      duplicates: 0,
      rejectsByCode: { RECORD_BAD_PRICE: 1, RECORD_MISSING_PRICE: 1, RECORD_BAD_URL: 1 },
    });
    assert.deepEqual(rejects(r.db).map((x) => [x.line, x.field, x.code, x.raw?.slice(0, 24)]), [
      [2, 'Impact on price', 'RECORD_BAD_PRICE', 'shop-combinations.csv:4'],
      [5, 'Price tax included', 'RECORD_MISSING_PRICE', '13;1;No price;Accessorie'],
      [6, 'Image URLs', 'RECORD_BAD_URL', '14;1;Bad image;Accessori'],
    ]);
    const m = offer(r.db, '10-1');
    assert.ok(m);
    assert.equal(m.price, 5990);
    assert.equal(m.sale_price, 5391);
    assert.deepEqual([m.size, m.color, m.quantity, m.availability], ['M', 'White', 3, 'in_stock']);
    assert.equal(m.image, 'https://shop.example/img/10-white.jpg');
    assert.equal(m.p_link, 'https://shop.example/10-linen-shirt.html');
    assert.equal(m.p_description, '<p>Long linen shirt</p>');
    assert.equal(JSON.parse(m.p_attrs ?? '{}').Material, 'Linen');
    const l = offer(r.db, '10-2');
    assert.ok(l);
    assert.equal(l.price, 6490);
    assert.equal(l.availability, 'out_of_stock');
    const scarf = offer(r.db, '11');
    assert.ok(scarf);
    assert.equal(scarf.sale_price, 2000, 'discount amount 5');
    assert.equal(scarf.availability, 'backorder', 'no stock, orders allowed');
    assert.equal(scarf.gtin, '4006381333931');
    assert.equal(JSON.parse(scarf.attrs ?? '{}').price_tax, 'included');
    assert.equal(offer(r.db, '12'), undefined, 'inactive');
  } finally {
    r.close();
  }
});

test('a gzip combinations file is read; a named one that is missing is an option error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-ps-'));
  try {
    copyFileSync(join(SHOP, 'shop-products.csv'), join(dir, 'products.csv'));
    writeFileSync(join(dir, 'combinations.csv.gz'), gzipSync(Buffer.from('Product ID*;Attribute (Name:Type:Position)*;Value (Value:Position)*;Impact on price;Quantity\n11;Color:color:0;Red:0;1;4\n')));
    const r = runCsv(prestashopProfile, join(dir, 'products.csv'), ';', { options: { combinations: 'combinations.csv.gz' } });
    try {
      const red = offer(r.db, '11-1');
      assert.ok(red);
      assert.deepEqual([red.price, red.color, red.quantity], [2600, 'Red', 4]);
      assert.ok(offer(r.db, '10'), 'product 10 has no combination in this file');
    } finally {
      r.close();
    }
    assert.throws(
      () => runCsv(prestashopProfile, join(dir, 'products.csv'), ';', { options: { combinations: 'nope.csv' } }),
      (e: unknown) => isFeedmillError(e, 'FEEDMILL_PROFILE_OPTION_INVALID') && e.details.key === 'combinations',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the combinations file given as the source is refused with what to do', { skip: SKIP_REALDATA }, () => {
  assert.throws(
    () => runCsv(prestashopProfile, join(PS, 'csv_import/combinations_import.csv'), ';'),
    (e: unknown) => isFeedmillError(e, 'FEEDMILL_PROFILE_MISMATCH') && e.details.kind === 'combinations',
  );
});

test('demo data without its langs folder is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-ps-'));
  try {
    writeFileSync(join(dir, 'product.xml'), '<?xml version="1.0"?><entity_product><entities><product id="A" price="1"/></entities></entity_product>');
    assert.throws(
      () => runXml(prestashopProfile, join(dir, 'product.xml')),
      (e: unknown) => isFeedmillError(e, 'FEEDMILL_PROFILE_MISMATCH') && e.details.file === '../langs/en/data/product.xml',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('detection and labels', () => {
  const products = ['Product ID', 'Active (0/1)', 'Name *', 'Categories (x,y,z...)', 'Price tax excluded', 'Tax rules ID', 'Reference #', 'URL rewritten'];
  assert.equal(prestashopProfile.detectCsv?.(products), 0.95);
  assert.equal(prestashopProfile.detectCsv?.(['Product ID*', 'Attribute (Name:Type:Position)*', 'Value (Value:Position)*', 'Impact on price']), 0.9);
  assert.equal(prestashopProfile.detectCsv?.(['id', 'title', 'price']), 0);
  assert.equal(prestashopProfile.detectXml?.('entity_product', {}), 0.95);
  assert.equal(prestashopProfile.detectXml?.('rss', {}), 0);
  assert.equal(labelKey('Default (0 = No, 1 = Yes)'), 'default');
  assert.equal(labelKey('Supplier reference #'), 'supplier reference');
  assert.equal(defaultCombinationsFile('products_import.csv'), 'combinations_import.csv');
  assert.equal(defaultCombinationsFile('Products.csv'), 'Combinations.csv');
  assert.equal(defaultCombinationsFile('catalog.csv'), undefined);
});
