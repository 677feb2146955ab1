/**
 * The ingest stage: one source → one new catalog version in staging, or a coded error and the
 * previous version untouched.
 *
 * One pass, pulled chunk by chunk (so memory is bounded by a chunk and a record whatever the file
 * size): container → decoder → CSV or XML engine → profile mapper → staging writer. The staging file
 * is written under a temporary name and swapped in by CatalogVersions only when complete.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import type { AppDb } from '../db/index.js';
import { FeedmillError, toFeedmillError } from '../errors.js';
import { CatalogRegistry } from '../catalogs/index.js';
import { checkProfileOptions, optionsTakenBy, PROFILE_OPTIONS } from './profiles/index.js';
import { pruneSources } from './source-retention.js';
import { CatalogVersions, coverageNotes, type LoadSettings, localLoadSink, openForRead, ThreadLoadSink, urlCoverage, type LoadCounts, type LoadSink, type StagingDb } from '../staging/index.js';
import { silentLogger, type Logger } from '../log.js';
import { assertName } from '../names.js';
import { openContainer } from './container.js';
import { isUrl } from './download.js';
import { fetchSource } from '../tasks/fetch-source.js';
import { FetchState } from '../tasks/fetch-state.js';
import { decodeInPieces, decodeSample, detectEncoding, isByteCuttable, isUnitCuttable, singleByteHint, sourceLength, StreamDecoder, type DetectedEncoding, type TextEncodingName } from './decode.js';
import { ParallelCsvLoad } from './parallel/csv-load.js';
import { ParallelXmlLoad } from './parallel/xml-load.js';
import { CsvEngine, type CsvDialect, type CsvRecordSink } from './csv/engine.js';
import { csvRowHandler } from './csv/rows.js';
import { byteScannable, readHeader } from './csv/header.js';
import { XmlEngine } from './xml/engine.js';
import { firstXmlError } from './xml/first-error.js';
import { XmlRecordScanner } from './xml/record-scanner.js';
import { assertHeader, excelSepDelimiter, sniffDialect, sniffFormat, type SourceFormat } from './sniff.js';
import type { CsvMapper, Profile, ProfileContext, ProfileSink, XmlMapper } from './profile.js';
import { selectCsvProfile, selectXmlProfile } from './select-profile.js';
import { DEFAULT_CURRENCY } from '../money.js';

export interface IngestOptions {
  config: Config;
  db: AppDb;
  catalog: string;
  /** A local file path (URLs are downloaded first by `fetchSource`). */
  source: string;
  /** Profile name or 'auto' (default: the catalog's profile, else auto). */
  profile?: string | undefined;
  /** key=value options of the profile (e.g. magento2 base-url). */
  profileOptions?: Readonly<Record<string, string>> | undefined;
  /** Currency of prices that carry none. */
  currency?: string | undefined;
  /** Force an encoding instead of detecting it. */
  encoding?: string | undefined;
  /**
   * The charset the server or the uploader declared (`Content-Type: text/csv; charset=ISO-8859-2`):
   * used only where the bytes cannot tell (see decode.ts); an unknown or Unicode charset is ignored.
   */
  encodingHint?: string | undefined;
  /** Force a CSV delimiter instead of sniffing it. */
  delimiter?: string | undefined;
  rejectLimit?: number | undefined;
  /** Create the catalog when it does not exist (the CLI does; the server does not). */
  createCatalog?: boolean | undefined;
  /** Inserts on a second thread (default: for sources over 16 MB whose profile allows it). */
  writerThread?: boolean | undefined;
  /**
   * Load by several threads at once (src/ingest/parallel): a UTF-8 CSV, or an XML feed, whose
   * profile maps records independently. Default: for sources over 64 MB when config.ingestShards > 1;
   * an object forces it (tests use small chunks and batches).
   */
  parallel?: boolean | { shards?: number; chunkBytes?: number; batchRecords?: number; segmentOffers?: number } | undefined;
  /** The name to record for the source (an upload's original name). */
  sourceName?: string | undefined;
  signal?: AbortSignal | undefined;
  progress?: ((p: IngestProgress) => void) | undefined;
  log?: Logger | undefined;
}

export interface IngestProgress {
  bytesRead: number;
  totalBytes: number;
  records: number;
}

