import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { PartWriter } from '../../../src/transform/pool/index.js';

async function writeAll(path: string, texts: readonly string[], level: number | null) {
  const w = new PartWriter(path, level);
  for (const t of texts) await w.write(t);
  return w.close();
}

test('a part holds exactly the texts written, in order, plain or as one gzip member', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-part-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Small items, multi-byte and astral characters, and items larger than a 1 MiB chunk.
  const texts = ['<a>é€😀</a>\n', 'x'.repeat(500_000), 'ü'.repeat(400_000), '\n', 'y'.repeat(2_000_000), 'z'];
  for (let i = 0; i < 2000; i++) texts.push(`<item>${i} ${'é'.repeat(i % 50)}</item>\n`);
  const expected = Buffer.from(texts.join(''), 'utf8');
  const plain = await writeAll(join(dir, 'p'), texts, null);
  assert.deepEqual(readFileSync(join(dir, 'p')), expected);
  assert.equal(plain.rawBytes, expected.length);
  assert.equal(plain.bytes, expected.length);
  const gz = await writeAll(join(dir, 'g'), texts, 3);
  assert.deepEqual(gunzipSync(readFileSync(join(dir, 'g'))), expected);
  assert.equal(gz.rawBytes, expected.length);
  assert.equal(gz.bytes, readFileSync(join(dir, 'g')).length);
});

test('property: any sequence of strings round-trips through a part', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-part-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { maxLength: 200 }), async (texts) => {
      const path = join(dir, String(n++));
      const stats = await writeAll(path, texts, null);
      const expected = Buffer.from(texts.join(''), 'utf8');
      assert.deepEqual(readFileSync(path), expected);
      assert.equal(stats.rawBytes, expected.length);
    }),
    { numRuns: 60 },
  );
});

test('chunks handed back by the stream are reused without overwriting bytes not yet written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-part-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // ~14 MB of distinct items, written the way the worker writes (waiting only when asked to), so
  // many chunks are in flight and recycled: a chunk reused too early would repeat or mix items.
  const texts = Array.from({ length: 60_000 }, (_, i) => `<item id="${i}">${'é'.repeat(i % 97)}${String(i).repeat(40)}</item>\n`);
  const expected = Buffer.from(texts.join(''), 'utf8');
  for (const level of [null, 1]) {
    const path = join(dir, String(level));
    const w = new PartWriter(path, level);
    for (const text of texts) {
      const pending = w.write(text);
      if (pending !== undefined) await pending;
    }
    const stats = await w.close();
    const bytes = level === null ? readFileSync(path) : gunzipSync(readFileSync(path));
    assert.equal(stats.rawBytes, expected.length, `level ${level}`);
    assert.ok(bytes.equals(expected), `level ${level}: the part differs from the items written`);
  }
});
