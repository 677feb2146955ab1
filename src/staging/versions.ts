/**
 * Catalog versions: each successful ingest makes a fresh staging DB that is swapped in atomically.
 *
 * The staging file is written under a `.loading` name and renamed when complete; only then does one
 * app-DB transaction point the catalog at it. A failed or killed ingest therefore leaves the previous
 * version (and the feeds built from it) untouched, and its half-written file is never current.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { basename, dirname, join } from 'node:path';
import type { Config } from '../config.js';
import { CatalogRegistry } from '../catalogs/index.js';
import type { AppDb } from '../db/index.js';
import { FeedmillError } from '../errors.js';
import type { LoadCounts } from './writer.js';

export interface VersionInfo {
  catalog: string;
  version: number;
  status: 'loading' | 'ready' | 'failed' | 'superseded';
  stagingPath: string;
  sourcePath: string | null;
  sourceName: string | null;
  profile: string | null;
  format: string | null;
  container: string | null;
  encoding: string | null;
  seen: number | null;
  accepted: number | null;
  rejected: number | null;
  products: number | null;
  offers: number | null;
  rejectsByCode: Record<string, number>;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** What the load was told beyond its source; null for versions staged before it was kept. */
  loadSettings: LoadSettings | null;
}

/**
 * The settings a load ran with, kept so that staging lost with the RAM disk is rebuilt from the kept
 * source exactly as it was first built (a Magento catalog's base-url, a forced encoding).
 */
export interface LoadSettings {
  /** The profile asked for (`auto` included): the options were checked against it. */
  profile?: string;
  profileOptions?: Record<string, string>;
  currency?: string;
  encoding?: string;
  /** The charset a server or an uploader declared, for detection (see src/ingest/decode.ts). */
  encodingHint?: string;
  delimiter?: string;
}

export interface NewVersion {
  catalog: string;
  version: number;
  /** Where the loader writes; renamed to `stagingPath` on commit. */
  loadingPath: string;
  stagingPath: string;
}

export interface SourceDescription {
  sourcePath?: string | null;
  sourceName?: string | null;
  profile?: string | null;
  format?: string | null;
  container?: string | null;
  encoding?: string | null;
  loadSettings?: LoadSettings;
}

export class CatalogVersions {
  readonly #db: AppDb;
  readonly #stagingDir: string;

  constructor(db: AppDb, config: Pick<Config, 'stagingDir'>) {
    this.#db = db;
    new CatalogRegistry(db); // ensures the tables exist
    this.#stagingDir = config.stagingDir;
  }

