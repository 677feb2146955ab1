import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CatalogRegistry } from '../../src/catalogs/index.js';
import { dataPaths } from '../../src/config.js';
import { openAppDb } from '../../src/db/index.js';
import { FeedmillError } from '../../src/errors.js';
import { readManifest, manifestPath } from '../../src/emit/index.js';
import { exportCatalog, type ExportOptions } from '../../src/transform/export.js';
import { DEFAULT_FEEDS_DIR } from '../../src/transform/channels/index.js';
import { TransformPool } from '../../src/transform/pool/index.js';
import { merchantRow, stageCatalog, tempRoot, testConfig } from './pool/fixtures/stage.js';

const GENERATED_AT = '2030-01-02T03:04:05.000Z';
const hasCode = (code: string, details: Record<string, unknown> = {}) => (e: unknown) => {
  assert.ok(e instanceof FeedmillError, `expected FeedmillError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  for (const [k, v] of Object.entries(details)) assert.deepEqual(e.details[k], v, `details.${k}`);
  return true;
};

function partsLeft(config: ReturnType<typeof testConfig>): string[] {
  const dir = dataPaths(config).parts;
  return existsSync(dir) ? readdirSync(dir) : [];
}

test('output is byte-identical across runs and worker counts; gzip inflates to the plain feed', async (t) => {
  const root = tempRoot(t);
  const pools = [new TransformPool({ workers: 1 }), new TransformPool({ workers: 2 })];
  t.after(() => Promise.all(pools.map((p) => p.close())));
  const run = async (name: string, pool: TransformPool, gzip: boolean) => {
    const config = testConfig(join(root, name));
    stageCatalog(config, 'acme', 240, (i) => merchantRow(i, 10));
    const r = await exportCatalog({
      config,
      catalog: 'acme',
      channels: ['google-shopping', 'meta', 'google-hotel-prices'],
      rulesPath: null,
      gzip,
      pool,
      rangeRows: 7,
      generatedAt: GENERATED_AT,
    });
    assert.deepEqual(partsLeft(config), []);
    return r;
  };
  const one = await run('one', pools[0] as TransformPool, false);
  const two = await run('two', pools[1] as TransformPool, false);
  const again = await run('again', pools[1] as TransformPool, false);
  const gz1 = await run('gz1', pools[0] as TransformPool, true);
  const gz2 = await run('gz2', pools[1] as TransformPool, true);
  for (const [i, feed] of one.feeds.entries()) {
    const plain = readFileSync(feed.path);
    assert.deepEqual(readFileSync((two.feeds[i] ?? assert.fail()).path), plain, `${feed.channel}: 1 vs 2 workers`);
    assert.deepEqual(readFileSync((again.feeds[i] ?? assert.fail()).path), plain, `${feed.channel}: run to run`);
    const g1 = readFileSync((gz1.feeds[i] ?? assert.fail()).path);
    assert.deepEqual(readFileSync((gz2.feeds[i] ?? assert.fail()).path), g1, `${feed.channel}: gzip, 1 vs 2 workers`);
    assert.deepEqual(gunzipSync(g1), plain, `${feed.channel}: gunzip(gz) = plain`);
    assert.ok((gz1.feeds[i]?.path ?? '').endsWith('.gz'));
    assert.equal(feed.sha256, two.feeds[i]?.sha256);
  }
  const google = one.feeds.find((f) => f.channel === 'google-shopping') ?? assert.fail();
  assert.equal(google.items, 240 - 24, 'every tenth offer has no image and is excluded');
  assert.equal(google.excluded, 24);
  const text = readFileSync(google.path, 'utf8');
  assert.equal(text.split('<item>').length - 1, google.items);
  assert.ok(text.includes('<g:title>Hoodie &quot;Ace&quot; &amp; #0</g:title>'), 'escaped by the channel renderer');
  const q = one.quality['google-shopping'] ?? assert.fail();
  assert.equal(q.itemsIn, 240);
  assert.equal(q.itemsOut, 216);
  assert.deepEqual(
    q.exclusions.map((e) => [e.field, e.reason, e.count, e.examples[0]]),
    [['g:image_link', 'missing', 24, 'SKU-9']],
  );
  const m = await readManifest(manifestPath(join(dataPaths(testConfig(join(root, 'one'))).feeds, 'acme'), 'google-shopping'));
  assert.equal(m?.items, 216);
  assert.equal(m?.catalogVersion, one.version);
  assert.equal(m?.generatedAt, GENERATED_AT);
  const report = JSON.parse(readFileSync(google.reportPath, 'utf8')) as { itemsIn: number; catalogVersion: number };
  assert.equal(report.itemsIn, 240);
  assert.ok(existsSync(google.reportPath.replace(/\.json$/, '.txt')));
});

test('rules run per channel in the same pass; the feed goes to --out too', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root, { transformWorkers: 2 });
  stageCatalog(config, 'acme', 60);
  const rulesPath = join(root, 'rules.yaml');
  writeFileSync(
    rulesPath,
    ['version: 1', 'channels:', '  meta:', '    - drop: { field: brand, equals: Zeta }', '    - set: { field: title, template: "{brand} {title}" }', ''].join('\n'),
  );
  const outDir = join(root, 'out');
  const r = await exportCatalog({ config, catalog: 'acme', channels: ['meta', 'google-shopping'], rulesPath, outDir, rangeRows: 5, generatedAt: GENERATED_AT });
  const meta = r.feeds.find((f) => f.channel === 'meta') ?? assert.fail();
  const google = r.feeds.find((f) => f.channel === 'google-shopping') ?? assert.fail();
  assert.equal(meta.items, 20, 'only Acme (every third) is kept for meta');
  assert.equal(meta.filtered, 40);
  assert.equal(google.items, 60, 'google-shopping has no rules: nothing leaks from meta');
  assert.ok(readFileSync(meta.path, 'utf8').includes('Acme Hoodie'));
  assert.ok(!readFileSync(google.path, 'utf8').includes('Acme Hoodie'));
  assert.deepEqual(readFileSync(join(outDir, 'meta.csv')), readFileSync(meta.path));
  assert.ok(existsSync(join(outDir, 'meta.manifest.json')));
  const m = await readManifest(meta.manifestPath);
  assert.match(m?.rulesHash ?? '', /^[0-9a-f]{64}$/);
  // Per-rule counts in the quality report: summed over 12 ranges on 2 workers whose compiled rules
  // are cached across ranges, so each range must report only its own items.
  const report = JSON.parse(readFileSync(meta.reportPath, 'utf8')) as { rules: { items: number; dropped: number; rules: { applied: number; dropped: number; changed: number }[] } };
  assert.equal(report.rules.items, 60);
  assert.equal(report.rules.dropped, 40);
  assert.deepEqual(report.rules.rules.map((x) => [x.applied, x.dropped, x.changed]), [[60, 40, 0], [20, 0, 20]]);
  assert.match(readFileSync(meta.reportPath.replace(/\.json$/, '.txt'), 'utf8'), /dropped 40/);
});

test('the gate keeps the good feed when a new version loses most items; force publishes', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root, { transformWorkers: 1 });
  const opts: ExportOptions = { config, catalog: 'acme', channels: ['google-shopping', 'meta'], rulesPath: null, generatedAt: GENERATED_AT };
  stageCatalog(config, 'acme', 40);
  const first = await exportCatalog(opts);
  const before = readFileSync(first.feeds[0]?.path ?? assert.fail());
  stageCatalog(config, 'acme', 10);
  await assert.rejects(
    exportCatalog(opts),
    hasCode('FEEDMILL_PUBLISH_GATE', { channel: 'google-shopping', items: 10, previousItems: 40, refused: ['google-shopping', 'meta'], published: [] }),
  );
  assert.deepEqual(readFileSync(first.feeds[0]?.path ?? assert.fail()), before);
  assert.deepEqual(partsLeft(config), []);
  const forced = await exportCatalog({ ...opts, force: true });
  assert.equal(forced.feeds[0]?.items, 10);
});

test('a catalog without a version, or an unknown channel, fails before any worker starts', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root);
  await assert.rejects(exportCatalog({ config, catalog: 'nope', channels: ['meta'], rulesPath: null }), hasCode('FEEDMILL_CATALOG_UNKNOWN'));
  stageCatalog(config, 'acme', 5);
  await assert.rejects(
    exportCatalog({ config, catalog: 'acme', channels: ['goggle-shopping'], rulesPath: null }),
    hasCode('FEEDMILL_CHANNEL_UNKNOWN', { channel: 'goggle-shopping', suggestion: 'google-shopping' }),
  );
  await assert.rejects(exportCatalog({ config, catalog: 'acme', channels: [], rulesPath: null }), hasCode('FEEDMILL_CLI_USAGE'));
});

test('channel size limits: a splitting channel publishes numbered files, a refusing one keeps its old feed', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root, { transformWorkers: 2 });
  const feedsDir = join(root, 'channels');
  mkdirSync(feedsDir);
  const withLimits = (name: string, limits: string) =>
    writeFileSync(join(feedsDir, `${name}.yaml`), readFileSync(join(DEFAULT_FEEDS_DIR, `${name}.yaml`), 'utf8').replace(/^limits:(\n  .*)*\n/m, '') + `limits: ${limits}\n`);
  withLimits('meta', '{ maxItems: 25, onOverLimit: split }');
  withLimits('google-shopping', '{ maxItems: 25, onOverLimit: refuse }');
  stageCatalog(config, 'acme', 60);
  const opts: ExportOptions = { config, catalog: 'acme', channels: ['meta', 'google-shopping'], rulesPath: null, feedsDir, rangeRows: 5, generatedAt: GENERATED_AT };
  await assert.rejects(exportCatalog(opts), hasCode('FEEDMILL_PUBLISH_TOO_LARGE', { channel: 'google-shopping', refused: ['google-shopping'], published: ['meta'] }));
  const feeds = join(dataPaths(config).feeds, 'acme');
  const manifest = await readManifest(manifestPath(feeds, 'meta'));
  assert.deepEqual(manifest?.files.map((f) => f.fileName), ['meta.1.csv', 'meta.2.csv', 'meta.3.csv']);
  assert.ok(manifest?.files.every((f) => f.items <= 25));
  assert.equal(manifest?.items, 60);
  const header = readFileSync(join(feeds, 'meta.1.csv'), 'utf8').split('\n')[0];
  assert.equal(readFileSync(join(feeds, 'meta.3.csv'), 'utf8').split('\n')[0], header, 'each file is a whole CSV with its header');
  assert.equal(existsSync(join(feeds, 'google-shopping.xml')), false);
  assert.deepEqual(readdirSync(feeds).filter((n) => n.startsWith('.')), [], 'no temp file left');
  assert.deepEqual(partsLeft(config), []);
});

test('a version with no offers is refused as empty; forced, it publishes header and footer only', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root, { transformWorkers: 1 });
  stageCatalog(config, 'acme', 0);
  const opts: ExportOptions = { config, catalog: 'acme', channels: ['meta'], rulesPath: null, generatedAt: GENERATED_AT };
  await assert.rejects(exportCatalog(opts), hasCode('FEEDMILL_PUBLISH_EMPTY', { channel: 'meta', items: 0 }));
  const forced = await exportCatalog({ ...opts, force: true });
  const body = readFileSync(forced.feeds[0]?.path ?? assert.fail(), 'utf8');
  assert.equal(body.split('\n').filter((l) => l !== '').length, 1, 'the CSV header line only');
  assert.equal(forced.feeds[0]?.items, 0);
});

test('a feed refused because every item was excluded says why, and where the quality report is', async (t) => {
  const root = tempRoot(t);
  const config = testConfig(root, { transformWorkers: 1 });
  stageCatalog(config, 'acme', 10, (i) => merchantRow(i, 1)); // no image on any row
  const opts: ExportOptions = { config, catalog: 'acme', channels: ['meta'], rulesPath: null, generatedAt: GENERATED_AT };
  await assert.rejects(exportCatalog(opts), (e: unknown) => {
    hasCode('FEEDMILL_PUBLISH_EMPTY', { channel: 'meta', items: 0, previousItems: null })(e);
    const err = e as FeedmillError;
    assert.match(err.message, /nothing was published/);
    assert.match(err.message, /10 of 10 items were excluded for image_link: missing \(a required field has no value\), e\.g\. SKU-0, SKU-1, SKU-2/);
    const report = err.details.report;
    assert.ok(typeof report === 'string' && existsSync(report), 'the report named exists');
    assert.ok(err.message.endsWith(`report: ${report}`));
    return true;
  });
});

test('a variant whose own image is among its product images lists it once, as the main image', async (t) => {
  const config = testConfig(tempRoot(t), { transformWorkers: 1 });
  stageCatalog(config, 'acme', 2, (i) => {
    const r = merchantRow(i);
    const product = { ...r.product, image: 'https://shop.example/img/1.jpg', additionalImages: ['https://shop.example/img/2.jpg', 'https://shop.example/img/3.jpg'] };
    return { product, offer: { ...r.offer, image: i === 0 ? 'https://shop.example/img/2.jpg' : undefined } };
  });
  const r = await exportCatalog({ config, catalog: 'acme', channels: ['google-shopping'], rulesPath: null, generatedAt: GENERATED_AT });
  const items = readFileSync(r.feeds[0]?.path ?? assert.fail(), 'utf8').split('<item>').slice(1);
  const images = (x: string | undefined) => [...(x ?? '').matchAll(/<g:(image_link|additional_image_link)>([^<]*)</g)].map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(images(items[0]), ['image_link https://shop.example/img/2.jpg', 'additional_image_link https://shop.example/img/3.jpg']);
  assert.deepEqual(images(items[1]), ['image_link https://shop.example/img/1.jpg', 'additional_image_link https://shop.example/img/2.jpg', 'additional_image_link https://shop.example/img/3.jpg']);
});

test("an RSS feed's channel link is the shop: the catalog's base-url, else the origin of its offers' links", async (t) => {
  const config = testConfig(tempRoot(t), { transformWorkers: 1 });
  stageCatalog(config, 'acme', 3);
  const opts: ExportOptions = { config, catalog: 'acme', channels: ['google-shopping'], rulesPath: null, generatedAt: GENERATED_AT };
  const header = async () => readFileSync((await exportCatalog(opts)).feeds[0]?.path ?? assert.fail(), 'utf8').split('<item>')[0] ?? '';
  assert.match(await header(), /<link>https:\/\/shop\.example\/<\/link>/);
  const db = openAppDb(config);
  new CatalogRegistry(db).update('acme', { profileOptions: { 'base-url': 'https://www.acme.example/fr' } });
  db.close();
  assert.match(await header(), /<link>https:\/\/www\.acme\.example\/fr<\/link>/);
});
