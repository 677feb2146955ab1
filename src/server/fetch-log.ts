/**
 * The fetch log: one row per feed pull (who, which file and version, when, status, bytes sent),
 * so a merchant can see that a marketplace fetched last night's feed. Rows are buffered and
 * written in one transaction per batch: a burst of 304s must not become a burst of fsyncs. Rows
 * older than the retention are pruned now and then.
 */
import type { Statement } from 'better-sqlite3';
import type { AppDb } from '../db/index.js';
import { ensureSchema } from '../db/index.js';

export const FETCH_LOG_DDL = `
CREATE TABLE IF NOT EXISTS feed_fetches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  catalog TEXT NOT NULL,
  channel TEXT,
  file_name TEXT NOT NULL,
  sequence INTEGER,
  catalog_version INTEGER,
  sha256 TEXT,
  method TEXT NOT NULL,
  status INTEGER NOT NULL,
  bytes_sent INTEGER NOT NULL,
  complete INTEGER NOT NULL,
  encoding TEXT,
  remote_addr TEXT,
  user_agent TEXT,
  token_id INTEGER,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS feed_fetches_catalog ON feed_fetches (catalog, id);
`;

export interface FetchRecord {
  /** Epoch ms of the request start. */
  at: number;
  catalog: string;
  channel: string | null;
  fileName: string;
  /** The manifest sequence (publish number) served. */
  sequence: number | null;
  catalogVersion: number | null;
  sha256: string | null;
  method: string;
  status: number;
  bytesSent: number;
  /** The whole body (or range) reached the socket. */
  complete: boolean;
  /** gzip, identity (decompressed on the fly) or null (the file as stored). */
  encoding: string | null;
  remoteAddr: string | null;
  userAgent: string | null;
  /** The token used (never its secret); null for the admin token. */
  tokenId: number | null;
  durationMs: number;
}

export interface FetchEntry extends FetchRecord {
  id: number;
}

export interface FetchQuery {
  catalog: string;
  channel?: string | undefined;
  beforeId?: number | undefined;
  /** @default 100 */
  limit?: number | undefined;
}

export interface FetchLogOptions {
  /** Rows buffered before a write. @default 500 */
  batch?: number;
  /** Longest wait of a buffered row. @default 200 */
  flushMs?: number;
  /** @default 90 days */
  retentionMs?: number;
  /** A failed background write (the rows are dropped, the server goes on). */
  onError?: (err: unknown) => void;
}

interface FetchRow {
  id: number;
  at: number;
  catalog: string;
  channel: string | null;
  file_name: string;
  sequence: number | null;
  catalog_version: number | null;
  sha256: string | null;
  method: string;
  status: number;
  bytes_sent: number;
  complete: number;
  encoding: string | null;
  remote_addr: string | null;
  user_agent: string | null;
  token_id: number | null;
  duration_ms: number;
}

const PRUNE_EVERY_MS = 3_600_000;

export class FetchLog {
  readonly #db: AppDb;
  readonly #insert: Statement;
  readonly #prune: Statement;
  readonly #batch: number;
  readonly #flushMs: number;
  readonly #retentionMs: number;
  readonly #onError: (err: unknown) => void;
  #pending: FetchRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #lastPrune = 0;

  constructor(db: AppDb, options: FetchLogOptions = {}) {
    this.#db = db;
    ensureSchema(db, FETCH_LOG_DDL);
    this.#batch = options.batch ?? 500;
    this.#flushMs = options.flushMs ?? 200;
    this.#retentionMs = options.retentionMs ?? 90 * 86_400_000;
    this.#onError = options.onError ?? (() => {});
    this.#insert = db.prepare(`INSERT INTO feed_fetches (at, catalog, channel, file_name, sequence, catalog_version, sha256, method, status,
        bytes_sent, complete, encoding, remote_addr, user_agent, token_id, duration_ms)
      VALUES (@at, @catalog, @channel, @fileName, @sequence, @catalogVersion, @sha256, @method, @status,
        @bytesSent, @complete, @encoding, @remoteAddr, @userAgent, @tokenId, @durationMs)`);
    this.#prune = db.prepare('DELETE FROM feed_fetches WHERE at < ?');
  }

  record(entry: FetchRecord): void {
    this.#pending.push(entry);
    if (this.#pending.length >= this.#batch) this.#flushQuietly();
    else this.#timer ??= setTimeout(() => this.#flushQuietly(), this.#flushMs).unref();
  }

  #flushQuietly(): void {
    try {
      this.flush();
    } catch (err) {
      this.#onError(err);
    }
  }

  /** Writes the buffered rows now (also called on shutdown and before a query). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const rows = this.#pending;
    this.#pending = [];
    const now = Date.now();
    const prune = now - this.#lastPrune > PRUNE_EVERY_MS;
    if (rows.length === 0 && !prune) return;
    this.#db.transaction(() => {
      for (const r of rows) this.#insert.run({ ...r, complete: r.complete ? 1 : 0 });
      if (prune) this.#prune.run(now - this.#retentionMs);
    })();
    if (prune) this.#lastPrune = now;
  }

  /** Newest first. */
  list(query: FetchQuery): FetchEntry[] {
    this.flush();
    const where = ['catalog = ?'];
    const args: unknown[] = [query.catalog];
    if (query.channel !== undefined) {
      where.push('channel = ?');
      args.push(query.channel);
    }
    if (query.beforeId !== undefined) {
      where.push('id < ?');
      args.push(query.beforeId);
    }
    const sql = `SELECT * FROM feed_fetches WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`;
    return (this.#db.prepare(sql).all(...args, Math.min(query.limit ?? 100, 1000)) as FetchRow[]).map(fromRow);
  }

  close(): void {
    this.flush();
  }
}

function fromRow(r: FetchRow): FetchEntry {
  return {
    id: r.id,
    at: r.at,
    catalog: r.catalog,
    channel: r.channel,
    fileName: r.file_name,
    sequence: r.sequence,
    catalogVersion: r.catalog_version,
    sha256: r.sha256,
    method: r.method,
    status: r.status,
    bytesSent: r.bytes_sent,
    complete: r.complete === 1,
    encoding: r.encoding,
    remoteAddr: r.remote_addr,
    userAgent: r.user_agent,
    tokenId: r.token_id,
    durationMs: r.duration_ms,
  };
}