  stagingDirOf(catalog: string): string {
    return join(this.#stagingDir, 'catalogs', catalog);
  }

  /** Allocates the next version number and its staging paths, recorded as `loading`. */
  begin(catalog: string, source: SourceDescription): NewVersion {
    const dir = this.stagingDirOf(catalog);
    mkdirSync(dir, { recursive: true });
    this.sweepAbandoned(catalog);
    const allocate = this.#db.transaction(() => {
      const row = this.#db.prepare('SELECT coalesce(max(version), 0) + 1 AS v FROM catalog_versions WHERE catalog = ?').get(catalog) as {
        v: number;
      };
      const stagingPath = join(dir, `v${row.v}.sqlite`);
      this.#db
        .prepare(
          `INSERT INTO catalog_versions (catalog, version, status, staging_path, source_path, source_name, profile, format, container, encoding, created_at, load_settings)
           VALUES (?, ?, 'loading', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          catalog,
          row.v,
          stagingPath,
          source.sourcePath ?? null,
          source.sourceName ?? null,
          source.profile ?? null,
          source.format ?? null,
          source.container ?? null,
          source.encoding ?? null,
          new Date().toISOString(),
          source.loadSettings === undefined ? null : JSON.stringify(source.loadSettings),
        );
      return { catalog, version: row.v, stagingPath, loadingPath: `${stagingPath}.loading` };
    });
    const v = allocate.immediate();
    removeLoadingFiles(v.loadingPath);
    return v;
  }

  /** Records what the sniffer found once it is known (after `begin`). */
  describe(v: NewVersion, source: SourceDescription): void {
    this.#db
      .prepare(
        `UPDATE catalog_versions SET format = coalesce(?, format), container = coalesce(?, container),
           encoding = coalesce(?, encoding), profile = coalesce(?, profile) WHERE catalog = ? AND version = ?`,
      )
      .run(source.format ?? null, source.container ?? null, source.encoding ?? null, source.profile ?? null, v.catalog, v.version);
  }

  /** Publishes the loaded version: rename the file into place, then swap the pointer in one transaction. */
  commit(v: NewVersion, counts: LoadCounts): void {
    renameSync(v.loadingPath, v.stagingPath);
    const previous = this.#db.transaction(() => {
      const prev = this.#db.prepare('SELECT current_version FROM catalogs WHERE name = ?').get(v.catalog) as
        | { current_version: number | null }
        | undefined;
      this.#db
        .prepare(
          `UPDATE catalog_versions SET status = 'ready', seen = ?, accepted = ?, rejected = ?, products = ?, offers = ?,
             rejects_by_code = ?, finished_at = ? WHERE catalog = ? AND version = ?`,
        )
        .run(
          counts.seen,
          counts.accepted,
          counts.rejected,
          counts.products,
          counts.offers,
          JSON.stringify(counts.rejectsByCode),
          new Date().toISOString(),
          v.catalog,
          v.version,
        );
      this.#db.prepare("UPDATE catalog_versions SET status = 'superseded' WHERE catalog = ? AND status = 'ready' AND version <> ?").run(
        v.catalog,
        v.version,
      );
      this.#db.prepare('UPDATE catalogs SET current_version = ? WHERE name = ?').run(v.version, v.catalog);
      return prev?.current_version ?? null;
    }).immediate();
    this.#prune(v.catalog, previous);
  }

  /**
   * Versions left `loading` by a process that died (killed, out of memory, power loss) would keep
   * their files on the RAM disk for good. A live load holds an exclusive lock on its files from its
   * first write (locking_mode=EXCLUSIVE) and keeps writing them; files that nobody locks and that
   * have not changed for a minute belong to a dead load: they are removed and the version marked
   * failed (FEEDMILL_INGEST_ABANDONED). A version with no file yet is left alone (a live load creates
   * its file once it has sniffed the source). Returns the versions swept.
   */
  sweepAbandoned(catalog: string, idleMs = ABANDONED_IDLE_MS): number[] {
    const rows = this.#db
      .prepare("SELECT version, staging_path AS stagingPath FROM catalog_versions WHERE catalog = ? AND status = 'loading'")
      .all(catalog) as { version: number; stagingPath: string }[];
    const swept: number[] = [];
    for (const row of rows) {
      const files = loadingFiles(`${row.stagingPath}.loading`);
      if (files.length === 0 || files.some((f) => inUse(f, idleMs))) continue;
      this.fail({ catalog, version: row.version, stagingPath: row.stagingPath, loadingPath: `${row.stagingPath}.loading` }, {
        code: 'FEEDMILL_INGEST_ABANDONED',
        message: 'the process loading this version stopped before it finished (killed or crashed); its staging files were removed',
      });
      swept.push(row.version);
    }
    this.#sweepStrayShards(catalog, new Set(rows.map((r) => basename(`${r.stagingPath}.loading`))));
    return swept;
  }

  /**
   * A finished parallel load removes its merged shard files in the background (src/ingest/parallel/
   * shards.ts): a process killed meanwhile leaves `<loading>.shardN` files of a version that is no
   * longer loading. Only files of the catalog's staging folder with that exact shape are touched.
   */
  #sweepStrayShards(catalog: string, loading: ReadonlySet<string>): void {
    const dir = this.stagingDirOf(catalog);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = STRAY_SHARD.exec(name);
      if (m === null || loading.has(m[1] as string)) continue;
      rmSync(join(dir, name), { force: true });
    }
  }

  /** Marks the version failed and deletes its partial file; the current version is untouched. */
  fail(v: NewVersion, error: { code: string; message: string }): void {
    removeLoadingFiles(v.loadingPath);
    this.#db
      .prepare(`UPDATE catalog_versions SET status = 'failed', error = ?, finished_at = ? WHERE catalog = ? AND version = ?`)
      .run(JSON.stringify(error), new Date().toISOString(), v.catalog, v.version);
  }

  get(catalog: string, version: number): VersionInfo | undefined {
    const row = this.#db.prepare('SELECT * FROM catalog_versions WHERE catalog = ? AND version = ?').get(catalog, version) as
      | VersionRow
      | undefined;
    return row && fromRow(row);
  }

  list(catalog: string): VersionInfo[] {
    return (this.#db.prepare('SELECT * FROM catalog_versions WHERE catalog = ? ORDER BY version DESC').all(catalog) as VersionRow[]).map(
      fromRow,
    );
  }

  /** The current version with its staging file, or a coded error saying what to do. */
  current(catalog: string): VersionInfo {
    const registry = new CatalogRegistry(this.#db);
    const c = registry.get(catalog);
    if (c.currentVersion === null) {
      throw new FeedmillError('FEEDMILL_CATALOG_NO_VERSION', `catalog ${catalog} has no ingested version yet; run 'feedmill ingest <source> --catalog ${catalog}' first`, {
        catalog,
      });
    }
    const info = this.get(catalog, c.currentVersion);
    if (!info || !existsSync(info.stagingPath)) {
      throw new FeedmillError(
        'FEEDMILL_STAGING_MISSING',
        `the staging database of ${catalog} version ${c.currentVersion} is gone (the RAM disk was cleared?); ingest the source again`,
        { catalog, version: c.currentVersion, stagingPath: info?.stagingPath, sourcePath: info?.sourcePath },
      );
    }
    return info;
  }

  /**
   * Deletes staging files of versions older than the previous one. The previous one is kept so that an
   * export that started on it finishes (on Linux an open file survives unlink anyway).
   */
  #prune(catalog: string, previous: number | null): void {
    const rows = this.#db
      .prepare("SELECT version, staging_path FROM catalog_versions WHERE catalog = ? AND status IN ('superseded', 'failed')")
      .all(catalog) as { version: number; staging_path: string }[];
    for (const r of rows) {
      if (r.version === previous) continue;
      rmSync(r.staging_path, { force: true });
    }
  }
}

interface VersionRow {
  catalog: string;
  version: number;
  status: VersionInfo['status'];
  staging_path: string;
  source_path: string | null;
  source_name: string | null;
  profile: string | null;
  format: string | null;
  container: string | null;
  encoding: string | null;
  seen: number | null;
  accepted: number | null;
  rejected: number | null;
  products: number | null;
  offers: number | null;
  rejects_by_code: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  load_settings: string | null;
}

function fromRow(r: VersionRow): VersionInfo {
  return {
    catalog: r.catalog,
    version: r.version,
    status: r.status,
    stagingPath: r.staging_path,
    sourcePath: r.source_path,
    sourceName: r.source_name,
    profile: r.profile,
    format: r.format,
    container: r.container,
    encoding: r.encoding,
    seen: r.seen,
    accepted: r.accepted,
    rejected: r.rejected,
    products: r.products,
    offers: r.offers,
    rejectsByCode: r.rejects_by_code ? (JSON.parse(r.rejects_by_code) as Record<string, number>) : {},
    error: r.error,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    loadSettings: r.load_settings === null ? null : (JSON.parse(r.load_settings) as LoadSettings),
  };
}

/** A load's files: `<loading>` and the shard files of a parallel load beside it (`<loading>.shardN`). */
function loadingFiles(loadingPath: string): string[] {
  const dir = dirname(loadingPath);
  const base = basename(loadingPath);
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // no staging directory yet
  }
  // SQLite's companions (`-journal`) count too: loads run without a journal now, but an earlier
  // version's killed load left one.
  return names.filter((n) => n === base || n === `${base}-journal` || n.startsWith(`${base}.shard`)).map((n) => join(dir, n));
}

function removeLoadingFiles(loadingPath: string): void {
  for (const f of loadingFiles(loadingPath)) rmSync(f, { force: true });
}

/** A shard file or segment of a parallel load (`v<N>.sqlite.loading.shard<M>[-<S>]`); group 1: its loading file. */
const STRAY_SHARD = /^(v\d+\.sqlite\.loading)\.shard\d+(?:-\d+)?$/;

/** A load that has not written its files for this long, and holds no lock on them, is dead. */
const ABANDONED_IDLE_MS = 60_000;

/** True when a live load may still own the file: written recently, or locked by a writer. */
function inUse(path: string, idleMs: number): boolean {
  let mtime: number;
  try {
    mtime = statSync(path).mtimeMs;
  } catch {
    return false; // gone meanwhile
  }
  if (Date.now() - mtime < idleMs) return true;
  let db: InstanceType<typeof Database> | undefined;
  try {
    // No waiting: a writer's exclusive lock makes this fail at once with SQLITE_BUSY.
    db = new Database(path, { fileMustExist: true, timeout: 0 });
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return false;
  } catch {
    return true;
  } finally {
    db?.close();
  }
}
