/**
 * Drives profile mappers the way the ingest pipeline does, on whole files: CSV through csv-parse
 * (with the engine's column-count reject), XML through the real XML engine, into a real
 * StagingWriter on a temp file. The end-to-end tests go through `ingestFile` itself.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { StagingWriter, openForRead, type LoadCounts, type StagingDb } from '../../../src/staging/index.js';
import type { Profile, ProfileContext } from '../../../src/ingest/profile.js';
import { XmlEngine } from '../../../src/ingest/xml/engine.js';

/** The shared real-data folder next to the repository, or undefined when this checkout has none. */
export const REALDATA: string | undefined = (() => {
  const dir = fileURLToPath(new URL('../../../../shared/realdata/', import.meta.url));
  return existsSync(dir) ? dir : undefined;
})();

export const SKIP_REALDATA = REALDATA === undefined ? 'the shared/realdata folder beside the repository is absent' : false;

export const FIXTURES = fileURLToPath(new URL('../../fixtures/profiles/', import.meta.url));

export interface LoadResult {
  counts: LoadCounts;
  db: StagingDb;
  close(): void;
}

export interface RunOptions {
  defaultCurrency?: string | undefined;
  /** `--profile-option` pairs. */
  options?: Record<string, string>;
  /** Rejects allowed before the writer throws. */
  rejectLimit?: number;
}

function context(file: string, writer: StagingWriter, opts: RunOptions): ProfileContext {
  const dir = dirname(resolve(file));
  return {
    defaultCurrency: 'defaultCurrency' in opts ? opts.defaultCurrency : 'EUR',
    sourceName: file.slice(file.lastIndexOf('/') + 1),
    db: writer.db,
    options: opts.options ?? {},
    readSibling(relativePath: string) {
      const p = resolve(dir, relativePath);
      if (!existsSync(p) || !statSync(p).isFile()) return undefined;
      return readFileSync(p);
    },
  };
}

function staging(): { dir: string; writer: (o: RunOptions) => StagingWriter } {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-profile-test-'));
  return { dir, writer: (o) => new StagingWriter(join(dir, 'staging.db'), { rejectLimit: o.rejectLimit ?? 1_000_000 }) };
}

function done(dir: string, counts: LoadCounts): LoadResult {
  const db = openForRead(join(dir, 'staging.db'));
  return {
    counts,
    db,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a CSV file through `profile.csv()`, with the column-count reject the CSV engine applies. */
export function runCsv(profile: Profile, file: string, delimiter: string, opts: RunOptions = {}): LoadResult {
  const s = staging();
  const writer = s.writer(opts);
  try {
    const rows = parse(readFileSync(file), { delimiter, bom: true, relax_column_count: true, relax_quotes: true, info: true, raw: true }) as unknown as {
      record: string[];
      raw: string;
      info: { lines: number; bytes: number };
    }[];
    const [head, ...data] = rows;
    if (head === undefined) throw new Error('empty CSV');
    const mapper = profile.csv!(head.record, context(file, writer, opts));
    for (const r of data) {
      const inner = r.raw.replace(/\r?\n$/, '');
      const line = r.info.lines - (inner.match(/\n/g)?.length ?? 0);
      const loc = { line, byteOffset: r.info.bytes - Buffer.byteLength(r.raw) };
      if (r.record.length !== head.record.length) {
        writer.reject({ ...loc, code: 'RECORD_COLUMN_COUNT', message: `${r.record.length} fields, header has ${head.record.length}` });
        continue;
      }
      mapper.row(r.record, loc, writer);
    }
    const counts = writer.finish((db) => mapper.finish?.(db));
    return done(s.dir, counts);
  } catch (err) {
    writer.abort();
    rmSync(s.dir, { recursive: true, force: true });
    throw err;
  }
}

/** Runs an XML file through `profile.xml()` with the real XML engine (records collected whole). */
export function runXml(profile: Profile, file: string, opts: RunOptions = {}): LoadResult {
  const s = staging();
  const writer = s.writer(opts);
  try {
    const ctx = context(file, writer, opts);
    const engine = new XmlEngine((name, attrs) => profile.xml!(name, { ...ctx, xmlRoot: { name, attrs } }), writer);
    engine.push(readFileSync(file, 'utf8'));
    engine.end();
    const mapper = engine.mapper;
    const counts = writer.finish((db) => mapper?.finish?.(db));
    return done(s.dir, counts);
  } catch (err) {
    writer.abort();
    rmSync(s.dir, { recursive: true, force: true });
    throw err;
  }
}

export interface OfferRow {
  offer_id: string;
  group_id: string | null;
  title: string | null;
  description: string | null;
  link: string | null;
  image: string | null;
  price: number;
  sale_price: number | null;
  currency: string;
  availability: string | null;
  quantity: number | null;
  gtin: string | null;
  mpn: string | null;
  condition: string | null;
  color: string | null;
  size: string | null;
  gender: string | null;
  age_group: string | null;
  material: string | null;
  shipping_price: number | null;
  departure_date: string | null;
  nights: number | null;
  room: string | null;
  board: string | null;
  seats: number | null;
  attrs: string | null;
  line: number;
  pid: number | null;
  product_key: string | null;
  p_title: string | null;
  p_description: string | null;
  brand: string | null;
  category: string | null;
  google_category: string | null;
  p_link: string | null;
  p_image: string | null;
  additional_images: string | null;
  p_attrs: string | null;
}

/** One offer with its product's content (standalone offers carry it themselves). */
export function offer(db: StagingDb, id: string): OfferRow | undefined {
  return db
    .prepare(
      `SELECT o.*, p.product_key, coalesce(p.title, o.title) AS p_title, coalesce(p.description, o.description) AS p_description,
         coalesce(p.brand, o.brand) AS brand, coalesce(p.category, o.category) AS category,
         coalesce(p.google_category, o.google_category) AS google_category, coalesce(p.link, o.link) AS p_link,
         coalesce(p.image, o.image) AS p_image, coalesce(p.additional_images, o.additional_images) AS additional_images,
         p.attrs AS p_attrs
       FROM offers o LEFT JOIN products p ON p.pid = o.pid WHERE o.offer_id = ?`,
    )
    .get(id) as OfferRow | undefined;
}

export interface RejectRow {
  line: number;
  field: string | null;
  code: string;
  message: string;
  raw: string | null;
}

export function rejects(db: StagingDb): RejectRow[] {
  return db.prepare('SELECT line, field, code, message, raw FROM rejects ORDER BY line, id').all() as RejectRow[];
}

export function scalar(db: StagingDb, sql: string, ...params: unknown[]): unknown {
  const row = db.prepare(sql).get(...params) as Record<string, unknown> | undefined;
  return row === undefined ? undefined : Object.values(row)[0];
}
