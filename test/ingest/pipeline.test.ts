/**
 * The ingest pipeline end to end on real files: containers, encodings, dialects, rejects and the
 * atomic version swap. A regression shows as wrong counts, a wrong value in staging, or a failed
 * file that replaced the current version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { ingestFile } from '../../src/ingest/index.js';
import { CatalogVersions } from '../../src/staging/index.js';
import { FeedmillError } from '../../src/errors.js';
import { writeZip } from '../../bench/lib/zip-writer.js';
import { testEnv, type TestEnv } from '../helpers/env.js';
import { stagedRows } from '../helpers/staging.js';

const HEADER = 'id,title,price,link,quantity,colour_name';
const CSV = [
  HEADER,
  'A1,"Pull ""Alpine"", laine",19.99,https://shop.example/a1,3,rouge',
  'A2,"Deux\nlignes",5,https://shop.example/a2,0,',
  'A3,Prix faux,abc,https://shop.example/a3,1,',
  ',Sans id,10,https://shop.example/x,1,',
  'A4,Lien faux,10,ftp://shop.example/a4,1,',
  'A5,Trop,10,https://shop.example/a5,1,x,extra',
  'A6,Point-virgule final,7.5,https://shop.example/a6,2,,',
  'A1,Doublon,1,https://shop.example/a1b,1,',
  '',
].join('\n');

async function ingest(env: TestEnv, file: string, extra: Partial<Parameters<typeof ingestFile>[0]> = {}) {
  return ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: file, createCatalog: true, ...extra });
}


test('CSV: accepted and rejected records add up, values are exact', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('c.csv'), CSV);
  const r = await ingest(env, env.path('c.csv'));
  assert.equal(r.seen, 8);
  assert.equal(r.accepted, 3);
  assert.equal(r.rejected, 5);
  assert.equal(r.seen, r.accepted + r.rejected);
  assert.deepEqual(r.rejectsByCode, { RECORD_BAD_PRICE: 1, RECORD_MISSING_ID: 1, RECORD_BAD_URL: 1, RECORD_COLUMN_COUNT: 1, RECORD_DUPLICATE_ID: 1 } as never);
  assert.deepEqual(stagedRows(env, 'SELECT offer_id, title, price, currency, availability, quantity, attrs FROM offers ORDER BY oid'), [
    { offer_id: 'A1', title: 'Pull "Alpine", laine', price: 1999, currency: 'EUR', availability: 'in_stock', quantity: 3, attrs: '{"colour_name":"rouge"}' },
    { offer_id: 'A2', title: 'Deux\nlignes', price: 500, currency: 'EUR', availability: 'out_of_stock', quantity: 0, attrs: null },
    { offer_id: 'A6', title: 'Point-virgule final', price: 750, currency: 'EUR', availability: 'in_stock', quantity: 2, attrs: null },
  ]);
  const rejects = stagedRows(env, 'SELECT line, field, code FROM rejects ORDER BY line') as { line: number; field: string | null; code: string }[];
  assert.deepEqual(rejects, [
    { line: 5, field: 'price', code: 'RECORD_BAD_PRICE' },
    { line: 6, field: 'id', code: 'RECORD_MISSING_ID' },
    { line: 7, field: 'link', code: 'RECORD_BAD_URL' },
    { line: 8, field: null, code: 'RECORD_COLUMN_COUNT' },
    { line: 10, field: 'id', code: 'RECORD_DUPLICATE_ID' },
  ]);
});

async function zipFile(path: string, entries: Parameters<typeof writeZip>[1]): Promise<void> {
  await writeZip(createWriteStream(path), entries);
}

test('gzip and zip containers give the same catalog as the plain file', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('c.csv'), CSV);
  writeFileSync(env.path('c.csv.gz'), gzipSync(CSV));
  writeFileSync(env.path('multi.bin'), Buffer.concat([gzipSync(CSV.slice(0, 100)), gzipSync(CSV.slice(100))]));
  await zipFile(env.path('c.zip'), [
    { name: '__MACOSX/._c.csv', data: 'junk' },
    { name: 'export/', data: '' },
    { name: 'export/c.csv', data: CSV },
  ]);
  const plain = await ingest(env, env.path('c.csv'));
  for (const [file, container] of [['c.csv.gz', 'gzip'], ['multi.bin', 'gzip'], ['c.zip', 'zip']] as const) {
    const r = await ingest(env, env.path(file));
    assert.equal(r.container, container, file);
    assert.deepEqual([r.seen, r.accepted, r.rejected], [plain.seen, plain.accepted, plain.rejected], file);
  }
});

test('zip archives that are ambiguous, unsafe, encrypted or bombs are refused with codes', async (t) => {
  const env = testEnv({ maxInflatedBytes: 100_000 });
  t.after(() => env.cleanup());
  const cases: [string, Parameters<typeof writeZip>[1], string][] = [
    ['two.zip', [{ name: 'a.csv', data: CSV }, { name: 'b.csv', data: CSV }], 'FEEDMILL_ARCHIVE_AMBIGUOUS'],
    ['slip.zip', [{ name: '../../etc/c.csv', data: CSV }], 'FEEDMILL_ARCHIVE_UNSAFE_PATH'],
    ['abs.zip', [{ name: '/abs/c.csv', data: CSV }], 'FEEDMILL_ARCHIVE_UNSAFE_PATH'],
    ['enc.zip', [{ name: 'c.csv', data: CSV, encryptedFlag: true }], 'FEEDMILL_ARCHIVE_ENCRYPTED'],
    ['empty.zip', [{ name: '__MACOSX/x', data: 'x' }], 'FEEDMILL_ARCHIVE_NO_CATALOG'],
    ['bomb.zip', [{ name: 'c.csv', data: HEADER + '\n' + 'Z,z,1,https://x.example/z,1,\n'.repeat(20_000) }], 'FEEDMILL_ARCHIVE_TOO_LARGE'],
    ['liar.zip', [{ name: 'c.csv', data: CSV, declaredSize: 50 }], 'FEEDMILL_ARCHIVE_CORRUPT'],
    // Spreadsheets are zip packages: named as what they are, not as an archive of many files.
    ['book.xlsx', ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml'].map((name) => ({ name, data: '<x/>' })), 'FEEDMILL_FORMAT_UNKNOWN'],
    ['sheet.ods', ['mimetype', 'content.xml', 'styles.xml', 'META-INF/manifest.xml'].map((name) => ({ name, data: '<x/>' })), 'FEEDMILL_FORMAT_UNKNOWN'],
  ];
  for (const [file, entries, code] of cases) {
    await zipFile(env.path(file), entries);
    await assert.rejects(ingest(env, env.path(file)), (e: unknown) => e instanceof FeedmillError && e.code === code && (code !== 'FEEDMILL_FORMAT_UNKNOWN' || /save it as .*CSV/.test(e.message)), file);
  }
  writeFileSync(env.path('bomb.gz'), gzipSync(Buffer.alloc(1_000_000, 0x41)));
  await assert.rejects(ingest(env, env.path('bomb.gz')), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_ARCHIVE_TOO_LARGE');
  writeFileSync(env.path('cut.gz'), gzipSync(CSV).subarray(0, 60));
  await assert.rejects(ingest(env, env.path('cut.gz')), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_ARCHIVE_CORRUPT');
});

test('encodings: UTF-8 BOM, UTF-16 LE/BE, Windows-1252 detected and decoded', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const text = 'id;title;price\nB1;Crème brûlée — 1 €;3,50\n';
  const utf16be = Buffer.from(text, 'utf16le');
  utf16be.swap16();
  const files: [string, Buffer, string][] = [
    ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8'],
    ['le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'utf-16le'],
    ['be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]), 'utf-16be'],
    ['cp1252.csv', Buffer.from(new Uint8Array([...text].map((c) => ({ è: 0xe8, û: 0xfb, '—': 0x97, '€': 0x80 })[c] ?? c.charCodeAt(0)))), 'windows-1252'],
  ];
  for (const [name, bytes, encoding] of files) {
    writeFileSync(env.path(name), bytes);
    const r = await ingest(env, env.path(name));
    assert.equal(r.encoding, encoding, name);
    assert.equal(r.accepted, 1, name);
    assert.deepEqual(stagedRows(env, 'SELECT offer_id, title, price FROM offers'), [{ offer_id: 'B1', title: 'Crème brûlée — 1 €', price: 350 }], name);
  }
});

test('a bad file fails with a coded error and leaves the current version in place', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('good.csv'), CSV);
  const first = await ingest(env, env.path('good.csv'));
  const versions = new CatalogVersions(env.db, env.config);
  // Invalid UTF-8 far after the sniffed head: the whole file fails, naming the byte offset.
  const head = Buffer.from(HEADER + '\n' + 'G,ok é,1,https://x.example/g,1,\n'.repeat(5000));
  writeFileSync(env.path('mixed.csv'), Buffer.concat([head, Buffer.from([0x48, 0xe9, 0x0a])]));
  await assert.rejects(
    ingest(env, env.path('mixed.csv')),
    (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_ENCODING_INVALID' && e.details.byteOffset === head.length + 1,
  );
  writeFileSync(env.path('open.csv'), `${HEADER}\nQ1,"never closed,1,https://x.example/q,1,\nQ2,x,1,https://x.example/q2,1,\n`);
  await assert.rejects(ingest(env, env.path('open.csv')), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_CSV_UNCLOSED_QUOTE' && e.details.line === 2);
  writeFileSync(env.path('allbad.csv'), `${HEADER}\nX,x,abc,https://x.example/x,1,\n`);
  await assert.rejects(ingest(env, env.path('allbad.csv')), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_INGEST_NO_RECORDS');
  await assert.rejects(ingest(env, env.path('allbad.csv'), { writerThread: true }), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_INGEST_NO_RECORDS');
  await assert.rejects(ingest(env, env.path('good.csv'), { rejectLimit: 2, writerThread: true }), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_INGEST_REJECT_LIMIT');
  await assert.rejects(ingest(env, env.path('good.csv'), { rejectLimit: 2 }), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_INGEST_REJECT_LIMIT');
  const current = versions.current('shop');
  assert.equal(current.version, first.version);
  assert.deepEqual(
    versions.list('shop').map((v) => v.status),
    ['failed', 'failed', 'failed', 'failed', 'failed', 'failed', 'ready'],
  );
  const r = await ingest(env, env.path('good.csv'));
  assert.equal(versions.current('shop').version, r.version);
  assert.equal(versions.get('shop', first.version)?.status, 'superseded');
});

test('U+FFFD already in the text rejects the record, naming the field', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('fffd.csv'), `${HEADER}\nF1,Cr\uFFFDme,1,https://x.example/f,1,\nF2,Crème,1,https://x.example/f2,1,\n`);
  const r = await ingest(env, env.path('fffd.csv'));
  assert.deepEqual([r.accepted, r.rejected], [1, 1]);
  assert.deepEqual(stagedRows(env, 'SELECT field, code FROM rejects'), [{ field: 'title', code: 'RECORD_ENCODING' }]);
});

test('tab and pipe delimiters are sniffed; a headerless file is refused', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('t.tsv'), 'id\ttitle\tprice\nT1\tA, b; c\t2.00\nT2\tD\t3\n');
  assert.equal((await ingest(env, env.path('t.tsv'))).accepted, 2);
  writeFileSync(env.path('p.csv'), 'id|title|price\nP1|A, b; c|2.00\n');
  assert.equal((await ingest(env, env.path('p.csv'))).accepted, 1);
  writeFileSync(env.path('nohead.csv'), '12,https://x.example/a,3.5\n13,https://x.example/b,4\n');
  await assert.rejects(ingest(env, env.path('nohead.csv')), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_CSV_NO_HEADER');
});

test('the writer thread stores exactly what the local writer stores (text as TEXT, rejects, products)', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const csv = [HEADER, ...Array.from({ length: 3000 }, (_, i) => `W${i},"Crème ""n°${i}""\nligne 2 — 漢字",${i}.5${i % 10},https://x.example/w${i},${i % 3},${i % 2 ? 'bleu' : ''}`), 'W7,dup,1,https://x.example/d,1,', 'BAD,x,abc,https://x.example/b,1,', ''].join('\n');
  writeFileSync(env.path('w.csv'), csv);
  const tours = new URL('../fixtures/profiles/tour-operator/trips.xml', import.meta.url);
  const dump = (catalog: string) => {
    const v = new CatalogVersions(env.db, env.config).current(catalog);
    const db = new Database(v.stagingPath, { readonly: true });
    try {
      return {
        offers: db.prepare('SELECT *, typeof(title) AS tt, typeof(price) AS tp FROM offers ORDER BY oid').all(),
        products: db.prepare('SELECT * FROM products ORDER BY pid').all(),
        rejects: db.prepare('SELECT line, byte_offset, field, code FROM rejects ORDER BY id').all(),
      };
    } finally {
      db.close();
    }
  };
  for (const [source, profile] of [[env.path('w.csv'), 'generic'], [tours.pathname, 'tour-operator']] as const) {
    const local = await ingestFile({ config: env.config, db: env.db, catalog: 'local', source, profile, createCatalog: true, writerThread: false });
    const threaded = await ingestFile({ config: env.config, db: env.db, catalog: 'threaded', source, profile, createCatalog: true, writerThread: true });
    assert.deepEqual({ ...threaded, catalog: '', seconds: 0, version: 0 }, { ...local, catalog: '', seconds: 0, version: 0 });
    const a = dump('local');
    assert.deepEqual(dump('threaded'), a);
    assert.ok(a.offers.every((o) => (o as { tt: string; tp: string }).tp === 'integer'));
  }
});

test('files that are not catalogs say what they are: a tar.gz, an old .xls, a PDF, a web page, JSON', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const tar = Buffer.alloc(1024);
  tar.write('catalog.csv', 0);
  tar.write('ustar', 257);
  Buffer.from(CSV).copy(tar, 512);
  const cases: [string, Buffer, RegExp][] = [
    ['cat.tar.gz', gzipSync(tar), /tar archive .*send the catalog file alone/],
    ['old.xls', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600, 0)]), /\.xls workbook.*CSV/],
    ['doc.pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(600, 1)]), /PDF document/],
    // What a shop's export URL answers when the session expired or the export failed.
    ['login.csv', Buffer.from('\n<!DOCTYPE html>\n<html lang="fr"><head><title>Connexion</title></head><body></body></html>\n'), /HTML page \("Connexion"\).*login or error page/],
    ['error.xml', Buffer.from('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>500</body></html>'), /HTML page, not a catalog/],
    ['api.csv', Buffer.from('{"products": [{"sku": "A1"}]}'), /JSON; feedmill reads CSV\/TSV and XML/],
    ['list.json', Buffer.from('[\n  {"sku": "A1"}\n]\n'), /JSON/],
  ];
  for (const [name, bytes, message] of cases) {
    writeFileSync(env.path(name), bytes);
    await assert.rejects(ingest(env, env.path(name)), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_FORMAT_UNKNOWN' && message.test(e.message), name);
  }
});

test('a space inside a link or image URL is percent-encoded; a tab or a line break in one still rejects the record', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const csv = [
    'id,title,price,link,image_link',
    'S1,Photo,10,https://shop.example/p/robe longue,https://shop.example/img/robe longue 1.jpg',
    'S2,Tab,10,"https://shop.example/a\tb",',
    'S3,Saut,10,"https://shop.example/a\nb",',
    '',
  ].join('\n');
  writeFileSync(env.path('spaces.csv'), csv);
  const r = await ingest(env, env.path('spaces.csv'));
  assert.deepEqual([r.accepted, r.rejectsByCode], [1, { RECORD_BAD_URL: 2 }]);
  assert.deepEqual(stagedRows(env, 'SELECT link, image FROM offers'), [
    { link: 'https://shop.example/p/robe%20longue', image: 'https://shop.example/img/robe%20longue%201.jpg' },
  ]);
});

test('with --profile auto, a header whose columns clash says which ones (not "no profile recognises")', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('clash.csv'), 'sku,name,price,url,Price\n1,Pull,2.00,https://shop.example/1,99.00\n');
  await assert.rejects(
    ingest(env, env.path('clash.csv')),
    (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_CSV_DUPLICATE_COLUMN' && /"price" and "Price" both mean price/.test(e.message),
  );
  writeFileSync(env.path('alien.csv'), 'foo,bar\n1,2\n');
  await assert.rejects(ingest(env, env.path('alien.csv')), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_PROFILE_MISMATCH');
});

test('French and German column names map when no English name takes the field; an English name keeps precedence', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const cp1252 = (s: string) => Buffer.from([...s].map((c) => c.charCodeAt(0)));
  writeFileSync(env.path('fr.csv'), cp1252('Référence;Désignation;Prix TTC;Lien;Quantité;Marque;Couleur\nA1;Pull laine;29,90;https://s.example/a1;3;Acme;Rouge\n'));
  const fr = await ingest(env, env.path('fr.csv'));
  assert.equal(fr.profile, 'generic');
  assert.deepEqual(stagedRows(env, 'SELECT offer_id, title, price, link, quantity, brand, color, attrs FROM offers'), [
    { offer_id: 'A1', title: 'Pull laine', price: 2990, link: 'https://s.example/a1', quantity: 3, brand: 'Acme', color: 'Rouge', attrs: null },
  ]);
  writeFileSync(env.path('both.csv'), 'id,price,prix,Preis\nB1,10.00,12.00,13.00\n');
  await ingest(env, env.path('both.csv'));
  assert.deepEqual(stagedRows(env, 'SELECT offer_id, price, attrs FROM offers'), [{ offer_id: 'B1', price: 1000, attrs: '{"prix":"12.00","Preis":"13.00"}' }]);
  writeFileSync(env.path('clash.csv'), 'id,prix,Preis\nC1,12.00,13.00\n');
  await assert.rejects(ingest(env, env.path('clash.csv'), { profile: 'generic' }), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_CSV_DUPLICATE_COLUMN');
});

test('a catalog ending with a Ctrl-Z (DOS end-of-file mark) loads whole, with no reject, on one thread and in parallel', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const rows = Array.from({ length: 300 }, (_, i) => `Z${i},Article ${i},${i + 1}.50,https://shop.example/z${i}`);
  writeFileSync(env.path('small.csv'), 'id,title,price,link\r\nZ1,Pull,9.90,https://shop.example/z1\r\n\u001a');
  const small = await ingest(env, env.path('small.csv'));
  assert.deepEqual([small.accepted, small.rejected], [1, 0]);
  writeFileSync(env.path('big.csv'), `id,title,price,link\r\n${rows.join('\r\n')}\r\n\u001a`);
  for (const parallel of [false, { shards: 2, chunkBytes: 1024 }] as const) {
    const r = await ingest(env, env.path('big.csv'), { parallel });
    assert.deepEqual([r.accepted, r.rejected], [300, 0], JSON.stringify(parallel));
  }
});

test('reject byte offsets count the source bytes (after any BOM), in UTF-16 and Windows-1252 files too', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const text = 'id,title,price,link\r\nA1,Crème brûlée,2.00,https://shop.example/a1\r\nA2,Thé,abc,https://shop.example/a2\r\n';
  const at = text.indexOf('A2,');
  writeFileSync(env.path('u16.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  writeFileSync(env.path('w.csv'), Buffer.from(text, 'latin1'));
  writeFileSync(env.path('u8.csv'), text);
  for (const [file, offset] of [['u16.csv', 2 * at], ['w.csv', at], ['u8.csv', Buffer.byteLength(text.slice(0, at))]] as const) {
    await ingest(env, env.path(file));
    assert.deepEqual(stagedRows(env, 'SELECT line, byte_offset FROM rejects'), [{ line: 3, byte_offset: offset }], file);
  }
});

test('ids a spreadsheet wrote in scientific notation are rejected as such, not as duplicates of each other', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('excel.csv'), 'id,title,price\n4.00638E+12,a,1\n4.00638E+12,b,2\n4006381333931,c,3\n1E2,d,4\nSKU-E+1,e,5\n');
  const r = await ingest(env, env.path('excel.csv'));
  assert.deepEqual([r.accepted, r.rejected, r.rejectsByCode], [3, 2, { RECORD_BAD_ID: 2 }], 'a plain 1E2 or SKU-E+1 is an id like any other');
  const rejects = stagedRows(env, 'SELECT line, field, code, message FROM rejects ORDER BY line') as { line: number; message: string }[];
  assert.deepEqual(rejects.map((x) => x.line), [2, 3]);
  assert.match(rejects[0]?.message ?? '', /id "4\.00638E\+12" is a number a spreadsheet wrote in scientific notation.*format the id column as text/);
});
