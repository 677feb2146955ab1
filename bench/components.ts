/**
 * Component benchmarks: each step of the per-record path alone, on one thread, repeated, the best
 * run kept. Whole-stage runs (bench/run.ts) on a shared 2-vCPU VM move by 10-30 % between identical
 * runs; the minimum of several one-thread runs on the same bytes moves by a few percent, which is
 * what a change to a hot path needs to be judged. Not a test, no thresholds.
 *
 *   npm run bench:components -- [--offers N] [--repeat R] [--only a,b] [--data-dir DIR] [--json]
 *
 * The inputs are held in memory (this measures CPU per record, not memory; the stage benchmarks
 * print the pipeline's peak RSS). `--only csv,export:render` picks steps by prefix.
 *
 * Steps (each includes the ones before it on its line, so differences give a step's own cost):
 *   csv: decode+parse → +map (generic profile) → +insert (StagingWriter, tmpfs)
 *   xml: scan (ingest-thread record cutter) | decode+parse (shard tree) → +map (google-feed) → +insert
 *   export: scan staged rows (transform worker read) → render per channel (items in memory) → encode
 *   (fresh ropes) | one range: the worker's whole function (read, render, write a part), plain and gzip
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FeedmillError } from '../src/errors.js';
import { CsvEngine } from '../src/ingest/csv/engine.js';
import { readHeader } from '../src/ingest/csv/header.js';
import { csvRowHandler } from '../src/ingest/csv/rows.js';
import { decodeInPieces, StreamDecoder } from '../src/ingest/decode.js';
import { loadXmlBatch, type XmlRecordBatch } from '../src/ingest/parallel/shard-worker.js';
import { BATCH_RECORDS as XML_BATCH_RECORDS } from '../src/ingest/parallel/xml-load.js';
import type { ProfileContext, ProfileSink, XmlMapper } from '../src/ingest/profile.js';
import { findProfile } from '../src/ingest/select-profile.js';
import { XmlRecordScanner } from '../src/ingest/xml/record-scanner.js';
import { openForRead, scanOffers, STAGED_OFFER_BATCH_SQL, StagingWriter } from '../src/staging/index.js';
import { compileChannel, loadChannel, type Item } from '../src/transform/index.js';
import { itemFromRaw } from '../src/transform/item.js';
import transformRange from '../src/transform/pool/worker.js';
import { ensureDataset } from './generate/index.js';
import { describeMachine, machineInfo, peakRssBytes } from './lib/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    offers: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '5' },
    only: { type: 'string' },
    'data-dir': { type: 'string', default: join(ROOT, 'bench/.data') },
    seed: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});
const offers = Number(values.offers);
const repeat = Number(values.repeat);
if (!Number.isInteger(offers) || offers < 1000) throw new FeedmillError('FEEDMILL_BENCH_OPTION', '--offers must be a whole number >= 1000', { option: 'offers', value: values.offers });
if (!Number.isInteger(repeat) || repeat < 1) throw new FeedmillError('FEEDMILL_BENCH_OPTION', '--repeat must be a whole number >= 1', { option: 'repeat', value: values.repeat });
const only = values.only?.split(',').map((s) => s.trim());
/** Items held in memory for the render steps: enough to warm the JIT, small enough for any machine. */
const RENDER_ITEMS = Math.min(offers, 30_000);

interface Row {
  step: string;
  records: number;
  bestMicros: number;
  medianMicros: number;
}
const rows: Row[] = [];

/** Runs `body` (which returns the records it handled) `repeat` times; keeps µs per record. */
function wanted(step: string): boolean {
  return only === undefined || only.some((o) => step.startsWith(o) || o.startsWith(step));
}

function keep(step: string, records: number, times: number[]): void {
  times.sort((a, b) => a - b);
  rows.push({ step, records, bestMicros: times[0] as number, medianMicros: times[Math.floor(times.length / 2)] as number });
}

/** `before` runs untimed ahead of each run (to rebuild inputs a run consumes). */
function measure(step: string, body: () => number, before?: () => void): void {
  if (!wanted(step)) return;
  const times: number[] = [];
  let records = 0;
  for (let k = 0; k < repeat; k++) {
    before?.();
    const t0 = process.hrtime.bigint();
    records = body();
    times.push(Number(process.hrtime.bigint() - t0) / 1e3 / records);
  }
  keep(step, records, times);
}

async function measureAsync(step: string, body: () => Promise<number>): Promise<void> {
  if (!wanted(step)) return;
  const times: number[] = [];
  let records = 0;
  for (let k = 0; k < repeat; k++) {
    const t0 = process.hrtime.bigint();
    records = await body();
    times.push(Number(process.hrtime.bigint() - t0) / 1e3 / records);
  }
  keep(step, records, times);
}

