/**
 * Opening staging databases with the pragmas that fit each use.
 *
 * Loading: the file is private to one ingest and disposable (it lives on a RAM disk and is rebuilt
 * from the kept source on loss), so durability is traded for speed: no journal, no syncs, exclusive
 * lock, a large page cache. Reading (transform workers): read-only, no mutex contention, mmap.
 */
import Database from 'better-sqlite3';
import { FeedmillError } from '../errors.js';

export type StagingDb = Database.Database;

export function openForLoad(path: string): StagingDb {
  const db = new Database(path);
  // better-sqlite3 opens connections in SQLite's defensive mode, which silently ignores
  // `journal_mode = OFF` (it answered 'delete': every transaction wrote a rollback journal, and a
  // killed load left one beside its file). Defensive mode is lifted for this one pragma only; the
  // mode then holds for the connection. Nothing here rolls back: a failed load is deleted whole.
  db.unsafeMode(true);
  const mode = db.pragma('journal_mode = OFF', { simple: true });
  db.unsafeMode(false);
  if (mode !== 'off') throw new FeedmillError('FEEDMILL_INTERNAL', `the staging file kept journal mode ${String(mode)}`, { path });
  db.pragma('synchronous = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  // Index builds sort every key: with temp_store=MEMORY that sort would grow with the catalog. On
  // FILE, SQLite's sorter keeps at most about cache_size in memory and spills the rest.
  db.pragma('temp_store = FILE');
  db.pragma('cache_size = -32768'); // 32 MiB: bounded, whatever the catalog size
  // 16 KiB pages hold ~18 merchant rows: merging a shard's chunks between the other's (mid-tree
  // inserts, a page split per full page) took 0.95 s per 500,000 rows against 1.2 s with 8 KiB.
  db.pragma('page_size = 16384');
  return db;
}

export function openForRead(path: string): StagingDb {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('cache_size = -32768');
  db.pragma('mmap_size = 268435456');
  db.pragma('query_only = ON');
  return db;
}
