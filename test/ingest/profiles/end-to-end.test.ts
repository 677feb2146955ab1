/**
 * Each profile through the real ingest pipeline with `--profile auto`: sniffing picks the profile,
 * companion files are read from beside the source, profile options and the XML root reach the
 * mapper. A regression shows as another profile chosen, or counts that differ from the unit tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { writeZip } from '../../../bench/lib/zip-writer.js';
import { FeedmillError } from '../../../src/errors.js';
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

/** Every file under `dir` (recursively), as zip entries named `prefix` + its relative path. */
function entriesOf(dir: string, prefix: string, only?: RegExp): { name: string; data: Buffer }[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name))
    .map((path) => ({ name: prefix + relative(dir, path).replaceAll('\\', '/'), data: readFileSync(path) }))
    .filter((e) => only === undefined || only.test(e.name));
}

async function zipOf(path: string, entries: { name: string; data: Buffer | string; declaredSize?: number }[]): Promise<string> {
  await writeZip(createWriteStream(path), entries);
  return path;
}

const OFFERS = 'SELECT offer_id, group_id, price, sale_price, quantity, color, size, image, additional_images, attrs FROM offers ORDER BY offer_id';

test('prestashop: a zip of the products file with its companions loads as the folder does', { skip: SKIP_REALDATA }, async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const ps = join(REALDATA ?? '', 'prestashop-fashion-fixtures');
  const all = (e: TestEnv) => {
    const v = new CatalogVersions(e.db, e.config).current('c');
    const db = new Database(v.stagingPath, { readonly: true });
    try {
      return db.prepare(OFFERS).all();
    } finally {
      db.close();
    }
  };
  // The whole csv_import folder, as a merchant zips it: products, combinations, brands, categories...
  const folder = await ingest(env, join(ps, 'csv_import/products_import.csv'));
  const fromFolder = all(env);
  const zipped = await ingest(env, await zipOf(env.path('export.zip'), entriesOf(join(ps, 'csv_import'), 'csv_import/')));
  assert.equal(zipped.container, 'zip');
  assert.deepEqual([zipped.seen, zipped.accepted, zipped.offers, zipped.products], [folder.seen, folder.accepted, folder.offers, folder.products]);
  assert.deepEqual(all(env), fromFolder);

  // The demo data tree: data/product.xml is the record stream, the tables and langs/ its companions.
  const opts = { 'base-url': 'https://shop.example' };
  const demoFolder = await ingest(env, join(ps, 'data/product.xml'), opts);
  const demoRows = all(env);
  const tree = [...entriesOf(join(ps, 'data'), 'demo/data/'), ...entriesOf(join(ps, 'langs'), 'demo/langs/')];
  const demoZip = await ingest(env, await zipOf(env.path('demo.zip'), tree), opts);
  assert.deepEqual([demoZip.seen, demoZip.accepted, demoZip.offers, demoZip.products], [demoFolder.seen, demoFolder.accepted, demoFolder.offers, demoFolder.products]);
  assert.deepEqual(all(env), demoRows);
});

test('a zip with two products files, or companions past the lookup-table cap, is refused', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const csv = 'id,title,price\nA,a,1\n';
  const two = await zipOf(env.path('two.zip'), [{ name: 'products_fr.csv', data: csv }, { name: 'products_de.csv', data: csv }]);
  await assert.rejects(ingest(env, two), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_ARCHIVE_AMBIGUOUS' && /one products file with its companion files/.test(e.message));
  const big = await zipOf(env.path('big.zip'), [{ name: 'products.csv', data: csv }, { name: 'images.bin', data: 'x', declaredSize: 70_000_000 }]);
  await assert.rejects(ingest(env, big), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_ARCHIVE_TOO_LARGE' && /send the catalog alone/.test(e.message));
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

test("a catalog's kept options reach only the profile that takes them: a Google feed or a generic CSV loads beside a base-url", async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const rss = join(FIXTURES, 'google-feed/rss.xml');
  await ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: rss, createCatalog: true, profileOptions: { 'base-url': 'https://shop.example' } });
  writeFileSync(env.path('c.csv'), 'id,title,price\nA,a,1\n');
  const explicit = await ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: env.path('c.csv'), profile: 'generic' });
  assert.equal(explicit.accepted, 1, 'the kept base-url is not for the generic profile named here');
  await assert.rejects(
    ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: env.path('c.csv'), profile: 'generic', profileOptions: { 'base-url': 'https://x.example' } }),
    (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_PROFILE_OPTION_UNKNOWN',
    'an option given to this load must suit its profile',
  );
});