export interface IngestResult extends LoadCounts {
  catalog: string;
  version: number;
  profile: string;
  format: SourceFormat;
  container: string;
  encoding: string;
  /** Size of the source file as stored (compressed). */
  bytes: number;
  seconds: number;
  /** Advisories about the staged version (e.g. no offer has a link), for the summary and the log. */
  notes: string[];
}

/** The first chunk must be at least this large to sniff encoding, format and CSV dialect reliably. */
const SNIFF_BYTES = 64 * 1024;
/** Smaller sources are loaded on the ingest thread: a writer thread costs ~0.3 s to start. */
const WRITER_THREAD_MIN_BYTES = 16 * 1024 * 1024;
/** Errors of malformed XML: after a byte-scanned parallel load, re-derived by a validating pass. */
const STRUCTURAL_XML_ERRORS: ReadonlySet<string> = new Set(['FEEDMILL_XML_MALFORMED', 'FEEDMILL_XML_DOCTYPE', 'FEEDMILL_ENCODING_INVALID']);
/** Smaller sources load on one thread: starting shard threads and merging their files costs ~0.5 s. */
const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;
/** Progress callbacks at most every this many records. */
const PROGRESS_EVERY = 50_000;

export async function ingestFile(opts: IngestOptions): Promise<IngestResult> {
  const started = process.hrtime.bigint();
  const log = (opts.log ?? silentLogger).child({ catalog: opts.catalog, stage: 'ingest' });
  assertName(opts.catalog, 'catalog');
  const sourcePath = resolve(opts.source);
  const info = await stat(sourcePath).catch((e: unknown) => {
    throw new FeedmillError('FEEDMILL_SOURCE_NOT_FOUND', `cannot read the source ${opts.source}: ${(e as Error).message}`, { source: opts.source }, { cause: e });
  });
  if (!info.isFile()) throw new FeedmillError('FEEDMILL_SOURCE_NOT_FOUND', `the source ${opts.source} is not a file`, { source: opts.source });
  if (info.size === 0) throw new FeedmillError('FEEDMILL_SOURCE_EMPTY', `the source ${opts.source} is empty; check that the export did not fail`, { source: opts.source });

  const registry = new CatalogRegistry(opts.db);
  let catalog = registry.find(opts.catalog);
  if (!catalog) {
    if (!opts.createCatalog) registry.get(opts.catalog); // throws FEEDMILL_CATALOG_UNKNOWN
    // A catalog made by its first load keeps what that load was told, for the loads after it.
    checkProfileOptions(opts.profile ?? 'auto', opts.profileOptions ?? {});
    catalog = registry.add({ name: opts.catalog, profile: opts.profile ?? 'auto', currency: opts.currency ?? null, profileOptions: opts.profileOptions ?? {} });
  }
  const profileName = opts.profile ?? catalog.profile;
  const currency = opts.currency ?? catalog.currency ?? DEFAULT_CURRENCY;
  // The catalog's stored options (those the profile of this load takes), each overridden by one given
  // to this load; options given explicitly must all suit the profile.
  const profileOptions = { ...optionsTakenBy(profileName, catalog.profileOptions), ...opts.profileOptions };
  checkProfileOptions(profileName, profileOptions);
  const loadSettings: LoadSettings = { profile: profileName, profileOptions, currency };
  if (opts.encoding !== undefined) loadSettings.encoding = opts.encoding;
  const encodingHint = singleByteHint(opts.encodingHint);
  if (encodingHint !== undefined) loadSettings.encodingHint = encodingHint;
  if (opts.delimiter !== undefined) loadSettings.delimiter = opts.delimiter;
  const versions = new CatalogVersions(opts.db, opts.config);
  const version = versions.begin(opts.catalog, { sourcePath, sourceName: opts.sourceName ?? basename(sourcePath), profile: profileName, loadSettings });
  log.info('ingest started', { version: version.version, source: basename(sourcePath), bytes: info.size });

  const sourceName = opts.sourceName ?? basename(sourcePath);
  const rejectLimit = opts.rejectLimit ?? opts.config.rejectLimit;
  // The sink is opened once the profile is known (CSV header, XML root): profiles that keep side
  // tables in the staging DB get a local writer; large sources otherwise get a writer thread.
  let sink: LoadSink | undefined;
  const openSink = (profile: Profile): LoadSink => {
    const threaded = opts.writerThread ?? (info.size >= WRITER_THREAD_MIN_BYTES && profile.needsStagingDb !== true);
    sink ??= threaded ? new ThreadLoadSink(version.loadingPath, rejectLimit) : localLoadSink(version.loadingPath, rejectLimit);
    return sink;
  };
  const writer: ProfileSink = {
    product: (p) => (sink as LoadSink).product(p),
    offer: (pid, o, line) => (sink as LoadSink).offer(pid, o, line),
    standaloneOffer: (p, o, line) => (sink as LoadSink).standaloneOffer(p, o, line),
    acceptWithoutOffer: () => (sink as LoadSink).acceptWithoutOffer(),
    reject: (r) => (sink as LoadSink).reject(r),
  };
  const container = await openContainer(sourcePath, opts.config.maxInflatedBytes).catch((e: unknown) => {
    versions.fail(version, toFeedmillError(e));
    throw e;
  });
  /** `open: false`: a context to check a header with, before the load is set up. */
  const contextFor = (profile: Profile, open = true): ProfileContext => {
    const opened = open ? openSink(profile) : undefined;
    return {
      defaultCurrency: currency,
      sourceName,
      fileName: container.kind === 'zip' && container.entryName !== undefined ? basename(container.entryName) : sourceName,
      get db(): StagingDb {
        if (opened?.db === undefined) throw new FeedmillError('FEEDMILL_INTERNAL', `profile ${profile.name} uses the staging DB: declare needsStagingDb`);
        return opened.db;
      },
      // Companions come from the archive when the source is a zip holding them, else from beside it.
      readSibling: (rel) => (container.sibling !== undefined ? container.sibling(rel) : readSibling(dirname(sourcePath), rel)),
      options: optionsTakenBy(profile.name, profileOptions),
    };
  };
  /** Never fails the ingest: a source left behind is only disk space. */
  const keepRecentSources = () => {
    try {
      const removed = pruneSources(opts.db, opts.config, opts.catalog);
      if (removed.length > 0) log.info('old sources deleted', { files: removed.length });
    } catch (e) {
      log.warn('could not delete old sources', { error: (e as Error).message });
    }
  };
  let chosenProfile = profileName;
  /** True once records went to the shards as bytes found by the XML byte scanner. */
  let scannedXml = false;
  let format: SourceFormat = 'csv';
  let encoding = '';
  try {
    let input: Input | undefined;
    let pendingHead: Buffer | undefined;
    let nextProgress = PROGRESS_EVERY;
    for await (const raw of container.stream as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) throw new FeedmillError('FEEDMILL_INGEST_ABORTED', 'the ingest was canceled', { catalog: opts.catalog });
      let chunk = raw;
      if (input === undefined) {
        // Gather enough bytes to sniff encoding, format and dialect from one sample.
        pendingHead = pendingHead ? Buffer.concat([pendingHead, chunk]) : chunk;
        if (pendingHead.length < SNIFF_BYTES) continue;
        chunk = pendingHead;
        pendingHead = undefined;
        input = start(chunk);
      }
      input.feed(chunk);
      await sink?.drain();
      if (input.records() >= nextProgress) {
        nextProgress = input.records() + PROGRESS_EVERY;
        opts.progress?.({ bytesRead: container.compressedBytesRead(), totalBytes: info.size, records: input.records() });
      }
    }
    if (input === undefined) {
      if (pendingHead === undefined || pendingHead.length === 0) {
        throw new FeedmillError('FEEDMILL_SOURCE_EMPTY', `the source ${sourceName} holds no data once decompressed`, { source: sourceName });
      }
      input = start(pendingHead);
      input.feed(pendingHead);
    }
    const mapper = input.end();
    if (sink === undefined) throw new FeedmillError('FEEDMILL_CSV_NO_HEADER', `${sourceName} has no header row or root element`, {});
    const counts = await sink.finish(mapper?.finish ? (db) => mapper.finish?.(db) : undefined);
    opts.progress?.({ bytesRead: info.size, totalBytes: info.size, records: input.records() });
    if (counts.accepted === 0) {
      throw new FeedmillError(
        'FEEDMILL_INGEST_NO_RECORDS',
        `no record of ${sourceName} was accepted (${counts.rejected} rejected: ${summarize(counts.rejectsByCode)}); the previous version stays current`,
        { seen: counts.seen, rejected: counts.rejected, rejectsByCode: counts.rejectsByCode },
      );
    }
    versions.describe(version, { format, container: container.kind, encoding, profile: chosenProfile });
    versions.commit(version, counts);
    keepRecentSources();
    const notes = stagedNotes(version.stagingPath, chosenProfile, profileOptions);
    for (const note of notes) log.warn(note, { version: version.version });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    log.info('ingest done', { version: version.version, ...counts, seconds });
    return {
      catalog: opts.catalog,
      version: version.version,
      profile: chosenProfile,
      format,
      container: container.kind,
      encoding,
      bytes: info.size,
      seconds,
      notes,
      ...counts,
    };
  } catch (e) {
    let err = toFeedmillError(e);
    await sink?.abort();
    if (scannedXml && STRUCTURAL_XML_ERRORS.has(err.code)) {
      // The shards parsed records that only the byte scanner had seen: one validating pass finds
      // the error, line and column a one-thread load reports.
      const exact = await firstXmlError(sourcePath, {
        maxInflatedBytes: opts.config.maxInflatedBytes,
        encoding: opts.encoding,
        encodingHint,
        recordTest: (name, attrs) => {
          const chosen = selectXmlProfile(profileName, name, attrs);
          const mapper = (chosen.xml as NonNullable<typeof chosen.xml>)(name, Object.assign(contextFor(chosen, false), { xmlRoot: { name, attrs } }));
          return (n, d) => mapper.isRecord(n, d);
        },
      }).catch(() => undefined);
      if (exact !== undefined) err = exact;
    }
    versions.fail(version, err);
    keepRecentSources();
    log.warn('ingest failed', { version: version.version, code: err.code, error: err.message });
    throw err;
  } finally {
    await container.close();
  }

  function start(head: Buffer): Input {
    const detected = detectEncoding(head.subarray(0, SNIFF_BYTES), opts.encoding, encodingHint);
    const decoder = new StreamDecoder(detected);
    encoding = detected.encoding;
    const sample = decodeSample(head.subarray(0, SNIFF_BYTES), detected.encoding);
    format = sniffFormat(sample, head);
    const textInput = (push: (text: string, textBytes?: number) => void, end: () => CsvMapper | XmlMapper | undefined, records: () => number): Input => ({
      feed: (chunk) => feed(decoder, chunk, push),
      end: () => {
        push(decoder.end());
        return end();
      },
      records,
    });
    if (format === 'xml') {
      let parallel: ParallelXmlLoad | undefined;
      let rootSeen = false;
      // A parallel-eligible UTF-8 or single-byte source is read by a byte scanner that finds the
      // records, so that saxes here only reads what lies outside them (see xml/record-scanner.ts).
      const enc = detected.encoding;
      const scanner = parallelWanted() !== false && isByteCuttable(enc) ? new XmlRecordScanner(undefined, enc) : undefined;
      const engine: XmlEngine = new XmlEngine((name, attrs) => {
        rootSeen = true;
        const chosen = selectXmlProfile(profileName, name, attrs);
        chosenProfile = chosen.name;
        parallel = parallelXml(chosen, name, attrs, enc);
        const mapper = (chosen.xml as NonNullable<typeof chosen.xml>)(name, Object.assign(contextFor(chosen, parallel === undefined), { xmlRoot: { name, attrs } }));
        if (parallel !== undefined) {
          engine.forwardRecords(parallel, scanner !== undefined ? 'scanned' : 'text');
          if (scanner !== undefined) {
            scanner.setRecordTest((n, d) => mapper.isRecord(n, d));
            scannedXml = true;
          }
        }
        return mapper;
      }, writer);
      const push = (t: string) => engine.push(t);
      const finish = () => {
        engine.end();
        parallel?.end();
        return engine.mapper;
      };
      const records = () => parallel?.records ?? engine.records;
      if (scanner === undefined) return textInput(push, finish, records);
      // Once the root shows that this load is not parallel after all, bytes go straight to saxes.
      let direct = false;
      const pump = () => {
        for (let o = scanner.next(); o !== undefined; o = scanner.next()) {
          if (o.kind === 'outer') feed(decoder, o.bytes, push);
          else {
            (parallel as ParallelXmlLoad).queueBytes(o.bytes);
            engine.scannedRecord(o);
          }
          if (rootSeen && parallel === undefined) {
            direct = true;
            feed(decoder, scanner.takeRest(), push);
            return;
          }
        }
      };
      return {
        feed: (chunk) => {
          if (direct) feed(decoder, chunk, push);
          else {
            scanner.push(chunk);
            pump();
          }
        },
        end: () => {
          if (!direct) {
            scanner.end();
            pump();
          }
          push(decoder.end());
          return finish();
        },
        records,
      };
    }
    // An Excel `sep=;` hint line names the delimiter; it is a record of the engine, skipped below.
    const sep = excelSepDelimiter(sample);
    const dialect = sniffDialect(sample, opts.delimiter ?? sep);
    const preamble = sep === undefined ? 0 : 1;
    const parallel = parallelInput(head, detected, dialect, preamble);
    if (parallel !== undefined) return parallel;
    let mapper: CsvMapper | undefined;
    let rowHandler: CsvRecordSink = () => undefined;
    let skip = preamble;
    const measure = { measure: sourceLength(detected.encoding) };
    const engine: CsvEngine = new CsvEngine(dialect, (fields, line, raw) => {
      if (skip > 0) {
        skip--;
        return;
      }
      if (mapper === undefined) {
        assertHeader(fields, line);
        const chosen = selectCsvProfile(profileName, fields);
        chosenProfile = chosen.name;
        mapper = (chosen.csv as NonNullable<typeof chosen.csv>)(fields, contextFor(chosen));
        rowHandler = csvRowHandler(fields.length, mapper, writer, () => engine.recordByteOffset());
        return;
      }
      rowHandler(fields, line, raw);
    }, measure);
    return textInput(
      (t, textBytes) => engine.push(t, textBytes),
      () => {
        engine.end();
        if (mapper === undefined) throw new FeedmillError('FEEDMILL_CSV_NO_HEADER', `${sourceName} has no header row`, {});
        return mapper;
      },
      // The header (and a sep= line) are records of the engine but not of the catalog.
      () => Math.max(0, engine.records - 1 - preamble),
    );
  }

  /** Whether this source may load in parallel (size, config, options), before the format's own conditions. */
  function parallelWanted(): boolean | { shards?: number; chunkBytes?: number; batchRecords?: number; segmentOffers?: number } {
    if (opts.writerThread === false) return false;
    return opts.parallel ?? (info.size >= PARALLEL_MIN_BYTES && opts.config.ingestShards > 1);
  }

  function shardCount(wanted: boolean | { shards?: number }): number {
    return typeof wanted === 'object' ? (wanted.shards ?? 2) : Math.max(2, opts.config.ingestShards);
  }

  /** A parallel XML load (src/ingest/parallel/xml-load.ts) when the profile's records map independently. */
  function parallelXml(chosen: Profile, name: string, attrs: Readonly<Record<string, string>>, encoding: TextEncodingName): ParallelXmlLoad | undefined {
    const wanted = parallelWanted();
    if (wanted === false || chosen.independentXmlRecords !== true) return undefined;
    const load = new ParallelXmlLoad({
      path: version.loadingPath,
      shards: shardCount(wanted),
      rejectLimit,
      setup: {
        kind: 'xml',
        profile: chosen.name,
        root: { name, attrs: { ...attrs } },
        encoding,
        defaultCurrency: currency,
        sourceName,
        profileOptions: optionsTakenBy(chosen.name, profileOptions),
      },
      batchRecords: typeof wanted === 'object' ? wanted.batchRecords : undefined,
      segmentOffers: typeof wanted === 'object' ? wanted.segmentOffers : undefined,
    });
    sink = load;
    return load;
  }

  /**
   * A parallel load (src/ingest/parallel) when the source is a large CSV (UTF-8, UTF-16 or a
   * single-byte encoding) and its profile maps rows independently; undefined otherwise. The header
   * is parsed here, from the sniffed head.
   */
  function parallelInput(head: Buffer, detected: DetectedEncoding, dialect: CsvDialect, preamble: number): Input | undefined {
    const wanted = parallelWanted();
    if (wanted === false || !isUnitCuttable(detected.encoding) || !byteScannable(dialect)) return undefined;
    const header = readHeader(head, detected, dialect, preamble);
    if (header === undefined) return undefined;
    assertHeader(header.fields, header.line);
    const chosen = selectCsvProfile(profileName, header.fields);
    if (chosen.independentCsvRows !== true) return undefined;
    chosenProfile = chosen.name;
    // The profile checks the header here, so that a mismatch fails before any thread starts.
    (chosen.csv as NonNullable<typeof chosen.csv>)(header.fields, contextFor(chosen, false));
    const load = new ParallelCsvLoad({
      path: version.loadingPath,
      shards: shardCount(wanted),
      rejectLimit,
      profile: chosen.name,
      header: header.fields,
      dialect,
      encoding: detected.encoding,
      defaultCurrency: currency,
      sourceName,
      profileOptions: optionsTakenBy(chosen.name, profileOptions),
      skip: header.dataStart,
      bom: detected.bom,
      firstLine: header.dataLine,
      chunkBytes: typeof wanted === 'object' ? wanted.chunkBytes : undefined,
      segmentOffers: typeof wanted === 'object' ? wanted.segmentOffers : undefined,
    });
    sink = load;
    return {
      feed: (chunk) => load.pushBytes(chunk),
      end: () => {
        load.endBytes();
        return undefined;
      },
      records: () => load.records,
    };
  }
}

