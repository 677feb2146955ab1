/**
 * After a reboot clears the RAM disk, an export re-ingests the kept source instead of failing. A
 * regression shows as FEEDMILL_STAGING_MISSING although the source is still on the data disk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { ingestFile, restageIfMissing } from '../../src/ingest/index.js';
import { CatalogVersions } from '../../src/staging/index.js';
import { FeedmillError } from '../../src/errors.js';
import { testEnv } from '../helpers/env.js';

test('a lost staging file is rebuilt from the kept source; without the source the error stays', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('c.csv'), 'id,title,price\nA,a,1\nB,b,2\n');
  await ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: env.path('c.csv'), createCatalog: true });
  const versions = new CatalogVersions(env.db, env.config);
  assert.equal(await restageIfMissing({ config: env.config, db: env.db, catalog: 'shop' }), undefined);

  rmSync(env.config.stagingDir, { recursive: true, force: true }); // the reboot
  const again = await restageIfMissing({ config: env.config, db: env.db, catalog: 'shop' });
  assert.equal(again?.version, 2);
  assert.equal(again?.accepted, 2);
  assert.equal(versions.current('shop').version, 2);

  rmSync(env.config.stagingDir, { recursive: true, force: true });
  rmSync(env.path('c.csv'));
  await assert.rejects(
    restageIfMissing({ config: env.config, db: env.db, catalog: 'shop' }),
    (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_STAGING_MISSING' && e.details.version === 2,
  );
});

test('the rebuild uses the settings the lost version was loaded with, not a fresh sniff', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  // Read as UTF-8 (the sniff), 'Caf\xe9' would be Windows-1252 anyway; forced ISO-8859-15, 0xA4 is €.
  writeFileSync(env.path('c.csv'), Buffer.from('id;title;price\nA;Caf\xe9 \xa4;1\n', 'latin1'));
  const first = await ingestFile({
    config: env.config,
    db: env.db,
    catalog: 'shop',
    source: env.path('c.csv'),
    sourceName: 'export.csv',
    createCatalog: true,
    encoding: 'iso-8859-15',
    delimiter: ';',
    currency: 'CHF',
  });
  const versions = new CatalogVersions(env.db, env.config);
  const before = versions.get('shop', first.version);
  assert.deepEqual(before?.loadSettings, { profile: 'auto', profileOptions: {}, currency: 'CHF', encoding: 'iso-8859-15', delimiter: ';' });

  rmSync(env.config.stagingDir, { recursive: true, force: true }); // the reboot
  const again = await restageIfMissing({ config: env.config, db: env.db, catalog: 'shop' });
  const after = versions.get('shop', again?.version ?? assert.fail('restaged'));
  assert.deepEqual(after?.loadSettings, before?.loadSettings);
  assert.equal(after?.sourceName, 'export.csv');
  assert.equal(after?.profile, before?.profile);
  const db = new Database(after?.stagingPath ?? '', { readonly: true });
  t.after(() => db.close());
  assert.deepEqual(db.prepare('SELECT title, price, currency FROM offers').get(), { title: 'Café €', price: 100, currency: 'CHF' });
});

test('a catalog kept with options of another profile than its source was read with is rebuilt all the same', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  // `auto` with a base-url (for the Magento exports it usually gets); this file reads as generic.
  writeFileSync(env.path('c.csv'), 'id,title,price\nA,a,1\n');
  await ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: env.path('c.csv'), createCatalog: true, profileOptions: { 'base-url': 'https://shop.example' } });
  const versions = new CatalogVersions(env.db, env.config);
  assert.equal(versions.current('shop').profile, 'generic');
  rmSync(env.config.stagingDir, { recursive: true, force: true });
  const again = await restageIfMissing({ config: env.config, db: env.db, catalog: 'shop' });
  assert.equal(again?.accepted, 1);
  assert.equal(again?.profile, 'generic');
});
