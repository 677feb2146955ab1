/**
 * A load whose process died leaves its files on the RAM disk; the next ingest of the catalog sweeps
 * them (unlocked and idle for a minute) and marks the version failed. A live load is never swept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CatalogVersions, StagingWriter } from '../../src/staging/index.js';
import { CatalogRegistry } from '../../src/catalogs/index.js';
import { testEnv } from '../helpers/env.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function age(path: string, seconds: number): void {
  const t = new Date(Date.now() - seconds * 1000);
  utimesSync(path, t, t);
}

test('files of a dead load are swept by the next ingest; live or recently written ones are not', (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  new CatalogRegistry(env.db).add({ name: 'shop', profile: 'auto', currency: null });
  const versions = new CatalogVersions(env.db, env.config);

  // v1: dead (closed without finishing, a shard file beside it, both idle for two minutes).
  const dead = versions.begin('shop', {});
  new StagingWriter(dead.loadingPath, { rejectLimit: 10 }).abort();
  new StagingWriter(`${dead.loadingPath}.shard1`, { rejectLimit: 10 }).abort();
  // A rollback journal, as a load killed by an earlier version (which journaled) left one.
  writeFileSync(`${dead.loadingPath}-journal`, ''); // empty: SQLite's own hot-journal check would not remove it
  // v2: alive (its writer holds the lock).
  const live = versions.begin('shop', {});
  const writer = new StagingWriter(live.loadingPath, { rejectLimit: 10 });
  t.after(() => writer.abort());
  // v3: closed but written a moment ago (a load between two steps).
  const recent = versions.begin('shop', {});
  new StagingWriter(recent.loadingPath, { rejectLimit: 10 }).abort();
  assert.ok(existsSync(dead.loadingPath), 'a file written a moment ago is not swept');

  // Two minutes later for v1 and v2 (v2 still locked).
  age(dead.loadingPath, 120);
  age(`${dead.loadingPath}.shard1`, 120);
  age(`${dead.loadingPath}-journal`, 120);
  age(live.loadingPath, 120);
  versions.begin('shop', {}); // v4: sweeps
  const status = (v: number) => versions.get('shop', v);
  assert.equal(status(1)?.status, 'failed');
  assert.match(String(status(1)?.error), /FEEDMILL_INGEST_ABANDONED/);
  assert.equal(existsSync(dead.loadingPath) || existsSync(`${dead.loadingPath}.shard1`) || existsSync(`${dead.loadingPath}-journal`), false);
  assert.equal(status(2)?.status, 'loading');
  assert.ok(existsSync(live.loadingPath));
  assert.equal(status(3)?.status, 'loading');
  assert.ok(existsSync(recent.loadingPath));
});

test('an ingest killed mid-load is swept by the next one, which publishes normally', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const rows = ['id,title,price,link'];
  for (let i = 0; i < 400_000; i++) rows.push(`K${i},Titre ${i} é,${(i % 90) + 1}.50,https://s.example/${i}`);
  writeFileSync(env.path('big.csv'), `${rows.join('\n')}\n`);
  const args = ['--import', 'tsx', CLI, 'ingest', env.path('big.csv'), '--catalog', 'shop', '--data-dir', env.config.dataDir, '--staging-dir', env.config.stagingDir];
  const child = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, FEEDMILL_LOG_LEVEL: 'silent' } });
  const dir = env.path('staging/catalogs/shop');
  // Kill it once it is writing its staging file.
  for (let i = 0; i < 600 && !(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.loading'))); i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const left = readdirSync(dir).filter((f) => f.includes('.loading'));
  assert.ok(left.length > 0, 'the killed load left its files');
  for (const f of left) age(`${dir}/${f}`, 120);

  const versions = new CatalogVersions(env.db, env.config);
  writeFileSync(env.path('small.csv'), 'id,title,price,link\nA,a,1,https://s.example/a\n');
  const next = spawn(process.execPath, [...args.slice(0, 4), env.path('small.csv'), ...args.slice(5)], { stdio: 'ignore' });
  assert.equal(await new Promise((r) => next.once('exit', r)), 0);
  assert.equal(versions.get('shop', 1)?.status, 'failed');
  assert.match(String(versions.get('shop', 1)?.error), /FEEDMILL_INGEST_ABANDONED/);
  assert.equal(versions.current('shop').version, 2);
  assert.deepEqual(readdirSync(dir), ['v2.sqlite']);
});

test("a staging file loads without a rollback journal (better-sqlite3's defensive mode would keep one)", (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const writer = new StagingWriter(env.path('journal-check.sqlite'), { rejectLimit: 10 });
  t.after(() => writer.abort());
  assert.equal(writer.db.pragma('journal_mode', { simple: true }), 'off');
});

test("a finished load's shard file left behind (its process killed during the background removal) goes with the next ingest", (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  new CatalogRegistry(env.db).add({ name: 'shop', profile: 'auto', currency: null });
  const versions = new CatalogVersions(env.db, env.config);
  const live = versions.begin('shop', {});
  const writer = new StagingWriter(`${live.loadingPath}.shard1`, { rejectLimit: 10 });
  t.after(() => writer.abort());
  const dir = versions.stagingDirOf('shop');
  // No version is loading into v9 any more (finished, or never recorded).
  writeFileSync(`${dir}/v9.sqlite.loading.shard1`, 'x');
  writeFileSync(`${dir}/v9.sqlite.loading.shard1.keep`, 'not a shard file');
  writeFileSync(`${dir}/notes.txt`, 'the user may keep files here');
  versions.begin('shop', {});
  assert.equal(existsSync(`${dir}/v9.sqlite.loading.shard1`), false);
  assert.ok(existsSync(`${live.loadingPath}.shard1`), 'a live load keeps its shard files');
  assert.ok(existsSync(`${dir}/v9.sqlite.loading.shard1.keep`) && existsSync(`${dir}/notes.txt`));
});
