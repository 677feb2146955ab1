/**
 * Bulk loader of one staging database: products, offers and rejects, in large transactions with
 * prepared statements and explicit rowids (the single producer numbers rows itself, so a profile
 * can link offers to products without a round trip to SQLite).
 *
 * Invariant: every record the source held ends as exactly one of accepted or rejected, so
 * `seen = accepted + rejected` holds by construction and is re-checked by `finish()`.
 */
import { FeedmillError } from '../errors.js';
import type { OfferInput, ProductInput, RejectCode, RejectInput } from '../model.js';
import { REJECT_RAW_MAX } from '../model.js';
import { openForLoad, type StagingDb } from './open.js';
import { INTEGER_COLUMNS, OFFER_COLUMNS, PRODUCT_COLUMNS, REJECT_COLUMNS, STAGING_DDL, STAGING_PRODUCT_INDEX_DDL } from './schema.js';
import type { BoundValue } from './row-batch.js';
import type Database from 'better-sqlite3';
import { IdDigest } from './id-digest.js';

/**
 * Oids reserved per chunk of a sharded load. A chunk is cut at about 4 MiB (plus at most one read
 * of 1 MiB, or one very long record): every record takes at least 2 bytes, so it never holds 2^22.
 */
export const CHUNK_OID_SPAN = 2 ** 22;

/** Rows per transaction: large enough to amortise the commit, small enough to bound the page cache. */
const ROWS_PER_TRANSACTION = 100_000;

export interface LoadCounts {
  seen: number;
  accepted: number;
  rejected: number;
  products: number;
  offers: number;
  duplicates: number;
  rejectsByCode: Partial<Record<RejectCode, number>>;
}

export interface StagingWriterOptions {
  /** Rejected records allowed before the load fails with FEEDMILL_INGEST_REJECT_LIMIT. */
  rejectLimit: number;
  /**
   * SQLite page cache, MiB. A shard only appends rows (no index is built in it), so it needs far
   * less than the 32 MiB an index build uses; with several shards that is memory given back.
   */
  cacheMiB?: number | undefined;
}

/** What a shard hands back when it closes: its counts and the digest of the ids it stored. */
export interface ShardClose {
  counts: LoadCounts;
  idHashes: Float64Array | undefined;
}

export class StagingWriter {
  readonly db: StagingDb;
  readonly #insertProduct: Database.Statement;
  readonly #insertOffer: Database.Statement;
  readonly #insertReject: Database.Statement;
  #insertProductBytes: Database.Statement | undefined;
  #insertOfferBytes: Database.Statement | undefined;
  readonly #rejectLimit: number;
  #pid = 0;
  #oid = 0;
  /** Offers inserted; oids are consecutive except in shards (see `startChunk`). */
  #offers = 0;
  #pending = 0;
  #acceptedOther = 0;
  #rejected = 0;
  #duplicates = 0;
  #orphansRemoved = 0;
  readonly #rejectsByCode: Partial<Record<RejectCode, number>> = {};
  /** The ids of the offers stored, hashed: lets `finish()` skip the SQL duplicate check. */
  readonly #ids = new IdDigest();
  #finished = false;
  /** In a shard: the first oid past the current chunk's span. */
  #chunkEnd = Number.MAX_SAFE_INTEGER;