const work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'feedmill-components-'));
try {
  const dataDir = values['data-dir'];
  const csvPath = (await ensureDataset(dataDir, { shape: 'merchant', format: 'csv', container: 'plain' }, offers, values.seed)).result.path;
  const noop: ProfileSink = { product: () => 0, offer: () => undefined, standaloneOffer: () => undefined, acceptWithoutOffer: () => undefined, reject: () => undefined };
  const contextFor = (xmlRoot?: ProfileContext['xmlRoot']): ProfileContext => ({
    defaultCurrency: 'EUR',
    sourceName: 'bench',
    get db(): never {
      throw new FeedmillError('FEEDMILL_INTERNAL', 'the component bench has no staging DB for profiles');
    },
    readSibling: () => undefined,
    options: {},
    xmlRoot,
  });
  const stagedPath = join(work, 'staged.sqlite');

  // CSV: the shard path (src/ingest/parallel/shard-worker.ts) on the whole file as one chunk.
  const csv = readFileSync(csvPath);
  const dialect = { delimiter: ',', quote: '"' };
  const header = readHeader(csv.subarray(0, 1 << 16), { encoding: 'utf-8', bom: 0 }, dialect);
  if (header === undefined) throw new FeedmillError('FEEDMILL_BENCH_FAILED', 'the generated CSV has no header', {});
  const csvBody = csv.subarray(header.dataStart);
  const csvLoad = (mode: 'parse' | 'map' | 'insert', writerPath?: string, finish = false, profile = 'generic'): number => {
    const writer = writerPath === undefined ? undefined : new StagingWriter(writerPath, { rejectLimit: Number.MAX_SAFE_INTEGER, cacheMiB: 8 });
    const sink: ProfileSink = writer === undefined ? noop : { ...noop, standaloneOffer: (p, o, line) => writer.standaloneOffer(p, o, line), reject: (r) => writer.reject(r) };
    const mapper = (findProfile(profile).csv as NonNullable<ReturnType<typeof findProfile>['csv']>)(header.fields, contextFor());
    const engine: CsvEngine = new CsvEngine(
      dialect,
      mode === 'parse' ? () => undefined : csvRowHandler(header.fields.length, mapper, sink, () => engine.recordByteOffset()),
      { firstLine: header.dataLine },
    );
    const decoder = new StreamDecoder({ encoding: 'utf-8', bom: 0 });
    decodeInPieces(decoder, csvBody, (text, textBytes) => engine.push(text, textBytes));
    engine.push(decoder.end());
    engine.end();
    if (finish) writer?.finish();
    else writer?.abort();
    return engine.records;
  };
  measure('csv: decode+parse', () => csvLoad('parse'));
  measure('csv: +map generic', () => csvLoad('map'));
  // What --profile auto picks for a header of Google's attribute names, as the generated one is.
  measure('csv: +map google-feed', () => csvLoad('map', undefined, false, 'google-feed'));
  measure('csv: +insert', () => {
    rmSync(stagedPath, { force: true });
    return csvLoad('insert', stagedPath);
  });
  // The staged version the export steps read: loaded once more, finished (indexes), untimed.
  rmSync(stagedPath, { force: true });
  csvLoad('insert', stagedPath, true);

  if (wanted('xml')) {
    // XML: the ingest thread cuts records; a shard decodes, builds each tree, maps and inserts.
    const xmlPath = (await ensureDataset(dataDir, { shape: 'merchant', format: 'xml', container: 'plain' }, offers, values.seed)).result.path;
    const xml = readFileSync(xmlPath);
    const records: Buffer[] = [];
    const lines: number[] = [];
    const scan = (keep: boolean): number => {
      const scanner = new XmlRecordScanner();
      let n = 0;
      let first = true;
      const take = (): void => {
        for (let o = scanner.next(); o !== undefined; o = scanner.next()) {
          // The google-feed mapper's record test, set once the root is known (as ingest.ts does).
          if (first) {
            scanner.setRecordTest((name, depth) => depth === 2 && name === 'item');
            first = false;
          }
          if (o.kind !== 'record') continue;
          n++;
          if (keep) records.push(o.bytes);
        }
      };
      for (let i = 0; i < xml.length; i += 1 << 20) {
        scanner.push(xml.subarray(i, i + (1 << 20)));
        take();
      }
      scanner.end();
      take();
      return n;
    };
    scan(true);
    for (let i = 0, line = 1; i < records.length; i++) lines.push(line++);
    measure('xml: scan (ingest thread)', () => scan(false));
    const mapperOf = () =>
      (findProfile('google-feed').xml as NonNullable<ReturnType<typeof findProfile>['xml']>)('rss', contextFor({ name: 'rss', attrs: { version: '2.0', 'xmlns:g': 'http://base.google.com/ns/1.0' } }));
    // Batches as the ingest thread ships them (ParallelXmlLoad): record bytes back to back.
    const batches: XmlRecordBatch[] = [];
    for (let i = 0; i < records.length; i += XML_BATCH_RECORDS) {
      const group = records.slice(i, i + XML_BATCH_RECORDS);
      const ends: number[] = [];
      let at = 0;
      for (const r of group) ends.push((at += r.length));
      batches.push({ seq: batches.length, bytes: Buffer.concat(group), ends, lines: lines.slice(i, i + group.length), paths: group.map(() => '/rss/channel/item') });
    }
    const xmlLoad = (mode: 'parse' | 'map' | 'insert'): number => {
      const writerPath = join(work, 'xml.sqlite');
      rmSync(writerPath, { force: true });
      const writer = mode === 'insert' ? new StagingWriter(writerPath, { rejectLimit: Number.MAX_SAFE_INTEGER, cacheMiB: 8 }) : undefined;
      const sink: ProfileSink = writer === undefined ? noop : { ...noop, standaloneOffer: (p, o, line) => writer.standaloneOffer(p, o, line), reject: (r) => writer.reject(r) };
      // The shard's own batch function; in 'parse' mode a mapper that takes the trees and does nothing.
      const mapper: XmlMapper = mode === 'parse' ? { isRecord: () => true, record: () => undefined } : mapperOf();
      for (const batch of batches) loadXmlBatch(batch, mapper, sink);
      writer?.abort();
      return records.length;
    };
    measure('xml: decode+parse (shard)', () => xmlLoad('parse'));
    measure('xml: +map google-feed', () => xmlLoad('map'));
    measure('xml: +insert', () => xmlLoad('insert'));
  }

  // Export: the transform worker's read of staged rows, then rendering and encoding.
  const db = openForRead(stagedPath);
  db.pragma('mmap_size = 0');
  const select = db.prepare(STAGED_OFFER_BATCH_SQL).raw(true);
  const all = { index: 0, lo: 0, hi: Number.MAX_SAFE_INTEGER };
  measure('export: scan staged rows + item', () => {
    let n = 0;
    for (const row of scanOffers(select, all)) if (itemFromRaw(row).id !== '') n++;
    return n;
  });
  const items: Item[] = [];
  for (const row of scanOffers(select, all)) {
    items.push(itemFromRaw(row));
    if (items.length === RENDER_ITEMS) break;
  }
  db.close();
  for (const name of ['google-shopping', 'meta', 'microsoft', 'idealo', 'kelkoo']) {
    const channel = compileChannel(loadChannel(name));
    measure(`export: render ${name}`, () => {
      for (const item of items) channel.render(item);
      return items.length;
    });
  }
  // Each item's text is a rope of ~75 pieces until it is written: encoding flattens it first. The
  // texts are rendered again before every run, since a rope written once stays flat (a run on flat
  // texts measured 1.1 µs where a worker spends 2.7).
  const google = compileChannel(loadChannel('google-shopping'));
  const chunk = Buffer.allocUnsafe(1 << 20);
  let texts: string[] = [];
  measure(
    'export: encode google-shopping items',
    () => {
      let used = 0;
      for (const t of texts) {
        if (t.length * 3 > chunk.length - used) used = 0;
        used += chunk.write(t, used, 'utf8');
      }
      return texts.length;
    },
    () => {
      texts = [];
      for (const item of items) {
        const r = google.render(item);
        if (r.ok) texts.push(r.text);
      }
    },
  );

  // The transform worker's whole range function on the staged rows: read, item, render, write a
  // part file. What a worker spends per offer, which the steps above do not add up to.
  if (wanted('export: one range')) {
    const partsDir = join(work, 'parts');
    const runs = [
      ['google-shopping plain', ['google-shopping'], null],
      ['google-shopping gzip', ['google-shopping'], 3],
      ['google-shopping+meta+microsoft plain', ['google-shopping', 'meta', 'microsoft'], null],
    ] as const;
    for (const [label, names, gzipLevel] of runs) {
      await measureAsync(`export: one range, ${label}`, async () => {
        rmSync(partsDir, { recursive: true, force: true });
        const r = await transformRange({
          stagingPath: stagedPath,
          range: { index: 0, lo: 0, hi: Number.MAX_SAFE_INTEGER },
          channels: names.map((key) => ({ key, value: loadChannel(key) })),
          partsDir,
          gzipLevel,
          generatedAt: '2030-01-01T00:00:00.000Z',
        });
        return r.rows;
      });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const result = { machine: machineInfo(), offers, repeat, renderItems: RENDER_ITEMS, peakRssBytes: peakRssBytes(), steps: rows };
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const lines = [
    describeMachine(result.machine),
    `${offers.toLocaleString('en-US')} merchant offers (render: first ${RENDER_ITEMS.toLocaleString('en-US')}), best and median of ${repeat} runs, one thread`,
    '',
    `${'step'.padEnd(40)} ${'records'.padStart(9)} ${'best µs'.padStart(8)} ${'median µs'.padStart(10)} ${'best /s'.padStart(10)}`,
    ...rows.map(
      (r) =>
        `${r.step.padEnd(40)} ${String(r.records).padStart(9)} ${r.bestMicros.toFixed(2).padStart(8)} ${r.medianMicros.toFixed(2).padStart(10)} ${Math.round(1e6 / r.bestMicros).toLocaleString('en-US').padStart(10)}`,
    ),
    '',
    `peak RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
