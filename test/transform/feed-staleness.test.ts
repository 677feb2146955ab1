/**
 * What an unchanged source still needs: a new ingest when the catalog's load settings changed, a new
 * export when a feed is missing, was built from another version, other rules or another channel
 * definition, or holds a dated sale price that has since started or ended.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogRegistry } from '../../src/catalogs/index.js';
import { dataPaths } from '../../src/config.js';
import { manifestPath, readManifest } from '../../src/emit/publish/index.js';
import { ingestFile } from '../../src/ingest/index.js';
import { DEFAULT_FEEDS_DIR } from '../../src/transform/channels/index.js';
import { exportCatalog } from '../../src/transform/export.js';
import { feedStaleness } from '../../src/transform/feed-staleness.js';
import { testEnv } from '../helpers/env.js';

const CSV = [
  'id,title,description,link,image_link,price,sale_price,sale_price_effective_date,availability,brand',
  'A1,Robe,Belle robe,https://s.example/a1,https://s.example/a1.jpg,40,30,2030-01-01/2030-01-31,in stock,Acme',
  'A2,Jupe,Belle jupe,https://s.example/a2,https://s.example/a2.jpg,40,,,in stock,Acme',
].join('\n');

test('feeds of an unchanged source are stale when their settings, rules, definition, version or sale dates say so', async (t) => {
  const env = testEnv({ transformWorkers: 1 });
  t.after(() => env.cleanup());
  writeFileSync(env.path('c.csv'), CSV);
  await ingestFile({ config: env.config, db: env.db, catalog: 'acme', source: env.path('c.csv'), createCatalog: true });
  const channels = ['google-shopping', 'meta'];
  const stale = (now: string, feedsDir?: string) => feedStaleness({ config: env.config, db: env.db, feedsDir }, 'acme', channels, Date.parse(now));
  assert.deepEqual(await stale('2030-01-10T00:00:00Z'), { step: 'export', why: 'google-shopping has no published feed' });

  await exportCatalog({ config: env.config, db: env.db, catalog: 'acme', channels, generatedAt: '2030-01-10T00:00:00.000Z' });
  const m = await readManifest(manifestPath(join(dataPaths(env.config).feeds, 'acme'), 'meta'));
  assert.equal(m?.refreshAt, '2030-02-01T00:00:00.000Z', 'the sale ends with 31 January');
  assert.equal(await stale('2030-01-31T23:59:00Z'), undefined);
  assert.deepEqual((await stale('2030-02-01T00:00:00Z'))?.step, 'export');

  const registry = new CatalogRegistry(env.db);
  registry.update('acme', { currency: 'CHF' });
  assert.deepEqual(await stale('2030-01-20T00:00:00Z'), { step: 'ingest', why: "the catalog's currency changed since version 1" });
  registry.update('acme', { currency: 'EUR' });
  assert.equal(await stale('2030-01-20T00:00:00Z'), undefined, 'EUR is what version 1 was loaded with');

  const feedsDir = env.path('feeds');
  mkdirSync(feedsDir);
  for (const c of channels) writeFileSync(join(feedsDir, `${c}.yaml`), readFileSync(join(DEFAULT_FEEDS_DIR, `${c}.yaml`), 'utf8'));
  assert.equal(await stale('2030-01-20T00:00:00Z', feedsDir), undefined, 'the same definitions');
  writeFileSync(join(feedsDir, 'meta.yaml'), readFileSync(join(DEFAULT_FEEDS_DIR, 'meta.yaml'), 'utf8').replace('maxLength: 200, onTooLong: truncate', 'maxLength: 150, onTooLong: truncate'));
  assert.deepEqual(await stale('2030-01-20T00:00:00Z', feedsDir), { step: 'export', why: 'the meta channel definition changed' });

  const rules = env.path('rules.yaml');
  writeFileSync(rules, "version: 1\nall:\n  - drop: { field: availability, equals: out_of_stock }\n");
  registry.update('acme', { rulesPath: rules });
  assert.deepEqual(await stale('2030-01-20T00:00:00Z'), { step: 'export', why: 'the rules of google-shopping changed' });

  await ingestFile({ config: env.config, db: env.db, catalog: 'acme', source: env.path('c.csv') });
  assert.deepEqual(await stale('2030-01-20T00:00:00Z'), { step: 'export', why: 'google-shopping was built from version 1' });
});