  constructor(path: string, options: StagingWriterOptions & { resume?: ShardClose }) {
    this.db = openForLoad(path);
    if (options.cacheMiB !== undefined) this.db.pragma(`cache_size = -${Math.round(options.cacheMiB * 1024)}`);
    if (options.resume === undefined) this.db.exec(STAGING_DDL);
    else {
      this.#restore(options.resume.counts);
      this.#ids.addSorted(options.resume.idHashes);
    }
    this.#insertProduct = this.db.prepare(insertSql('products', PRODUCT_COLUMNS, false));
    this.#insertOffer = this.db.prepare(insertSql('offers', OFFER_COLUMNS, false));
    this.#insertReject = this.db.prepare(
      `INSERT INTO rejects (${REJECT_COLUMNS.join(',')}) VALUES (${REJECT_COLUMNS.map(() => '?').join(',')})`,
    );
    this.#rejectLimit = options.rejectLimit;
    this.db.exec('BEGIN');
  }

  /** Stores a product and returns its pid, to pass to `offer()`. */
  product(p: ProductInput): number {
    return this.insertProductRow(productRow(p));
  }

  /** Stores an accepted offer of product `pid`; `line` is the record's source line. */
  offer(pid: number, o: OfferInput, line: number): void {
    this.insertOfferRow(offerRow(pid, undefined, o, line));
  }

  /**
   * Stores a flat record (one product, one offer) as a single row: the product content goes into
   * the offer's own columns. Offer fields win where both are set.
   */
  standaloneOffer(p: ProductInput, o: OfferInput, line: number): void {
    this.insertOfferRow(offerRow(null, p, o, line));
  }

  /**
   * Rows whose text values arrive as UTF-8 bytes (from the producer thread's batches): bound as
   * blobs and cast to TEXT by SQLite, so no JS string is built for them on this thread.
   */
  insertProductBytes(row: readonly BoundValue[]): void {
    this.#insertProductBytes ??= this.db.prepare(insertSql('products', PRODUCT_COLUMNS, true));
    this.#insertProductBytes.run(++this.#pid, ...row);
    this.#tick();
  }

  insertOfferBytes(row: readonly BoundValue[]): void {
    this.#insertOfferBytes ??= this.db.prepare(insertSql('offers', OFFER_COLUMNS, true));
    this.#insertOfferBytes.run(++this.#oid, ...row);
    // The id is bytes here: hashing it as text would cost the string this path avoids.
    this.#ids.drop();
    this.#offers++;
    this.#tick();
  }

  /** A row built by `productRow()` (possibly on another thread); returns its pid. */
  insertProductRow(row: readonly RowValue[]): number {
    const pid = ++this.#pid;
    this.#insertProduct.run(pid, ...row);
    this.#tick();
    return pid;
  }

  /** A row built by `offerRow()` (possibly on another thread). */
  insertOfferRow(row: readonly RowValue[]): void {
    if (this.#oid + 1 > this.#chunkEnd) throw new FeedmillError('FEEDMILL_INTERNAL', 'a chunk of a sharded load holds more offers than its oid span');
    this.#insertOffer.run(++this.#oid, ...row);
    this.#ids.add(row[1] as string);
    this.#offers++;
    this.#tick();
  }

  /** Counts a record that was accepted without producing an offer (a configurable parent row). */
  acceptWithoutOffer(): void {
    this.#acceptedOther++;
  }

  reject(r: RejectInput): void {
    this.#rejected++;
    this.#rejectsByCode[r.code] = (this.#rejectsByCode[r.code] ?? 0) + 1;
    this.#insertReject.run(
      r.line,
      r.byteOffset ?? null,
      r.path ?? null,
      r.field ?? null,
      r.code,
      r.message,
      r.raw === undefined ? null : r.raw.slice(0, REJECT_RAW_MAX),
    );
    this.#tick();
    if (this.#rejected > this.#rejectLimit) {
      throw new FeedmillError(
        'FEEDMILL_INGEST_REJECT_LIMIT',
        `more than ${this.#rejectLimit} records were rejected (last: line ${r.line}, ${r.code}: ${r.message}); fix the source or raise --reject-limit`,
        { rejectLimit: this.#rejectLimit, rejected: this.#rejected, rejectsByCode: { ...this.#rejectsByCode } },
      );
    }
  }

  setMeta(key: string, value: string | number): void {
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, String(value));
  }

  counts(): LoadCounts {
    const offers = this.#offers - this.#duplicates;
    const accepted = offers + this.#acceptedOther;
    return {
      seen: accepted + this.#rejected,
      accepted,
      rejected: this.#rejected,
      products: this.#pid - this.#orphansRemoved,
      offers,
      duplicates: this.#duplicates,
      rejectsByCode: { ...this.#rejectsByCode },
    };
  }

  /** The number of offers written so far, for progress reporting. */
  get offersWritten(): number {
    return this.#offers;
  }

  /**
   * Shards (a file cut between threads, see src/ingest/parallel): the offers of chunk `seq` take the
   * oids `seq * CHUNK_OID_SPAN + 1...`, so that the shards merge into one table in source order
   * without renumbering. Oids then increase in source order but are not consecutive.
   */
  startChunk(seq: number): void {
    this.#oid = seq * CHUNK_OID_SPAN;
    this.#chunkEnd = this.#oid + CHUNK_OID_SPAN;
  }

  /** Commits and closes a shard without indexes: `appendShards` and `finish` complete the merged file. */
  closeShard(): ShardClose {
    if (this.#finished) throw new FeedmillError('FEEDMILL_INTERNAL', 'staging writer finished twice');
    this.#finished = true;
    this.db.exec('COMMIT');
    this.db.close();
    return { counts: this.counts(), idHashes: this.#ids.sortedSnapshot() };
  }

  /**
   * Appends the offers and rejects of other shard files (closed by `closeShard`) to this one: a
   * shard's segments into shard 0's file while the load goes on, the last ones before `finish()`.
   * Offers keep their oids (chunk-spaced, so no two shards collide). File paths are bound as
   * parameters, never spliced into the SQL text. With `kept-elsewhere` the segments' id hashes are
   * not taken here: the ingest thread keeps them for the merged file's writer (`takeIdHashes`), so
   * that shard 0 hands over its own ids alone, never a second copy of the others'.
   */
  appendShards(paths: readonly string[], shards: readonly ShardClose[], ids: 'take' | 'kept-elsewhere' = 'take'): void {
    this.db.exec('COMMIT');
    const rejectColumns = REJECT_COLUMNS.join(',');
    for (const [i, path] of paths.entries()) {
      this.db.prepare('ATTACH DATABASE ? AS shard').run(path);
      try {
        this.db.exec('BEGIN');
        // `SELECT *` between tables of the same DDL lets SQLite copy each record as it is (its
        // transfer optimisation) instead of decoding and re-encoding 33 columns: the merge of
        // 500,000 shard rows went from 1.6-1.9 s to 1.2 s here. A column list disables it.
        this.db.exec('INSERT INTO main.offers SELECT * FROM shard.offers');
        this.db.exec(`INSERT INTO main.rejects (${rejectColumns}) SELECT ${rejectColumns} FROM shard.rejects ORDER BY id`);
        this.db.exec('COMMIT');
      } finally {
        this.db.exec('DETACH DATABASE shard');
      }
      const { counts: c, idHashes } = shards[i] as ShardClose;
      if (ids === 'take') this.#ids.addSorted(idHashes);
      this.#offers += c.offers;
      this.#acceptedOther += c.accepted - c.offers;
      this.#rejected += c.rejected;
      for (const [code, n] of Object.entries(c.rejectsByCode) as [RejectCode, number][]) this.#rejectsByCode[code] = (this.#rejectsByCode[code] ?? 0) + n;
    }
    this.db.exec('BEGIN');
  }

  /** Sorted id hashes of offers merged into this file by another writer (see appendShards). */
  takeIdHashes(run: Float64Array | undefined): void {
    this.#ids.addSorted(run);
  }

  #restore(c: LoadCounts): void {
    if (c.products > 0) throw new FeedmillError('FEEDMILL_INTERNAL', 'shards hold standalone offers only');
    this.#offers = c.offers;
    this.#acceptedOther = c.accepted - c.offers;
    this.#rejected = c.rejected;
    Object.assign(this.#rejectsByCode, c.rejectsByCode);
  }

  /**
   * Commits, builds indexes, rejects duplicate offer ids (the first occurrence wins), runs the
   * profile's SQL post-processing, and closes. Returns the final counts.
   */
  finish(postProcess?: (db: StagingDb) => void): LoadCounts {
    if (this.#finished) throw new FeedmillError('FEEDMILL_INTERNAL', 'staging writer finished twice');
    this.#finished = true;
    this.db.exec('COMMIT');
    // A profile with side tables may link offers to products in SQL: it gets the index too.
    const indexed = this.#pid > 0 || postProcess !== undefined;
    if (indexed) this.db.exec(STAGING_PRODUCT_INDEX_DDL);
    this.db.exec('BEGIN');
    if (postProcess) postProcess(this.db);
    // A post-process may add or change offers behind the digest's back: then SQL decides.
    if (postProcess !== undefined || !this.#ids.provesDistinct(this.#offers)) this.#rejectDuplicates();
    const counts = this.counts();
    const meta = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
    for (const [k, v] of Object.entries(counts)) meta.run(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    this.db.exec('COMMIT');
    this.#analyze(indexed, counts.offers);
    this.db.close();
    return counts;
  }

  /**
   * Statistics for the query planner. With the offers' index, from a sample (a full ANALYZE rescans
   * every index). Without it, all ANALYZE learns of the offers is their number, which it counts
   * by reading every page: 0.26 s of the serial tail for a million merchant offers, where the
   * writer knows the number already. The small tables are analysed as usual; the offers' row is
   * the one ANALYZE would have written.
   */
  #analyze(indexed: boolean, offers: number): void {
    this.db.pragma('analysis_limit = 1000');
    if (indexed) {
      this.db.exec('ANALYZE');
      return;
    }
    this.db.exec('ANALYZE meta; ANALYZE products; ANALYZE rejects');
    this.db.prepare("DELETE FROM sqlite_stat1 WHERE tbl = 'offers'").run();
    if (offers > 0) this.db.prepare("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('offers', NULL, ?)").run(String(offers));
  }

  /** Closes without finishing (failed or canceled load); the caller deletes the file. */
  abort(): void {
    if (this.db.open) this.db.close();
  }

  #tick(): void {
    if (++this.#pending >= ROWS_PER_TRANSACTION) {
      this.db.exec('COMMIT');
      this.db.exec('BEGIN');
      this.#pending = 0;
    }
  }

  /**
   * Rejects every offer whose id an earlier offer (lower oid: earlier in the source) already has.
   * The ids are sorted once by a GROUP BY, without an index on offer_id (see schema.ts): in the
   * usual case, no duplicate, that is all. Otherwise the repeated ids go to a small temporary
   * table and one scan of the offers, probing it, finds their rows.
   */
  #rejectDuplicates(): void {
    this.db.exec('CREATE TEMP TABLE feedmill_dup_ids (offer_id TEXT PRIMARY KEY, first INTEGER NOT NULL) WITHOUT ROWID');
    try {
      const found = this.db
        .prepare('INSERT INTO temp.feedmill_dup_ids SELECT offer_id, min(oid) FROM offers GROUP BY offer_id HAVING count(*) > 1')
        .run().changes;
      if (found > 0) this.#rejectDuplicateRows();
    } finally {
      this.db.exec('DROP TABLE temp.feedmill_dup_ids');
    }
  }

  #rejectDuplicateRows(): void {
    // CROSS JOIN keeps the offers as the outer loop: one scan, each row probing the small table by
    // its key, where an automatic index on offers(offer_id) would sort every id again.
    const dups = this.db
      .prepare(
        `SELECT o.oid, o.pid, o.offer_id, o.line, f.line AS first_line
         FROM offers o CROSS JOIN temp.feedmill_dup_ids d ON d.offer_id = o.offer_id
         JOIN offers f ON f.oid = d.first
         WHERE o.oid <> d.first
         ORDER BY o.oid`,
      )
      .all() as { oid: number; pid: number | null; offer_id: string; line: number; first_line: number }[];
    const del = this.db.prepare('DELETE FROM offers WHERE oid = ?');
    const orphan = this.db.prepare('DELETE FROM products WHERE pid = ? AND NOT EXISTS (SELECT 1 FROM offers WHERE pid = ?)');
    // Standalone offers have pid NULL: deleting them orphans nothing.
    for (const d of dups) {
      del.run(d.oid);
      if (d.pid !== null) this.#orphansRemoved += orphan.run(d.pid, d.pid).changes;
      this.#duplicates++;
      this.#rejected++;
      this.#rejectsByCode.RECORD_DUPLICATE_ID = (this.#rejectsByCode.RECORD_DUPLICATE_ID ?? 0) + 1;
      this.#insertReject.run(
        d.line,
        null,
        null,
        'id',
        'RECORD_DUPLICATE_ID',
        `offer id ${JSON.stringify(d.offer_id)} already appears at line ${d.first_line}; the first occurrence was kept`,
        d.offer_id.slice(0, REJECT_RAW_MAX),
      );
    }
  }
}

