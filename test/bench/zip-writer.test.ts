import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import StreamZip from 'node-stream-zip';
import { crc32, writeZip, ZipWriter } from '../../bench/lib/index.js';
import { crc32Portable } from '../../bench/lib/crc32.js';
import { tempDir } from './helpers.js';

const SIG_END64 = Buffer.from([0x50, 0x4b, 0x06, 0x06]);
const SIG_LOCATOR64 = Buffer.from([0x50, 0x4b, 0x06, 0x07]);

async function open(t: { after(fn: () => Promise<void>): void }, file: string, skipEntryNameValidation = false): Promise<StreamZip.StreamZipAsync> {
  const zip = new StreamZip.async({ file, skipEntryNameValidation });
  t.after(() => zip.close());
  return zip;
}

async function* pieces(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

const CSV = 'id,title\n1,"Crème brûlée, 6 pots"\n2,"Écran 27"" 4K"\n'.repeat(500);

test('several entries (deflated, stored, streamed, directory, __MACOSX junk, UTF-8 name) read back with node-stream-zip', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'a.zip');
  const stored = randomBytes(3000);
  const { summary, entries } = await writeZip(createWriteStream(file), [
    { name: 'catalog.csv', data: CSV },
    { name: 'notes/readme.bin', data: stored, method: 'store' },
    { name: 'streamed.csv', data: pieces(CSV, 777) },
    { name: 'données/é.csv', data: 'a;b\n' },
    { name: '__MACOSX/', data: '' },
    { name: '__MACOSX/._catalog.csv', data: Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]) },
    { name: 'empty-dir/', data: new Uint8Array(0), method: 'store' },
  ]);
  assert.equal(summary.entries, 7);
  assert.equal(summary.zip64, false);
  assert.equal(summary.bytes, (await readFile(file)).length);
  assert.equal(entries[0]?.crc, crc32(Buffer.from(CSV)));

  const zip = await open(t, file);
  const listed = await zip.entries();
  assert.deepEqual(Object.keys(listed), ['catalog.csv', 'notes/readme.bin', 'streamed.csv', 'données/é.csv', '__MACOSX/', '__MACOSX/._catalog.csv', 'empty-dir/']);
  assert.equal((await zip.entryData('catalog.csv')).toString('utf8'), CSV);
  assert.deepEqual(await zip.entryData('notes/readme.bin'), stored);
  assert.equal((await zip.entryData('streamed.csv')).toString('utf8'), CSV);
  assert.equal((await zip.entryData('données/é.csv')).toString('utf8'), 'a;b\n');
  assert.equal(listed['catalog.csv']?.method, 8);
  assert.equal(listed['notes/readme.bin']?.method, 0);
  assert.equal(listed['catalog.csv']?.crc, crc32(Buffer.from(CSV)));
  assert.equal(listed['streamed.csv']?.size, Buffer.byteLength(CSV));
  assert.equal((listed['streamed.csv']?.flags ?? 0) & 0x8, 0x8, 'streamed entries use a data descriptor');
  assert.equal((listed['catalog.csv']?.flags ?? 0) & 0x8, 0, 'in-memory entries carry sizes in the local header');
  assert.equal((listed['données/é.csv']?.flags ?? 0) & 0x800, 0x800, 'non-ASCII names set the UTF-8 flag');
  assert.equal(listed['empty-dir/']?.isDirectory, true);
  assert.equal(listed['__MACOSX/']?.isDirectory, true);
});

test('unsafe names are written as given: a validating reader refuses them, a raw one lists them', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'unsafe.zip');
  await writeZip(createWriteStream(file), [
    { name: '../x.csv', data: 'id\n1\n' },
    { name: '/abs.csv', data: 'id\n2\n' },
  ]);
  await assert.rejects(async () => {
    const zip = new StreamZip.async({ file });
    try {
      await zip.entries();
    } finally {
      await zip.close().catch(() => undefined);
    }
  });
  const raw = await open(t, file, true);
  assert.deepEqual(Object.keys(await raw.entries()), ['../x.csv', '/abs.csv']);
  assert.equal((await raw.entryData('../x.csv')).toString(), 'id\n1\n');
});

test('an entry flagged encrypted (bit 0) is reported encrypted and its data is refused', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'enc.zip');
  await writeZip(createWriteStream(file), [{ name: 'secret.csv', data: 'id\n1\n', encryptedFlag: true }]);
  const zip = await open(t, file);
  const entry = await zip.entry('secret.csv');
  assert.equal(entry?.encrypted, true);
  assert.equal((entry?.flags ?? 0) & 1, 1);
  await assert.rejects(zip.entryData('secret.csv'));
});

