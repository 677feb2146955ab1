/** Reading the current staging version of a catalog in tests. */
import Database from 'better-sqlite3';
import { CatalogVersions, OFFER_COLUMNS } from '../../src/staging/index.js';
import type { TestEnv } from './env.js';

/** Rows of `sql` run on the current version of `catalog` (default `shop`). */
export function stagedRows(env: TestEnv, sql: string, params: readonly unknown[] = [], catalog = 'shop'): unknown[] {
  const v = new CatalogVersions(env.db, env.config).current(catalog);
  const db = new Database(v.stagingPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params);
  } finally {
    db.close();
  }
}

/** Every offer column but the oid (which a parallel load spaces per chunk), in source order. */
export const OFFERS_SQL = `SELECT ${OFFER_COLUMNS.filter((c) => c !== 'oid').join(',')} FROM offers ORDER BY oid`;
