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