test('a declared size that lies: headers say 100 bytes, the stream inflates to 4 MiB (zip bomb shape)', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'bomb.zip');
  const big = Buffer.alloc(4 * 1024 * 1024, 0x41);
  const { entries } = await writeZip(createWriteStream(file), [
    { name: 'bomb.csv', data: [big], declaredSize: 100 },
    { name: 'liar.csv', data: big, declaredSize: 100 },
  ]);
  assert.equal(entries[0]?.size, big.length);
  assert.equal(entries[0]?.declaredSize, 100);
  assert.ok((entries[0]?.compressedSize ?? 0) < 10_000, 'it compresses very well: that is the point of a bomb');
  const zip = await open(t, file);
  const listed = await zip.entries();
  assert.equal(listed['bomb.csv']?.size, 100);
  assert.equal(listed['liar.csv']?.size, 100);
  // With a data descriptor the reader cannot check sizes up front: only counting inflated bytes stops it.
  let inflated = 0;
  for await (const chunk of await zip.stream('bomb.csv')) inflated += (chunk as Buffer).length;
  assert.equal(inflated, big.length);
  // Sizes in the local header are checked by node-stream-zip when it reads the whole entry.
  await assert.rejects(zip.entryData('liar.csv'));
});

test('a wrong declared CRC is caught by a verifying reader', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'crc.zip');
  await writeZip(createWriteStream(file), [{ name: 'a.csv', data: 'id\n1\n', declaredCrc: 12345 }]);
  const zip = await open(t, file);
  assert.equal((await zip.entry('a.csv'))?.crc, 12345);
  await assert.rejects(zip.entryData('a.csv'));
});

test('ZIP64 forced on small data: ZIP64 end records and extra fields that node-stream-zip follows', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'z64.zip');
  const { summary, entries } = await writeZip(
    createWriteStream(file),
    [
      { name: 'one.csv', data: CSV },
      { name: 'two.csv', data: pieces(CSV, 1000) },
      { name: 'three.bin', data: Buffer.from('stored'), method: 'store' },
    ],
    { zip64: 'force' },
  );
  assert.equal(summary.zip64, true);
  assert.ok(entries.every((e) => e.zip64));
  const bytes = await readFile(file);
  assert.ok(bytes.includes(SIG_END64) && bytes.includes(SIG_LOCATOR64));
  // The classic end record points to the ZIP64 one: all its fields are at their maximum.
  const end = bytes.subarray(bytes.length - 22);
  assert.equal(end.readUInt32LE(0), 0x06054b50);
  assert.equal(end.readUInt16LE(10), 0xffff);
  assert.equal(end.readUInt32LE(12), 0xffffffff);
  assert.equal(end.readUInt32LE(16), 0xffffffff);
  // A streamed ZIP64 entry ends with a 24-byte descriptor (8-byte sizes), as its local extra field announces.
  const two = entries[1];
  assert.ok(two);
  const localExtraLen = bytes.readUInt16LE(two.offset + 28);
  assert.equal(localExtraLen, 20);
  assert.equal(bytes.readUInt16LE(two.offset + 30 + 'two.csv'.length), 0x0001);
  const descriptor = two.offset + 30 + 'two.csv'.length + localExtraLen + two.compressedSize;
  assert.equal(bytes.readUInt32LE(descriptor), 0x08074b50);
  assert.equal(bytes.readUInt32LE(descriptor + 4), crc32(Buffer.from(CSV)));
  assert.equal(bytes.readBigUInt64LE(descriptor + 8), BigInt(two.compressedSize));
  assert.equal(bytes.readBigUInt64LE(descriptor + 16), BigInt(Buffer.byteLength(CSV)));

  const zip = await open(t, file);
  const listed = await zip.entries();
  assert.deepEqual(Object.keys(listed), ['one.csv', 'two.csv', 'three.bin']);
  assert.equal(listed['two.csv']?.size, Buffer.byteLength(CSV));
  assert.equal(listed['two.csv']?.offset, two.offset);
  assert.equal((await zip.entryData('one.csv')).toString(), CSV);
  assert.equal((await zip.entryData('two.csv')).toString(), CSV);
  assert.equal((await zip.entryData('three.bin')).toString(), 'stored');
});

test('one ZIP64 entry in an otherwise classic archive', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'mixed.zip');
  const { summary } = await writeZip(createWriteStream(file), [
    { name: 'a.csv', data: 'id\n1\n' },
    { name: 'b.csv', data: 'id\n2\n', zip64: true },
  ]);
  assert.equal(summary.zip64, true);
  const bytes = await readFile(file);
  assert.ok(!bytes.includes(SIG_END64), 'no ZIP64 end record is needed');
  const zip = await open(t, file);
  assert.equal((await zip.entryData('b.csv')).toString(), 'id\n2\n');
  assert.equal((await zip.entryData('a.csv')).toString(), 'id\n1\n');
});

