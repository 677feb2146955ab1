import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { crc32 } from '../../../src/crc32.js';
import fc from 'fast-check';
import { PartWriter } from '../../../src/transform/pool/index.js';

function writeAll(path: string, texts: readonly string[], level: number | null) {
  const w = new PartWriter(path, level);
  for (const t of texts) w.write(t);
  return w.close();
}

test('a part holds exactly the texts written, in order, plain or as one gzip member', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-part-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Small items, multi-byte and astral characters, and items larger than a 1 MiB chunk.
  const texts = ['<a>é€😀</a>\n', 'x'.repeat(500_000), 'ü'.repeat(400_000), '\n', 'y'.repeat(2_000_000), 'z'];
  for (let i = 0; i < 2000; i++) texts.push(`<item>${i} ${'é'.repeat(i % 50)}</item>\n`);
  const expected = Buffer.from(texts.join(''), 'utf8');
  const plain = writeAll(join(dir, 'p'), texts, null);
  assert.deepEqual(readFileSync(join(dir, 'p')), expected);
  assert.equal(plain.rawBytes, expected.length);
  assert.equal(plain.bytes, expected.length);
  const gz = writeAll(join(dir, 'g'), texts, 3);
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
      const stats = writeAll(path, texts, null);
      const expected = Buffer.from(texts.join(''), 'utf8');
      assert.deepEqual(readFileSync(path), expected);
      assert.equal(stats.rawBytes, expected.length);
    }),
    { numRuns: 60 },
  );
});

test('a gzipped part is a single gzip member, the same bytes from run to run', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-part-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // ~14 MB of distinct items: many 1 MiB chunks, each compressed on its own.
  const texts = Array.from({ length: 60_000 }, (_, i) => `<item id="${i}">${'é'.repeat(i % 97)}${String(i).repeat(40)}</item>\n`);
  const expected = Buffer.from(texts.join(''), 'utf8');
  for (const level of [1, 3, 9]) {
    const a = join(dir, `a${level}`);
    const b = join(dir, `b${level}`);
    writeAll(a, texts, level);
    writeAll(b, texts, level);
    const bytes = readFileSync(a);
    assert.ok(bytes.equals(readFileSync(b)), `level ${level}: two runs differ`);
    assert.ok(gunzipSync(bytes).equals(expected), `level ${level}: the part differs from the items written`);
    // One member: the inflater stops at the end of the deflate stream, and what follows it is the
    // 8-byte trailer alone, holding the CRC-32 and the length of the whole part.
    const raw = inflateRawSync(bytes.subarray(10), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    assert.ok(raw.buffer.equals(expected));
    assert.equal(10 + raw.engine.bytesWritten + 8, bytes.length, `level ${level}: bytes after the first member`);
    assert.equal(bytes.readUInt32LE(bytes.length - 8), crc32(expected));
    assert.equal(bytes.readUInt32LE(bytes.length - 4), expected.length);
    // Compressed in 1 MiB pieces, each primed with the 32 KiB before it, the part stays near one
    // zlib stream's size (on generated Google feeds 0.2 % smaller; on these repetitive items
    // zlib's level 1 does up to 4 % worse with a dictionary than without).
    const whole = gzipSync(expected, { level, memLevel: 9 }).length;
    assert.ok(bytes.length <= whole * 1.05, `level ${level}: ${bytes.length} bytes against ${whole}`);
  }
});

test('an empty part is a valid empty file or gzip member', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-part-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(writeAll(join(dir, 'p'), [], null), { bytes: 0, rawBytes: 0 });
  assert.equal(readFileSync(join(dir, 'p')).length, 0);
  const stats = writeAll(join(dir, 'g'), ['', ''], 3);
  const bytes = readFileSync(join(dir, 'g'));
  assert.deepEqual(stats, { bytes: bytes.length, rawBytes: 0 });
  assert.equal(gunzipSync(bytes).length, 0);
});

test('a part refuses to replace a file, and a destroyed part can be removed', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-part-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'p');
  writeAll(path, ['kept'], null);
  assert.throws(() => new PartWriter(path, null), { code: 'EEXIST' });
  assert.equal(readFileSync(path, 'utf8'), 'kept');
  const w = new PartWriter(join(dir, 'q'), 3);
  w.write('x');
  w.destroy();
  w.destroy();
  assert.throws(() => w.close(), { code: 'FEEDMILL_INTERNAL' });
});
