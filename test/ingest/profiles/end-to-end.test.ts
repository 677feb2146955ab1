/**
 * Each profile through the real ingest pipeline with `--profile auto`: sniffing picks the profile,
 * companion files are read from beside the source, profile options and the XML root reach the
 * mapper. A regression shows as another profile chosen, or counts that differ from the unit tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ingestFile } from '../../../src/ingest/index.js';
import { CatalogVersions } from '../../../src/staging/index.js';
import { testEnv, type TestEnv } from '../../helpers/env.js';
import { FIXTURES, REALDATA, SKIP_REALDATA } from './helpers.js';

async function ingest(env: TestEnv, source: string, profileOptions: Record<string, string> = {}, currency?: string) {
  return ingestFile({ config: env.config, db: env.db, catalog: 'c', source, createCatalog: true, profile: 'auto', profileOptions, currency });
}

function staged<T>(env: TestEnv, sql: string, ...params: unknown[]): T {
  const v = new CatalogVersions(env.db, env.config).current('c');
  const db = new Database(v.stagingPath, { readonly: true });
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

test('magento2: the Luma export is recognised and fully resolved', { skip: SKIP_REALDATA }, async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const r = await ingest(env, join(REALDATA ?? '', 'magento2-sample-data/ConfigurableSampleData/fixtures/products.csv'), { 'base-url': 'https://luma.example' }, 'USD');
  assert.equal(r.profile, 'magento2');
  assert.deepEqual([r.seen, r.accepted, r.rejected, r.offers, r.products], [1994, 1994, 0, 1847, 147]);
  const o = staged<{ group_id: string; link: string; price: number; currency: string; line: number }>(
    env,
    "SELECT group_id, link, price, currency, line FROM offers WHERE offer_id = 'MH01-XS-Black'",
  );
  assert.deepEqual(o, { group_id: 'MH01', link: 'https://luma.example/chaz-kangeroo-hoodie.html', price: 5200, currency: 'USD', line: 2 });
  assert.deepEqual(r.notes, []);
});

test('magento2 without base-url: the load says that no offer has a link and which option builds them', { skip: SKIP_REALDATA }, async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const r = await ingest(env, join(REALDATA ?? '', 'magento2-sample-data/ConfigurableSampleData/fixtures/products.csv'));
  assert.equal(r.accepted, 1994, 'the load itself succeeds');
  assert.equal(r.notes.length, 1);
  assert.match(r.notes[0] ?? '', /^no offer has a link or an image, .*--profile-option base-url=/);
});

test('prestashop: products CSV with its combinations beside it, and the demo data XML', { skip: SKIP_REALDATA }, async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const csv = await ingest(env, join(REALDATA ?? '', 'prestashop-fashion-fixtures/csv_import/products_import.csv'));
  assert.equal(csv.profile, 'prestashop');
  assert.deepEqual([csv.seen, csv.accepted, csv.offers, csv.products], [28, 28, 27, 3]);
  assert.match(csv.notes.join('\n'), /^no offer has a link, .*base-url=/, 'its images are absolute; links need the shop URL');
  const xml = await ingest(env, join(REALDATA ?? '', 'prestashop-fashion-fixtures/data/product.xml'), { 'base-url': 'https://shop.example' });
  assert.equal(xml.profile, 'prestashop');
  assert.deepEqual([xml.seen, xml.accepted, xml.offers, xml.products], [47, 47, 47, 11]);
  assert.deepEqual(xml.notes, []);
  const tee = staged<{ price: number; sale_price: number; title: string }>(
    env,
    "SELECT o.price, o.sale_price, p.title FROM offers o JOIN products p ON p.pid = o.pid WHERE o.offer_id = '1-1'",
  );
  assert.deepEqual(tee, { price: 2390, sale_price: 1912, title: 'Hummingbird printed t-shirt' });
});

test('google-feed: RSS and TSV are recognised', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const rss = await ingest(env, join(FIXTURES, 'google-feed/rss.xml'));
  assert.equal(rss.profile, 'google-feed');
  assert.deepEqual([rss.seen, rss.accepted, rss.rejected], [6, 2, 4]);
  const tsv = await ingest(env, join(FIXTURES, 'google-feed/products.tsv'));
  assert.equal(tsv.profile, 'google-feed');
  assert.deepEqual([tsv.seen, tsv.accepted, tsv.rejected], [4, 2, 2]);
});

test('tour-operator: the catalog currency comes from the root element', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const r = await ingest(env, join(FIXTURES, 'tour-operator/trips.xml'), {}, 'GBP');
  assert.equal(r.profile, 'tour-operator');
  assert.deepEqual([r.seen, r.accepted, r.rejected, r.products, r.offers], [11, 3, 8, 1, 3]);
  const o = staged<{ currency: string; price: number }>(env, "SELECT currency, price FROM offers WHERE offer_id = 'CRE-0001-2027-05-01-7-DBL-HB'");
  assert.deepEqual(o, { currency: 'EUR', price: 129_900 });
});