test('a streamed entry announced above 4 GiB (sizeHint) is ZIP64 from its local header on', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'hint.zip');
  const { entries } = await writeZip(createWriteStream(file), [
    { name: 'big.csv', data: pieces(CSV, 500), sizeHint: 5 * 2 ** 30 },
    { name: 'small.csv', data: pieces(CSV, 500), sizeHint: 1000 },
  ]);
  const bytes = await readFile(file);
  const [big, small] = entries;
  assert.ok(big && small);
  assert.equal(big.zip64, true);
  assert.equal(small.zip64, false);
  assert.equal(bytes.readUInt16LE(big.offset + 28), 20);
  assert.equal(bytes.readUInt32LE(big.offset + 22), 0xffffffff);
  assert.equal(bytes.readUInt16LE(small.offset + 28), 0);
  // Descriptor sizes: 8 bytes each after a ZIP64 local header, 4 bytes otherwise.
  assert.equal(small.offset - (big.offset + 30 + 'big.csv'.length + 20 + big.compressedSize), 24);
  const zip = await open(t, file);
  assert.equal((await zip.entryData('big.csv')).toString(), CSV);
  assert.equal((await zip.entryData('small.csv')).toString(), CSV);
});

test('the same input gives the same bytes (fixed default timestamp)', async (t) => {
  const dir = await tempDir(t);
  const make = async (name: string) => {
    await writeZip(createWriteStream(join(dir, name)), [
      { name: 'a.csv', data: CSV },
      { name: 'b.csv', data: pieces(CSV, 333) },
    ]);
    return readFile(join(dir, name));
  };
  assert.deepEqual(await make('1.zip'), await make('2.zip'));
});

test('a slow sink gets a correct archive: writes wait for drain instead of queueing the archive', async (t) => {
  const dir = await tempDir(t);
  const chunks: Buffer[] = [];
  let maxQueued = 0;
  const slow: Writable = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, cb) {
      // writableLength counts what the writer has queued beyond this call: it stays near one
      // chunk when the writer honours 'drain', and grows to the whole archive when it does not.
      maxQueued = Math.max(maxQueued, slow.writableLength);
      chunks.push(chunk);
      setImmediate(cb);
    },
  });
  const data = randomBytes(1024 * 1024);
  async function* slices(): AsyncGenerator<Buffer> {
    for (let i = 0; i < data.length; i += 4096) yield data.subarray(i, i + 4096);
  }
  const zip = new ZipWriter(slow);
  await zip.addEntry('x.bin', slices(), { method: 'store' });
  const summary = await zip.finish();
  const bytes = Buffer.concat(chunks);
  assert.equal(bytes.length, summary.bytes);
  assert.ok(maxQueued < 64 * 1024, `queued up to ${maxQueued} bytes`);
  const file = join(dir, 'slow.zip');
  await writeFile(file, bytes);
  const reader = await open(t, file);
  assert.deepEqual(await reader.entryData('x.bin'), data);
});

test('misuse is a coded error naming the option', async (t) => {
  const dir = await tempDir(t);
  const zip = new ZipWriter(createWriteStream(join(dir, 'bad.zip')));
  await assert.rejects(zip.addEntry('a', 'x', { level: 12 }), { code: 'FEEDMILL_BENCH_OPTION', details: { name: 'a', option: 'level', value: 12 } });
  await assert.rejects(zip.addEntry('', 'x'), { code: 'FEEDMILL_BENCH_OPTION', details: { name: '', bytes: 0 } });
  const first = zip.addEntry('a', pieces('abc', 1));
  await assert.rejects(zip.addEntry('b', 'x'), { code: 'FEEDMILL_BENCH_OPTION', details: { name: 'b' } });
  await first;
  await zip.finish();
  await assert.rejects(zip.addEntry('c', 'x'), { code: 'FEEDMILL_BENCH_OPTION', details: { name: 'c' } });
  await assert.rejects(zip.finish(), { code: 'FEEDMILL_BENCH_OPTION' });
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  assert.throws(() => new ZipWriter(sink, { zip64: 'always' as 'force' }), { code: 'FEEDMILL_BENCH_OPTION', details: { option: 'zip64', value: 'always' } });
});

test('after a source fails mid-entry the writer refuses to continue', async (t) => {
  const dir = await tempDir(t);
  const out = createWriteStream(join(dir, 'broken.zip'));
  t.after(() => out.destroy());
  const zip = new ZipWriter(out);
  async function* failing(): AsyncGenerator<string> {
    yield 'id\n1\n';
    throw new Error('source died');
  }
  await assert.rejects(zip.addEntry('a.csv', failing()));
  await assert.rejects(zip.addEntry('b.csv', 'x'), { code: 'FEEDMILL_BENCH_FAILED' });
  await assert.rejects(zip.finish(), { code: 'FEEDMILL_BENCH_FAILED' });
});

test('crc32: native and table implementations agree, also incrementally', () => {
  for (const size of [0, 1, 7, 1000, 65_537]) {
    const data = randomBytes(size);
    assert.equal(crc32Portable(data), crc32(data));
    const cut = size >> 1;
    assert.equal(crc32Portable(data.subarray(cut), crc32Portable(data.subarray(0, cut))), crc32(data));
  }
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
});
