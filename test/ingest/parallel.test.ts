/**
 * The parallel CSV load (src/ingest/parallel): cut into small chunks loaded by two shard threads, a
 * file must give exactly the staging a one-thread load gives (offers in source order, rejects with
 * their lines and byte offsets, duplicates across chunks), and fail the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { ingestFile } from '../../src/ingest/index.js';
import { CatalogVersions } from '../../src/staging/index.js';
import { FeedmillError } from '../../src/errors.js';
import { exportCatalog } from '../../src/transform/index.js';
import { testEnv, type TestEnv } from '../helpers/env.js';
import { OFFERS_SQL, stagedRows } from '../helpers/staging.js';

/**
 * Small chunks, and small segments: the second shard closes a file every 20 offers and the first
 * takes each in while the load goes on, so every test here goes through those merges too.
 */
const PARALLEL = { shards: 2, chunkBytes: 512, segmentOffers: 20 };

/** ~400 rows: quoted fields over several lines, doubled quotes, CRLF, empty lines, and bad rows. */
function catalog(rows = 400): string {
  const lines = ['\uFEFFid,title,description,price,link,quantity'];
  for (let i = 0; i < rows; i++) {
    const id = i % 97 === 50 ? `P${i - 40}` : `P${i}`; // some ids repeat an earlier one
    if (i % 53 === 7) lines.push(`P${i},Prix faux ${i},x,abc,https://shop.example/${i},1`);
    else if (i % 61 === 9) lines.push(`P${i},Colonnes,x,1,https://shop.example/${i}`);
    else if (i % 29 === 3) lines.push(`${id},"Pull ""${i}"", laine","Ligne 1\nLigne 2 é, ""cité""\r\nLigne 3",${i}.99,https://shop.example/${i},${i % 5}`);
    else if (i % 31 === 4) lines.push('');
    else lines.push(`${id},Article ${i} — café,Desc ${i},${i + 1},https://shop.example/${i},${i % 3}\r`);
  }
  return `${lines.join('\n')}\n`;
}

async function ingest(env: TestEnv, file: string, parallel: Parameters<typeof ingestFile>[0]['parallel']) {
  return ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: file, createCatalog: true, parallel });
}


const REJECTS_SQL = 'SELECT line, byte_offset, field, code, message, raw FROM rejects ORDER BY line, code';

/**
 * Loads the same bytes on one thread and on two shards (each in its own environment), checks that
 * the results, offers and rejects are the same, and returns the parallel load's environment.
 */
async function sameAsOneThread(t: { after: (fn: () => void) => void }, bytes: string | Buffer, parallel: Parameters<typeof ingest>[2] = PARALLEL) {
  const one = testEnv();
  const two = testEnv();
  t.after(() => (one.cleanup(), two.cleanup()));
  writeFileSync(one.path('c.csv'), bytes);
  writeFileSync(two.path('c.csv'), bytes);
  const a = await ingest(one, one.path('c.csv'), false);
  const b = await ingest(two, two.path('c.csv'), parallel);
  const { seconds: _s1, ...ra } = a;
  const { seconds: _s2, ...rb } = b;
  assert.deepEqual(rb, ra);
  assert.deepEqual(stagedRows(two, OFFERS_SQL), stagedRows(one, OFFERS_SQL));
  assert.deepEqual(stagedRows(two, REJECTS_SQL), stagedRows(one, REJECTS_SQL));
  return { result: a, two };
}

