/**
 * The two ways of building an item from staging (named columns and raw arrays) agree on every
 * field, products and standalone offers alike. A regression shows as a column read at the wrong
 * index after the staged offer query changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ingestFile } from '../../src/ingest/index.js';
import { CatalogVersions, openForRead, STAGED_OFFER_SQL, type StagedOffer } from '../../src/staging/index.js';
import { itemFromRaw, toItem, withoutMainImage, type Item } from '../../src/transform/item.js';
import { testEnv } from '../helpers/env.js';

test('itemFromRaw(row) equals toItem(row) for merchant and tour offers', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const sources = [
    ['merchant', fileURLToPath(new URL('../../samples/merchant.csv', import.meta.url)), 'generic'],
    ['tours', fileURLToPath(new URL('../fixtures/profiles/tour-operator/trips.xml', import.meta.url)), 'tour-operator'],
  ] as const;
  for (const [catalog, source, profile] of sources) {
    await ingestFile({ config: env.config, db: env.db, catalog, source, profile, createCatalog: true });
    const db = openForRead(new CatalogVersions(env.db, env.config).current(catalog).stagingPath);
    try {
      const named = db.prepare(STAGED_OFFER_SQL).all(0, Number.MAX_SAFE_INTEGER) as StagedOffer[];
      const raw = db.prepare(STAGED_OFFER_SQL).raw(true).all(0, Number.MAX_SAFE_INTEGER) as unknown[][];
      assert.ok(named.length > 0);
      assert.deepEqual(raw.map(itemFromRaw), named.map(toItem), catalog);
    } finally {
      db.close();
    }
  }
});

test('withoutMainImage drops the main image from the additional ones, and only it', () => {
  const item = (image: string | null, more: string | null) => ({ image, additionalImages: more }) as unknown as Item;
  const cases: [Item, string | null][] = [
    [item('https://s/2.jpg', 'https://s/2.jpg'), null],
    [item('https://s/2.jpg', 'https://s/1.jpg\nhttps://s/2.jpg\nhttps://s/3.jpg'), 'https://s/1.jpg\nhttps://s/3.jpg'],
    [item('https://s/2.jpg', 'https://s/2.jpg.webp\nhttps://s/1.jpg'), 'https://s/2.jpg.webp\nhttps://s/1.jpg'],
    [item(null, 'https://s/1.jpg'), 'https://s/1.jpg'],
    [item('https://s/1.jpg', null), null],
  ];
  for (const [it, expected] of cases) {
    withoutMainImage(it);
    assert.equal(it.additionalImages, expected);
  }
});
