import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readdir } from 'node:fs/promises';
import { ensureDataset, datasetFile } from '../../bench/generate/index.js';
import { sha256File, tempDir } from './helpers.js';

test('bench data sets are generated once, reused, and rebuilt when the file no longer matches', async (t) => {
  const dir = await tempDir(t);
  const key = { shape: 'merchant', format: 'csv', container: 'gzip' } as const;
  const first = await ensureDataset(dir, key, 250, '7');
  assert.equal(first.generated, true);
  assert.equal(first.result.path, datasetFile(dir, key, 250, '7'));
  assert.equal(first.result.offers, 250);
  const hash = await sha256File(first.result.path);

  const again = await ensureDataset(dir, key, 250, '7');
  assert.equal(again.generated, false);
  assert.deepEqual(again.result, first.result);

  await appendFile(first.result.path, 'x');
  const rebuilt = await ensureDataset(dir, key, 250, '7');
  assert.equal(rebuilt.generated, true);
  assert.equal(await sha256File(rebuilt.result.path), hash);

  // Another size or seed is another file; no partial files are left behind.
  await ensureDataset(dir, key, 260, '7');
  await ensureDataset(dir, key, 250, 'a seed with spaces');
  const files = (await readdir(dir)).sort();
  assert.equal(files.length, 6);
  assert.ok(files.every((f) => !f.endsWith('.partial')));
});
