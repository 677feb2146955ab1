import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coverageNotes, openForRead, urlCoverage } from '../../src/staging/index.js';
import { CatalogVersions } from '../../src/staging/index.js';
import { openAppDb } from '../../src/db/index.js';
import { merchantRow, stageCatalog, tempRoot, testConfig } from '../transform/pool/fixtures/stage.js';

function coverageOf(config: ReturnType<typeof testConfig>, sample?: number) {
  const app = openAppDb(config);
  const path = new CatalogVersions(app, config).current('acme').stagingPath;
  app.close();
  const db = openForRead(path);
  try {
    return urlCoverage(db, sample);
  } finally {
    db.close();
  }
}

test('offers with links and images give no note', (t) => {
  const config = testConfig(tempRoot(t));
  stageCatalog(config, 'acme', 5);
  const c = coverageOf(config);
  assert.deepEqual(c, { sampled: 5, limit: 10_000, withLink: 5, withImage: 5 });
  assert.deepEqual(coverageNotes(c, undefined), []);
});

test('a link or image held by the product counts for its offers', (t) => {
  const config = testConfig(tempRoot(t));
  stageCatalog(config, 'acme', 4, (i) => {
    const r = merchantRow(i);
    return { product: { ...r.product, image: undefined }, offer: { ...r.offer, image: i === 3 ? 'https://shop.example/o.jpg' : undefined } };
  });
  const c = coverageOf(config);
  assert.deepEqual([c.withLink, c.withImage], [4, 1]);
  assert.deepEqual(coverageNotes(c, undefined), [], 'one image is enough: the check is for a mapping that found none');
});

test('no image anywhere: the note says so, with the fix; past the sample it says how many were read', (t) => {
  const config = testConfig(tempRoot(t));
  stageCatalog(config, 'acme', 5, (i) => merchantRow(i, 1));
  assert.deepEqual(coverageNotes(coverageOf(config), 'add X'), ['no offer has an image, which most channels require, so their feeds would exclude every item: add X']);
  const sampled = coverageNotes(coverageOf(config, 3), undefined);
  assert.equal(sampled.length, 1);
  assert.match(sampled[0] ?? '', /^none of the first 3 offers has an image, .*: map the source column that holds it/);
});
