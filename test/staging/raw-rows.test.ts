// The install rebuilds better-sqlite3 on Node < 22 so that raw rows and `all()` build their arrays
// in one call (scripts/patch-better-sqlite3.js). Object rows still come from the upstream code: raw
// rows must hold exactly their values, in column order, for every SQLite type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sampleDb(t: { after: (fn: () => void) => void }): Database.Database {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-rows-'));
  const db = new Database(join(dir, 'rows.sqlite'));
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  db.exec('CREATE TABLE t (i INTEGER, f REAL, s TEXT, b BLOB, n TEXT, big INTEGER)');
  const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)');
  const texts = ['', 'plain', 'Garçon Français décontractée', 'astral 😀 and € sign', 'x'.repeat(5000), 'line\nbreak\u0000nul'];
  db.transaction(() => {
    for (let k = 0; k < 5000; k++) {
      insert.run(k - 2500, k / 7, texts[k % texts.length], k % 3 === 0 ? Buffer.from([k & 255, 0, 255]) : null, null, 2n ** 53n + BigInt(k));
    }
  })();
  return db;
}

test('raw rows hold the object rows values in column order, whatever the type', (t) => {
  const db = sampleDb(t);
  const sql = 'SELECT i, f, s, b, n, big FROM t ORDER BY rowid';
  for (const safe of [false, true]) {
    const objects = db.prepare(sql).safeIntegers(safe).all() as Record<string, unknown>[];
    const raw = db.prepare(sql).safeIntegers(safe).raw(true).all() as unknown[][];
    assert.equal(raw.length, 5000);
    assert.deepEqual(raw, objects.map((o) => Object.values(o)), `safeIntegers ${safe}`);
    // One row at a time (get, iterate) takes the same row code as all().
    const iterated = [...(db.prepare(sql).safeIntegers(safe).raw(true).iterate() as Iterable<unknown[]>)];
    assert.deepEqual(iterated, raw);
    assert.deepEqual(db.prepare(`${sql} LIMIT 1`).safeIntegers(safe).raw(true).get(), raw[0]);
  }
  // all() of object rows builds its outer array the patched way too.
  const all = db.prepare('SELECT s, i FROM t ORDER BY rowid').all();
  const each = [...db.prepare('SELECT s, i FROM t ORDER BY rowid').iterate()];
  assert.deepEqual(all, each);
  assert.deepEqual(db.prepare('SELECT i FROM t WHERE 0').raw(true).all(), []);
});

test('on Node < 22 the installed better-sqlite3 is the patched build of this version', async () => {
  if (Number(process.versions.modules) >= 127) return; // Node 22+: nothing to patch
  const script = join(ROOT, 'scripts', 'patch-better-sqlite3.js');
  // A path held in a variable: the script is plain JavaScript, imported without type checking.
  const { patchId, STAMP } = (await import(script)) as { patchId: (version: string) => string; STAMP: string };
  const pkg = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
  const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const stamp = join(pkg, STAMP);
  assert.ok(existsSync(stamp), `no ${STAMP}: run \`npm run postinstall\` (it needs python3, make and g++, as better-sqlite3's own build does)`);
  assert.equal((JSON.parse(readFileSync(stamp, 'utf8')) as { id: string }).id, patchId(version));
});
