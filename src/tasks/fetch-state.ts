/** What the last fetch of each catalog returned: validators for the conditional GET, and where it went. */
import type { AppDb } from '../db/index.js';
import { ensureColumn, ensureSchema } from '../db/index.js';
import { FETCH_STATE_DDL } from './schema.js';

export interface FetchRecord {
  catalog: string;
  url: string;
  etag: string | null;
  lastModified: string | null;
  /** The charset the server declared (`Content-Type`), kept for a re-ingest after a 304. */
  charset?: string | null;
  sha256: string;
  path: string;
  bytes: number;
  fetchedAt: number;
}

interface Row {
  catalog: string;
  url: string;
  etag: string | null;
  last_modified: string | null;
  charset: string | null;
  sha256: string;
  path: string;
  bytes: number;
  fetched_at: number;
}

export class FetchState {
  readonly #db: AppDb;

  constructor(db: AppDb) {
    this.#db = db;
    ensureSchema(db, FETCH_STATE_DDL);
    // App DBs of earlier releases.
    ensureColumn(db, 'fetch_state', 'charset', 'TEXT');
  }

  get(catalog: string): FetchRecord | undefined {
    const r = this.#db.prepare('SELECT * FROM fetch_state WHERE catalog = ?').get(catalog) as Row | undefined;
    return (
      r && {
        catalog: r.catalog,
        url: r.url,
        etag: r.etag,
        lastModified: r.last_modified,
        charset: r.charset,
        sha256: r.sha256,
        path: r.path,
        bytes: r.bytes,
        fetchedAt: r.fetched_at,
      }
    );
  }

  set(rec: FetchRecord): void {
    this.#db
      .prepare(
        `INSERT INTO fetch_state (catalog, url, etag, last_modified, charset, sha256, path, bytes, fetched_at)
         VALUES (@catalog, @url, @etag, @lastModified, @charset, @sha256, @path, @bytes, @fetchedAt)
         ON CONFLICT (catalog) DO UPDATE SET url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified,
           charset = excluded.charset, sha256 = excluded.sha256, path = excluded.path, bytes = excluded.bytes, fetched_at = excluded.fetched_at`,
      )
      .run({ ...rec, charset: rec.charset ?? null });
  }
}
