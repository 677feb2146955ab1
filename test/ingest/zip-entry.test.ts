/**
 * The zip entry data path (zip-entry.ts): stored and deflated entries, data descriptors, ZIP64,
 * large entries read in pieces, and every way the data can disagree with the directory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { openContainer } from '../../src/ingest/container.js';
import { FeedmillError } from '../../src/errors.js';
import { writeZip, type ZipEntryOptions } from '../../bench/lib/zip-writer.js';
import { testEnv } from '../helpers/env.js';

const CAP = 1 << 30;

/** ~3 MB of varied text: several 1 MiB read pieces and inflate chunks. */
const BIG = Array.from({ length: 40_000 }, (_, i) => `${i};Crème brûlée n°${i} — ${'é'.repeat(i % 17)};${(i * 7) % 1000},99\n`).join('');

async function zipOf(path: string, data: string, options: ZipEntryOptions = {}): Promise<void> {
  await writeZip(createWriteStream(path), [{ name: 'catalog.csv', data, ...options }]);
}

async function contentOf(path: string): Promise<string> {
  const c = await openContainer(path, CAP);
  try {
    return await text(c.stream);
  } finally {
    await c.close();
  }
}

test('stored, deflated, data-descriptor and ZIP64 entries all give the exact content', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const cases: [string, ZipEntryOptions][] = [
    ['deflate.zip', {}],
    ['store.zip', { method: 'store' }],
    ['descriptor.zip', { dataDescriptor: true }],
    ['zip64.zip', { zip64: true }],
    ['empty.zip', {}],
  ];
  for (const [name, options] of cases) {
    const data = name === 'empty.zip' ? '' : BIG;
    await zipOf(env.path(name), data, options);
    assert.equal(await contentOf(env.path(name)), data, name);
  }
});

test('progress counts the compressed bytes of the entry', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  await zipOf(env.path('c.zip'), BIG);
  const c = await openContainer(env.path('c.zip'), CAP);
  await text(c.stream);
  const size = readFileSync(env.path('c.zip')).length;
  assert.ok(c.compressedBytesRead() > 0 && c.compressedBytesRead() < size, `${c.compressedBytesRead()} of ${size}`);
  await c.close();
});

function rejectsWith(code: string, pattern: RegExp) {
  return (e: unknown) => e instanceof FeedmillError && e.code === code && pattern.test(e.message);
}

test('a wrong CRC, a short entry, a truncated file and an unknown method fail with coded errors', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  await zipOf(env.path('crc.zip'), BIG, { declaredCrc: 12345 });
  await assert.rejects(contentOf(env.path('crc.zip')), rejectsWith('FEEDMILL_ARCHIVE_CORRUPT', /CRC-32/));

  // Declares more bytes than the data holds: the entry ends early.
  await zipOf(env.path('short.zip'), BIG, { declaredSize: Buffer.byteLength(BIG) + 10 });
  await assert.rejects(contentOf(env.path('short.zip')), rejectsWith('FEEDMILL_ARCHIVE_CORRUPT', /declares/));

  // The middle of the compressed data removed, the directory kept (and its offset fixed): the
  // directory's compressed size now runs past the end of the file.
  await zipOf(env.path('ok.zip'), BIG);
  const ok = readFileSync(env.path('ok.zip'));
  const eocd = ok.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const cdOffset = ok.readUInt32LE(eocd + 16);
  const cut = Buffer.concat([ok.subarray(0, 1000), ok.subarray(cdOffset)]);
  cut.writeUInt32LE(1000, cut.length - (ok.length - eocd) + 16);
  writeFileSync(env.path('cut.zip'), cut);
  await assert.rejects(contentOf(env.path('cut.zip')), rejectsWith('FEEDMILL_ARCHIVE_CORRUPT', /past the end/));

  // Method 12 (bzip2) in both headers.
  const bz = Buffer.from(ok);
  bz.writeUInt16LE(12, 8);
  bz.writeUInt16LE(12, cdOffset + 10);
  writeFileSync(env.path('bzip2.zip'), bz);
  await assert.rejects(contentOf(env.path('bzip2.zip')), rejectsWith('FEEDMILL_FORMAT_UNKNOWN', /method 12/));

  // Damaged deflate data: zlib's error becomes a coded one.
  const damaged = Buffer.from(ok);
  for (let i = 200; i < 260; i++) damaged[i] = 0xff;
  writeFileSync(env.path('damaged.zip'), damaged);
  await assert.rejects(contentOf(env.path('damaged.zip')), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_ARCHIVE_CORRUPT');
});