function feed(decoder: StreamDecoder, chunk: Buffer, push: ((text: string, textBytes: number | undefined) => void) | undefined): void {
  if (push !== undefined) decodeInPieces(decoder, chunk, push);
}

/** How the loop hands bytes to the parser: decoded text (one thread) or raw bytes (parallel). */
interface Input {
  feed(chunk: Buffer): void;
  /** After the last chunk; returns the mapper to finish (side tables), if any. */
  end(): CsvMapper | XmlMapper | undefined;
  records(): number;
}

function readSibling(dir: string, rel: string): Buffer | undefined {
  const path = resolve(dir, rel);
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function summarize(byCode: Partial<Record<string, number>>): string {
  const parts = Object.entries(byCode).map(([k, v]) => `${k} ${v}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/**
 * `ingestFile` for a local path or an http(s) URL, downloaded first into the data dir by the same
 * `fetchSource` the fetch tasks use: idle timeout, size cap, credentials in a header, an atomic
 * file, and a conditional GET (an unchanged catalog is read again from the kept copy).
 */
export async function ingestSource(opts: IngestOptions): Promise<IngestResult> {
  if (!isUrl(opts.source)) return ingestFile(opts);
  const fetched = await fetchSource(
    { catalog: opts.catalog, url: opts.source },
    { config: opts.config, state: new FetchState(opts.db), signal: opts.signal ?? new AbortController().signal, now: Date.now },
  );
  return ingestFile({ ...opts, source: fetched.path, sourceName: opts.sourceName ?? sourceNameOf(opts.source), encodingHint: opts.encodingHint ?? fetched.charset });
}

/** The URL's last path segment, for messages: never its credentials or query. */
function sourceNameOf(url: string): string {
  return new URL(url).pathname.split('/').pop() || 'catalog';
}

/** The result as plain JSON: what `ingest --json` prints and what an ingest task stores. */
export function ingestReport(r: IngestResult) {
  return {
    catalog: r.catalog,
    version: r.version,
    seen: r.seen,
    accepted: r.accepted,
    rejected: r.rejected,
    rejectsByCode: r.rejectsByCode as Record<string, number>,
    products: r.products,
    offers: r.offers,
    profile: r.profile,
    format: r.format,
    container: r.container,
    encoding: r.encoding,
    bytes: r.bytes,
    seconds: Number(r.seconds.toFixed(3)),
    notes: r.notes,
  };
}

/**
 * What the staged version lacks that channels need (see staging/url-coverage.ts). Advisory: it runs
 * after the version is committed, so it must never turn a published load into a failed one.
 */
function stagedNotes(stagingPath: string, profile: string, options: Readonly<Record<string, string>>): string[] {
  let db: StagingDb | undefined;
  try {
    db = openForRead(stagingPath);
    const takesBaseUrl = PROFILE_OPTIONS[profile]?.some((o) => o.key === 'base-url') === true;
    const hint = takesBaseUrl && options['base-url'] === undefined
      ? `the ${profile} profile builds links and images from the shop's address: add --profile-option base-url=https://your-shop.example`
      : undefined;
    return coverageNotes(urlCoverage(db), hint);
  } catch {
    return [];
  } finally {
    db?.close();
  }
}
