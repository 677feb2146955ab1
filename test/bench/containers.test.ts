import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import StreamZip from 'node-stream-zip';
import { generateCatalog } from '../../bench/generate/index.js';
import { tempDir } from './helpers.js';

test('gzip container inflates to exactly the plain file', async (t) => {
  const dir = await tempDir(t);
  const plain = await generateCatalog({ shape: 'merchant', format: 'csv', offers: 800, out: join(dir, 'p.csv') });
  const gz = await generateCatalog({ shape: 'merchant', format: 'csv', container: 'gzip', offers: 800, out: join(dir, 'p.csv.gz') });
  const bytes = await readFile(gz.path);
  assert.equal(bytes[0], 0x1f);
  assert.equal(bytes[1], 0x8b);
  assert.ok(gz.bytes < plain.bytes / 2, 'text compresses');
  assert.equal(gz.rawBytes, plain.bytes);
  assert.deepEqual(gunzipSync(bytes), await readFile(plain.path));
});

test('zip container holds one entry that node-stream-zip reads back byte for byte', async (t) => {
  const dir = await tempDir(t);
  const plain = await generateCatalog({ shape: 'tour', format: 'xml', offers: 2000, out: join(dir, 't.xml') });
  const zipped = await generateCatalog({ shape: 'tour', format: 'xml', container: 'zip', offers: 2000, out: join(dir, 't.zip') });
  const zip = new StreamZip.async({ file: zipped.path });
  t.after(() => zip.close());
  const entries = Object.values(await zip.entries());
  assert.deepEqual(entries.map((e) => e.name), ['catalog.xml']);
  const entry = entries[0] as StreamZip.ZipEntry;
  assert.equal(entry.size, plain.bytes);
  assert.equal(entry.method, 8);
  const data = await zip.entryData('catalog.xml');
  assert.deepEqual(data, await readFile(plain.path));
  // Streaming read too: that is how ingest reads it.
  const stream = await zip.stream('catalog.xml');
  let streamed = 0;
  for await (const chunk of stream) streamed += (chunk as Buffer).length;
  assert.equal(streamed, plain.bytes);
});

test('the zip entry name is configurable', async (t) => {
  const dir = await tempDir(t);
  const r = await generateCatalog({ shape: 'merchant', format: 'csv', container: 'zip', offers: 10, entryName: 'export/produits.csv', out: join(dir, 'a.zip') });
  const zip = new StreamZip.async({ file: r.path });
  t.after(() => zip.close());
  assert.deepEqual(Object.keys(await zip.entries()), ['export/produits.csv']);
});