function attrsJson(attrs: Readonly<Record<string, string>> | undefined): string | null {
  if (attrs === undefined) return null;
  for (const _ in attrs) return JSON.stringify(attrs);
  return null;
}

export type RowValue = string | number | null;

/** Column lists are constants of the schema, never input: the statement text is fixed. */
function insertSql(table: string, columns: readonly string[], textAsBytes: boolean): string {
  const values = columns.map((c) => (textAsBytes && !INTEGER_COLUMNS.has(c) ? 'CAST(? AS TEXT)' : '?'));
  return `INSERT INTO ${table} (${columns.join(',')}) VALUES (${values.join(',')})`;
}

/** A product's columns after `pid`, in PRODUCT_COLUMNS order. Pure: can run on the producer's thread. */
export function productRow(p: ProductInput): RowValue[] {
  return [
    p.key ?? null,
    p.title ?? null,
    p.description ?? null,
    p.brand ?? null,
    p.category ?? null,
    p.googleCategory ?? null,
    p.link ?? null,
    p.image ?? null,
    p.additionalImages && p.additionalImages.length > 0 ? p.additionalImages.join('\n') : null,
    attrsJson(p.attrs),
  ];
}

/** An offer's columns after `oid`, in OFFER_COLUMNS order; `p` given for a standalone offer. */
export function offerRow(pid: number | null, p: ProductInput | undefined, o: OfferInput, line: number): RowValue[] {
  const images = o.additionalImages ?? p?.additionalImages;
  return [
    pid,
    o.id,
    o.groupId ?? p?.key ?? null,
    o.title ?? p?.title ?? null,
    o.description ?? p?.description ?? null,
    p?.brand ?? null,
    p?.category ?? null,
    p?.googleCategory ?? null,
    o.link ?? p?.link ?? null,
    o.image ?? p?.image ?? null,
    images && images.length > 0 ? images.join('\n') : null,
    o.price,
    o.salePrice ?? null,
    o.currency,
    o.availability ?? null,
    o.quantity ?? null,
    o.gtin ?? null,
    o.mpn ?? null,
    o.condition ?? null,
    o.color ?? null,
    o.size ?? null,
    o.gender ?? null,
    o.ageGroup ?? null,
    o.material ?? null,
    o.shippingPrice ?? null,
    o.departureDate ?? null,
    o.nights ?? null,
    o.room ?? null,
    o.board ?? null,
    o.seats ?? null,
    attrsJson(p?.attrs === undefined ? o.attrs : o.attrs === undefined ? p.attrs : { ...p.attrs, ...o.attrs }),
    line,
  ];
}
