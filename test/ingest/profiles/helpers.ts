/**
 * Drives profile mappers the way the ingest engines do, without the engines: CSV through csv-parse,
 * XML through a small sax collector that builds `XmlNode`s, into a real StagingWriter on a temp
 * file. Used by the profile tests; the end-to-end tests go through the real pipeline.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import sax from 'sax';
import { StagingWriter, openForRead, type LoadCounts, type StagingDb } from '../../../src/staging/index.js';
import type { Profile, ProfileContext, XmlNode } from '../../../src/ingest/profile.js';

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
    const rows = parse(readFileSync(file), { delimiter, bom: true, relax_column_count: true, info: true, raw: true }) as unknown as {
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

/** Runs an XML file through `profile.xml()`, collecting each record element whole. */
export function runXml(profile: Profile, file: string, opts: RunOptions = {}): LoadResult {
  const s = staging();
  const writer = s.writer(opts);
  try {
    const ctx = context(file, writer, opts);
    const parser = sax.parser(true, { trim: false, normalize: false, position: true });
    let mapper: ReturnType<NonNullable<Profile['xml']>> | undefined;
    const stack: { name: string; counts: Map<string, number> }[] = [];
    const path: string[] = [];
    let record: XmlNode[] | undefined;
    parser.ondoctype = () => {
      throw new Error('DOCTYPE refused');
    };
    parser.onopentag = (tag) => {
      const depth = stack.length;
      const parent = stack[depth - 1];
      const n = (parent?.counts.get(tag.name) ?? 0) + 1;
      parent?.counts.set(tag.name, n);
      path.push(`${tag.name}[${n}]`);
      stack.push({ name: tag.name, counts: new Map() });
      const node: XmlNode = { name: tag.name, attrs: { ...(tag.attributes as Record<string, string>) }, text: '', children: [], line: parser.line + 1 };
      if (depth === 0) mapper = profile.xml!(tag.name, { ...ctx, xmlRoot: { name: tag.name, attrs: node.attrs } });
      if (record !== undefined) {
        record[record.length - 1]?.children.push(node);
        record.push(node);
      } else if (mapper !== undefined && depth > 0 && mapper.isRecord(tag.name, depth)) {
        record = [node];
      }
    };
    const onText = (t: string) => {
      if (record !== undefined) {
        const top = record[record.length - 1];
        if (top !== undefined) top.text += t;
      }
    };
    parser.ontext = onText;
    parser.oncdata = onText;
    parser.onclosetag = () => {
      stack.pop();
      const p = '/' + path.join('/');
      path.pop();
      if (record === undefined) return;
      const node = record.pop();
      if (record.length === 0 && node !== undefined) {
        record = undefined;
        mapper!.record(node, { line: node.line, path: p }, writer);
      }
    };
    parser.write(readFileSync(file, 'utf8')).close();
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
