/**
 * The app DB (tasks, catalogs, versions, schedules, tokens, fetch log) on the durable data disk.
 *
 * WAL so that the server reads while bots write; a busy timeout so that short write contention
 * between processes waits instead of surfacing SQLITE_BUSY to users. Each area creates its own
 * tables with `CREATE TABLE IF NOT EXISTS` through `ensureSchema`, so the areas stay independent.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config.js';
import { dataPaths } from '../config.js';

export type AppDb = Database.Database;

export function openAppDb(config: Config): AppDb {
  const path = dataPaths(config).appDb;
  mkdirSync(dirname(path), { recursive: true });
  return openAppDbAt(path);
}

export function openAppDbAt(path: string): AppDb {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Runs DDL once per connection and area. Statements must be idempotent (IF NOT EXISTS). */
export function ensureSchema(db: AppDb, ddl: string): void {
  db.exec(ddl);
}

/**
 * Adds a column that a newer feedmill needs to a table an older one created (`CREATE TABLE IF NOT
 * EXISTS` leaves an existing table as it was). Idempotent, and safe when another process adds the
 * same column at the same time. `decl` is fixed text of this codebase, never input.
 */
export function ensureColumn(db: AppDb, table: string, column: string, decl: string): void {
  const has = () => (db.prepare(`SELECT 1 FROM pragma_table_info(?) WHERE name = ?`).get(table, column) as unknown) !== undefined;
  if (has()) return;
  try {
    db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${decl}`);
  } catch (err) {
    if (!has()) throw err;
  }
}