test('a file loaded by two shard threads in small chunks gives the same staging as one thread', async (t) => {
  const text = catalog();
  const { result: a, two } = await sameAsOneThread(t, text);
  assert.ok(a.rejected > 10 && a.rejectsByCode.RECORD_DUPLICATE_ID !== undefined, 'the corpus has rejects and duplicates');
  // Each rejected row's byte offset (in the text after the BOM) is where that row starts.
  const body = Buffer.from(text.slice(1));
  const rejects = stagedRows(two, REJECTS_SQL) as { line: number; byte_offset: number | null; code: string; raw: string }[];
  const fieldRejects = rejects.filter((r) => r.code === 'RECORD_BAD_PRICE');
  assert.ok(fieldRejects.length > 5);
  for (const r of fieldRejects) {
    assert.equal(typeof r.byte_offset, 'number', `line ${r.line}`);
    assert.ok(body.subarray(r.byte_offset as number).toString('utf8', 0, r.raw.length + 1).startsWith(r.raw), `line ${r.line}: ${r.raw}`);
    assert.equal(body[(r.byte_offset as number) - 1], 0x0a, `line ${r.line} starts after a newline`);
  }
  // Oids increase in source order (chunk-spaced); no shard file is left beside the version (the
  // merged shard's file is removed in the background: wait for it, a bounded time).
  const oids = (stagedRows(two, 'SELECT oid FROM offers ORDER BY line') as { oid: number }[]).map((r) => r.oid);
  assert.deepEqual(oids, [...oids].sort((x, y) => x - y));
  assert.ok(oids.at(-1) as number > 1_000_000, 'oids are spaced per chunk');
  const dir = new CatalogVersions(two.db, two.config).current('shop').stagingPath.replace(/\/[^/]+$/, '');
  const shardFiles = () => readdirSync(dir).filter((f) => f.includes('shard'));
  for (let i = 0; i < 100 && shardFiles().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(shardFiles(), []);
});

test('a Windows-1252 file loads in parallel too, and byte offsets point into the file as it is', async (t) => {
  // The corpus without its BOM, written one byte per character as Excel for Windows writes it.
  const text = catalog().slice(1);
  const bytes = Buffer.from([...text].map((c) => ({ é: 0xe9, '—': 0x97 })[c] ?? c.charCodeAt(0)));
  assert.ok(bytes.every((b) => b < 0x80 || b === 0xe9 || b === 0x97));
  const { result: a, two } = await sameAsOneThread(t, bytes);
  assert.equal(a.encoding, 'windows-1252');
  assert.ok((stagedRows(two, 'SELECT max(oid) AS top FROM offers') as { top: number }[])[0]!.top > 1_000_000, 'the load was cut into chunks');
  const titles = stagedRows(two, "SELECT title FROM offers WHERE title LIKE 'Article 1 %'") as { title: string }[];
  assert.deepEqual(titles, [{ title: 'Article 1 — café' }]);
  const rejects = (stagedRows(two, REJECTS_SQL) as { line: number; byte_offset: number; code: string; raw: string }[]).filter((r) => r.code === 'RECORD_BAD_PRICE');
  assert.ok(rejects.length > 5);
  for (const r of rejects) assert.equal(new TextDecoder('windows-1252').decode(bytes.subarray(r.byte_offset, r.byte_offset + r.raw.length), { stream: true }), r.raw, `line ${r.line}`);
});

/** The corpus in UTF-16 with its BOM, little- or big-endian, with a character outside the BMP. */
function utf16(text: string, encoding: 'utf-16le' | 'utf-16be'): Buffer {
  const le = Buffer.from(text.replace('Article 2 ', 'Article 2 \u{1F600} \u010a '), 'utf16le');
  return encoding === 'utf-16le' ? le : le.swap16();
}

for (const encoding of ['utf-16le', 'utf-16be'] as const) {
  test(`a ${encoding.toUpperCase()} file loads in parallel too, cut on whole units, with offsets into the file`, async (t) => {
    const bytes = utf16(catalog(), encoding);
    // An odd chunk size: marks still fall between units.
    const { result: a, two } = await sameAsOneThread(t, bytes, { shards: 2, chunkBytes: 777 });
    assert.equal(a.encoding, encoding);
    assert.ok((stagedRows(two, 'SELECT max(oid) AS top FROM offers') as { top: number }[])[0]!.top > 1_000_000, 'the load was cut into chunks');
    assert.deepEqual(stagedRows(two, "SELECT title FROM offers WHERE title LIKE 'Article 2 %'"), [{ title: 'Article 2 \u{1F600} \u010a — café' }]);
    const rejects = (stagedRows(two, REJECTS_SQL) as { line: number; byte_offset: number; code: string; raw: string }[]).filter((r) => r.code === 'RECORD_BAD_PRICE');
    assert.ok(rejects.length > 5);
    const text = new TextDecoder(encoding);
    for (const r of rejects) assert.equal(text.decode(bytes.subarray(2 + r.byte_offset, 2 + r.byte_offset + 2 * r.raw.length)), r.raw, `line ${r.line}`);
  });
}

test('a UTF-16 file ending on half a unit fails in parallel as on one thread, at the same byte', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const clean = catalog(200).replace(/^.*(Prix faux|Colonnes).*$/gm, '');
  writeFileSync(env.path('odd.csv'), Buffer.concat([utf16(clean, 'utf-16le'), Buffer.from([0x41])]));
  const failure = (parallel: Parameters<typeof ingestFile>[0]['parallel']) =>
    ingest(env, env.path('odd.csv'), parallel).then(
      () => undefined,
      (e: unknown) => e as FeedmillError,
    );
  const sequential = await failure(false);
  const parallel = await failure({ shards: 2, chunkBytes: 1001 });
  assert.equal(sequential?.code, 'FEEDMILL_ENCODING_INVALID', String(sequential));
  assert.equal(parallel?.code, 'FEEDMILL_ENCODING_INVALID', String(parallel));
  assert.deepEqual(parallel.details, sequential.details);
});

