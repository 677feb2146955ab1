/**
 * The load's duplicate check (StagingWriter.finish): the first occurrence of an offer id stays, every
 * later one is rejected with its own line and the first one's; a product left without offers goes
 * too. It works without an index on offer_id, which the staging file no longer carries; so do the
 * queries that read a staging file's offers by their oid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StagingWriter } from '../../src/staging/writer.js';
import { OID_BOUNDS_SQL, oidBounds } from '../../src/staging/reader.js';

function tempFile(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-dups-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'v1.sqlite');
}

const offer = (id: string) => ({ id, price: 1000, currency: 'EUR', link: `https://shop.example/${id}` });

test('flat offers: later copies of an id are rejected with both lines; the first copies stay in source order', (t) => {
  const path = tempFile(t);
  const w = new StagingWriter(path, { rejectLimit: 100 });
  const ids = ['A', 'B', 'A', 'C', 'B', 'A', 'D'];
  ids.forEach((id, i) => w.standaloneOffer({ title: `T${i}` }, offer(id), i + 2));
  const counts = w.finish();
  assert.deepEqual([counts.seen, counts.accepted, counts.rejected, counts.duplicates, counts.offers], [7, 4, 3, 3, 4]);
  assert.deepEqual(counts.rejectsByCode, { RECORD_DUPLICATE_ID: 3 });

  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  assert.deepEqual(
    db.prepare('SELECT offer_id, line FROM offers ORDER BY oid').all().map((r) => Object.values(r as object)),
    [['A', 2], ['B', 3], ['C', 5], ['D', 8]],
  );
  const rejects = db.prepare('SELECT line, field, code, message, raw FROM rejects ORDER BY line').all() as { line: number; field: string; code: string; message: string; raw: string }[];
  assert.deepEqual(
    rejects.map((r) => [r.line, r.field, r.code, r.raw]),
    [[4, 'id', 'RECORD_DUPLICATE_ID', 'A'], [6, 'id', 'RECORD_DUPLICATE_ID', 'B'], [7, 'id', 'RECORD_DUPLICATE_ID', 'A']],
  );
  assert.equal(rejects[0]?.message, 'offer id "A" already appears at line 2; the first occurrence was kept');
  assert.match(rejects[1]?.message ?? '', /line 3;/);
  // No index by id is kept: it was a quarter of a tour catalog's file.
  assert.deepEqual(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'offers'").all(), []);
});

test('grouped offers: a product whose only offer was a duplicate is removed', (t) => {
  const path = tempFile(t);
  const w = new StagingWriter(path, { rejectLimit: 100 });
  const p1 = w.product({ key: 'P1', title: 'Trip 1' });
  w.offer(p1, offer('X-1'), 3);
  w.offer(p1, offer('X-2'), 4);
  const p2 = w.product({ key: 'P2', title: 'Trip 2' });
  w.offer(p2, offer('X-1'), 6);
  const counts = w.finish();
  assert.deepEqual([counts.accepted, counts.rejected, counts.products, counts.offers], [2, 1, 1, 2]);
  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  assert.deepEqual(db.prepare('SELECT product_key FROM products').all(), [{ product_key: 'P1' }]);
  assert.deepEqual(db.prepare('SELECT line FROM rejects').all(), [{ line: 6 }]);
});

test('no duplicates: nothing rejected, nothing left behind', (t) => {
  const path = tempFile(t);
  const w = new StagingWriter(path, { rejectLimit: 0 });
  for (let i = 0; i < 1000; i++) w.standaloneOffer({}, offer(`SKU-${i}`), i + 2);
  const counts = w.finish();
  assert.deepEqual([counts.accepted, counts.rejected, counts.duplicates], [1000, 0, 0]);
});

test("an export's first query, the oid bounds, seeks both ends of the table instead of reading it", (t) => {
  const path = tempFile(t);
  const w = new StagingWriter(path, { rejectLimit: 0 });
  for (let i = 0; i < 50; i++) w.standaloneOffer({}, offer(`SKU-${i}`), i + 2);
  w.finish();
  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  const plan = (db.prepare(`EXPLAIN QUERY PLAN ${OID_BOUNDS_SQL}`).all() as { detail: string }[]).map((r) => r.detail);
  // Without an index on offers, `SELECT min(oid), max(oid)` read every page of the table.
  assert.ok(!plan.some((d) => d.startsWith('SCAN offers')), plan.join('; '));
  assert.deepEqual(oidBounds(db), { lo: 1, hi: 50 });
});

/** A shard of a parallel load: its own file, chunk-spaced oids, closed without indexes. */
function shard(path: string, seq: number, ids: readonly string[], firstLine: number) {
  const w = new StagingWriter(path, { rejectLimit: 100 });
  w.startChunk(seq);
  ids.forEach((id, i) => w.standaloneOffer({ title: id }, offer(id), firstLine + i));
  return w.closeShard();
}

test('shards merged: an id repeated across shards is rejected, the digest of distinct ids lets a clean load through', (t) => {
  const path = tempFile(t);
  const dir = join(path, '..');
  const first = shard(path, 0, ['A', 'B', 'C'], 2);
  const second = shard(join(dir, 's1.sqlite'), 1, ['D', 'B', 'E'], 5);
  assert.equal(first.idHashes?.length, 3, 'a shard hands its id hashes over');
  const merged = new StagingWriter(path, { rejectLimit: 100, resume: first });
  merged.appendShards([join(dir, 's1.sqlite')], [second]);
  const counts = merged.finish();
  assert.deepEqual([counts.seen, counts.accepted, counts.duplicates, counts.offers], [6, 5, 1, 5]);
  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  assert.deepEqual(db.prepare('SELECT line, raw FROM rejects').all(), [{ line: 6, raw: 'B' }]);

  const clean = join(dir, 'clean.sqlite');
  const a = shard(clean, 0, ['A', 'B'], 2);
  const b = shard(join(dir, 's2.sqlite'), 1, ['C', 'D'], 4);
  const m = new StagingWriter(clean, { rejectLimit: 0, resume: a });
  m.appendShards([join(dir, 's2.sqlite')], [b]);
  const c = m.finish();
  assert.deepEqual([c.offers, c.rejected], [4, 0]);
});

test('a shard without its digest (given up) still gets its duplicates found by SQL', (t) => {
  const path = tempFile(t);
  const dir = join(path, '..');
  const first = shard(path, 0, ['A', 'B'], 2);
  const second = shard(join(dir, 's1.sqlite'), 1, ['A', 'C'], 4);
  const merged = new StagingWriter(path, { rejectLimit: 100, resume: first });
  merged.appendShards([join(dir, 's1.sqlite')], [{ ...second, idHashes: undefined }]);
  assert.equal(merged.finish().duplicates, 1);
});

test("the planner's statistics: the offers' row count is written without reading the table, as ANALYZE writes it", (t) => {
  const path = tempFile(t);
  const w = new StagingWriter(path, { rejectLimit: 10 });
  for (let i = 0; i < 300; i++) w.standaloneOffer({}, offer(`SKU-${i % 250}`), i + 2);
  w.finish();
  const db = new Database(path);
  t.after(() => db.close());
  const stats = () => db.prepare('SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx').all();
  const written = stats();
  assert.deepEqual(
    written.find((r) => (r as { tbl: string }).tbl === 'offers'),
    { tbl: 'offers', idx: null, stat: '250' },
  );
  db.exec('ANALYZE');
  assert.deepEqual(stats(), written);
});