test('three shards whose files rotate every few offers: the segments merged while loading give the one-thread staging', async (t) => {
  // Duplicates then fall in different segments of different shards; the digest of the ids goes
  // through every merge, and the ids that repeat are still found.
  const { result, two } = await sameAsOneThread(t, catalog(1200), { shards: 3, chunkBytes: 300, segmentOffers: 7 });
  assert.ok((result.rejectsByCode.RECORD_DUPLICATE_ID ?? 0) >= 10);
  const dir = new CatalogVersions(two.db, two.config).current('shop').stagingPath.replace(/\/[^/]+$/, '');
  const shardFiles = () => readdirSync(dir).filter((f) => f.includes('shard'));
  for (let i = 0; i < 100 && shardFiles().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(shardFiles(), []);
});

test('feeds exported from a parallel load equal those from a one-thread load', async (t) => {
  const one = testEnv();
  const two = testEnv();
  t.after(() => (one.cleanup(), two.cleanup()));
  const text = catalog(300);
  writeFileSync(one.path('c.csv'), text);
  writeFileSync(two.path('c.csv'), text);
  await ingest(one, one.path('c.csv'), false);
  await ingest(two, two.path('c.csv'), PARALLEL);
  const opts = { catalog: 'shop', channels: ['generic-csv', 'idealo'], rulesPath: null, generatedAt: '2026-01-01T00:00:00.000Z' };
  const ea = await exportCatalog({ config: one.config, db: one.db, ...opts });
  const eb = await exportCatalog({ config: two.config, db: two.db, ...opts });
  assert.ok(ea.feeds.every((f) => f.items > 100), 'the feeds hold items');
  assert.deepEqual(
    eb.feeds.map((f) => [f.channel, f.items, f.sha256]),
    ea.feeds.map((f) => [f.channel, f.items, f.sha256]),
  );
});

test('an unclosed quote, bad UTF-8 or too many rejects fail a parallel load like a one-thread one, and keep the previous version', async (t) => {
  const env = testEnv({ rejectLimit: 5 });
  t.after(() => env.cleanup());
  const clean = (rows: number) => catalog(rows).replace(/^.*(Prix faux|Colonnes).*$/gm, '');
  const good = clean(50);
  writeFileSync(env.path('good.csv'), good);
  const first = await ingest(env, env.path('good.csv'), PARALLEL);
  assert.equal(first.version, 1);

  const cases: [string, Buffer, string][] = [
    ['unclosed.csv', Buffer.from(`${clean(300)}P999,"never closed,1,https://shop.example/x,1\nP1000,a,b,1,https://shop.example/y,1\n`), 'FEEDMILL_CSV_UNCLOSED_QUOTE'],
    ['utf8.csv', Buffer.concat([Buffer.from(clean(200)), Buffer.from([0x50, 0x39, 0x2c, 0xc3, 0x28, 0x2c, 0x31, 0x0a])]), 'FEEDMILL_ENCODING_INVALID'],
    ['rejects.csv', Buffer.from(catalog(400)), 'FEEDMILL_INGEST_REJECT_LIMIT'],
  ];
  for (const [name, bytes, code] of cases) {
    writeFileSync(env.path(name), bytes);
    const sequential = await ingest(env, env.path(name), false).then(
      () => undefined,
      (e: unknown) => e as FeedmillError,
    );
    const parallel = await ingest(env, env.path(name), PARALLEL).then(
      () => undefined,
      (e: unknown) => e as FeedmillError,
    );
    assert.ok(parallel instanceof FeedmillError && parallel.code === code, `${name}: ${String(parallel)}`);
    assert.equal(sequential?.code, code, name);
    if (code !== 'FEEDMILL_INGEST_REJECT_LIMIT') assert.deepEqual(parallel.details, sequential?.details, `${name}: same line and offset`);
  }
  const current = new CatalogVersions(env.db, env.config).current('shop');
  assert.equal(current.version, 1);
  const dir = current.stagingPath.replace(/\/[^/]+$/, '');
  assert.deepEqual(readdirSync(dir).filter((f) => f !== 'v1.sqlite'), [], 'failed loads leave no file behind');
  assert.ok(existsSync(current.stagingPath));
});

test('a parallel load canceled half-way stops its shard threads and leaves no file behind', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  // ~4 MB of short rows: several 1 MiB reads, and progress reports (every 50,000 records) before the end.
  const rows = ['id,title,price,link'];
  for (let i = 0; i < 150_000; i++) rows.push(`R${i},T ${i},${(i % 90) + 1},https://s.example/${i}`);
  writeFileSync(env.path('big.csv'), `${rows.join('\n')}\n`);
  const controller = new AbortController();
  const failure = await ingestFile({
    config: env.config,
    db: env.db,
    catalog: 'shop',
    source: env.path('big.csv'),
    createCatalog: true,
    parallel: { shards: 2, chunkBytes: 64 * 1024 },
    signal: controller.signal,
    progress: () => controller.abort(),
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(failure instanceof FeedmillError && failure.code === 'FEEDMILL_INGEST_ABORTED', String(failure));
  const versions = new CatalogVersions(env.db, env.config);
  assert.throws(() => versions.current('shop'), (e: unknown) => e instanceof FeedmillError);
  const dir = env.path('staging/catalogs/shop');
  assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], []);
});
