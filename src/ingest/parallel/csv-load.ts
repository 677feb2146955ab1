/**
 * A parallel CSV load: the ingest thread cuts the raw bytes into record-aligned chunks of about
 * 4 MiB and hands them to shard threads, each of which decodes, parses, maps and inserts into its
 * own staging file; at the end the shard files are merged into the version's file.
 *
 * Why: one thread that parses and maps, feeding one SQLite writer, tops out near 65,000 merchant
 * offers/s here, and the row batches that carry rows between those two threads cost as much as the
 * inserts. Two shards that each do everything for their chunks share nothing but the bytes.
 *
 * Order and determinism: chunks are cut where a `CsvBoundaryScanner` finds a record end, at the
 * last one before each 4 MiB mark, so the cuts depend on the content only, never on read sizes.
 * Chunk `seq` gives its offers oids from `seq * CHUNK_OID_SPAN`: merged, the offers are in source
 * order, whichever shard loaded them. Line numbers and byte offsets are the file's own.
 *
 * For UTF-8 and the single-byte encodings the scanner reads bytes (the delimiter, quote and LF are
 * single bytes there, never part of another character); for UTF-16 it reads 16-bit units, and the
 * bytes are handed on in whole units (an odd byte at the end of a read waits for the next one).
 * Only for profiles whose rows map independently (`independentCsvRows`).
 */
import { FeedmillError } from '../../errors.js';
import { CsvBoundaryScanner, unitValue, type ScanUnits } from '../csv/boundaries.js';
import { MAX_RECORD_CHARS, type CsvDialect } from '../csv/engine.js';
import type { TextEncodingName } from '../decode.js';
import type { ShardChunk, ShardMessage } from './shard-worker.js';
import { ShardSet } from './shards.js';

/** Bytes per chunk: large enough to amortise a message, small enough to balance two threads. */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/** Room past CHUNK_BYTES in a new chunk buffer: the rest carried from the last cut (part of a record). */
const READ_ROOM = 256 * 1024;
const LF = 0x0a;

export interface ParallelCsvOptions {
  /** The version's loading file (see ShardSet). */
  path: string;
  shards: number;
  rejectLimit: number;
  profile: string;
  header: string[];
  dialect: CsvDialect;
  /** UTF-8, UTF-16 or a single-byte encoding (see `isUnitCuttable`). */
  encoding: TextEncodingName;
  defaultCurrency: string | undefined;
  sourceName: string;
  profileOptions: Readonly<Record<string, string>>;
  /** Bytes at the start of the stream that are not data (BOM and header), skipped. */
  skip: number;
  /** Bytes of BOM (decoded offsets start after it). */
  bom: number;
  /** Line of the first data byte. */
  firstLine: number;
  /** Tests cut small files into several chunks. @default CHUNK_BYTES */
  chunkBytes?: number | undefined;
  /** Tests rotate shard segments after a few offers. @default SEGMENT_OFFERS */
  segmentOffers?: number | undefined;
}

export class ParallelCsvLoad extends ShardSet {
  readonly #scanner: CsvBoundaryScanner;
  /** Bytes per code unit: 2 for UTF-16, whose chunks are scanned as 16-bit units. */
  readonly #unit: 1 | 2;
  /** LF as a unit of this encoding (see unitValue). */
  readonly #lf: number;
  /** UTF-16: a read's last byte when the read had an odd length, completed by the next read. */
  #carry: Buffer | undefined;
  readonly #chunkBytes: number;
  readonly #bom: number;
  /** Bytes still to skip at the start of the stream. */
  #skip: number;
  /** Pieces received since the last cut, and their length. */
  #pieces: Buffer[] = [];
  #pendingLen = 0;
  /** Source offset of the last cut (start of the pending bytes), of the last record end seen after it, and of the next mark. */
  #cutAt: number;
  #lastEnd = -1;
  #mark: number;
  #line: number;
  #seq = 0;

  constructor(opts: ParallelCsvOptions) {
    super({
      path: opts.path,
      shards: opts.shards,
      rejectLimit: opts.rejectLimit,
      segmentOffers: opts.segmentOffers,
      setup: {
        kind: 'csv',
        profile: opts.profile,
        header: opts.header,
        dialect: opts.dialect,
        encoding: opts.encoding,
        defaultCurrency: opts.defaultCurrency,
        sourceName: opts.sourceName,
        profileOptions: opts.profileOptions,
      },
    });
    this.#bom = opts.bom;
    this.#skip = opts.skip;
    this.#cutAt = opts.skip;
    const units: ScanUnits = opts.encoding === 'utf-16le' || opts.encoding === 'utf-16be' ? opts.encoding : 'byte';
    this.#unit = units === 'byte' ? 1 : 2;
    this.#lf = unitValue(LF, units);
    // Marks fall on unit boundaries: so do the bytes scanned up to them.
    const chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
    this.#chunkBytes = Math.max(this.#unit, chunkBytes - (chunkBytes % this.#unit));
    this.#mark = this.#cutAt + this.#chunkBytes;
    this.#line = opts.firstLine;
    this.#scanner = new CsvBoundaryScanner(opts.dialect, units);
  }

  /** Takes the next bytes of the (decompressed) source, in order. */
  pushBytes(chunk: Buffer): void {
    this.check();
    let piece = chunk;
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, piece.length);
      piece = piece.subarray(n);
      this.#skip -= n;
    }
    if (this.#unit === 2) piece = this.#wholeUnits(piece);
    let off = 0;
    while (off < piece.length) {
      // Scan up to the next mark at most, so that a cut never depends on how the bytes were read.
      const at = this.#cutAt + this.#pendingLen;
      const end = Math.min(piece.length, off + Math.max(this.#unit, this.#mark - at));
      const found = this.#scan(piece.subarray(0, end), off);
      if (found !== -1) this.#lastEnd = at + (found - off);
      this.#pieces.push(piece.subarray(off, end));
      this.#pendingLen += end - off;
      off = end;
      if (this.#cutAt + this.#pendingLen < this.#mark) continue;
      if (this.#lastEnd > this.#cutAt) {
        this.#cut(this.#lastEnd - this.#cutAt);
        this.#mark = this.#cutAt + this.#chunkBytes;
        continue;
      }
      // No record end since the last cut: one long record (or an unclosed quote).
      this.#mark += this.#chunkBytes;
      if (this.#pendingLen > MAX_RECORD_CHARS * 4) {
        throw new FeedmillError(
          'FEEDMILL_CSV_UNCLOSED_QUOTE',
          `a record starting at line ${this.#line} runs for more than ${MAX_RECORD_CHARS * 4} bytes: a quote is probably never closed there`,
          { line: this.#line, byteOffset: this.#cutAt - this.#bom },
        );
      }
    }
  }

  /** The end of the source: the rest goes out as the last chunk. */
  endBytes(): void {
    this.check();
    if (this.#carry !== undefined) {
      // Half a UTF-16 unit ends the file: the shard's decoder reports it, where one thread would.
      this.#pieces.push(this.#carry);
      this.#pendingLen += this.#carry.length;
      this.#carry = undefined;
    }
    if (this.#pendingLen > 0) this.#cut(this.#pendingLen);
  }

  /** Index just past the last record end in view[from..] (-1: none), in bytes whatever the unit. */
  #scan(view: Buffer, from: number): number {
    if (this.#unit === 1) return this.#scanner.scan(view, from);
    const units = new Uint16Array(view.buffer, view.byteOffset, view.length >> 1);
    const found = this.#scanner.scan(units, from >> 1);
    return found === -1 ? -1 : found * 2;
  }

  /** A UTF-16 read as whole units at an even address (a Uint16Array view needs both). */
  #wholeUnits(piece: Buffer): Buffer {
    let p = piece;
    if (this.#carry !== undefined) {
      p = Buffer.concat([this.#carry, p]);
      this.#carry = undefined;
    }
    if (p.length % 2 === 1) {
      this.#carry = Buffer.from(p.subarray(p.length - 1));
      p = p.subarray(0, p.length - 1);
    }
    return p.byteOffset % 2 === 0 ? p : Buffer.from(p);
  }

  #cut(length: number): void {
    // Room for a chunk plus the read that ends past its mark: a buffer given back fits the next one.
    const all = this.takeBuffer(this.#pendingLen, this.#chunkBytes + READ_ROOM);
    let at = 0;
    for (const p of this.#pieces) at += p.copy(all, at);
    // The rest is copied: the chunk's memory moves to the shard thread.
    const rest = length < this.#pendingLen ? Buffer.from(all.subarray(length, this.#pendingLen)) : undefined;
    const bytes = all.subarray(0, length);
    const chunk: ShardChunk = { seq: this.#seq++, bytes, line: this.#line, sourceByte: this.#cutAt, textByte: this.#cutAt - this.#bom };
    this.#line += this.#unit === 1 ? countLf(bytes) : countLfUnits(bytes, this.#lf);
    this.#cutAt += length;
    this.#pieces = rest === undefined ? [] : [rest];
    this.#pendingLen = rest === undefined ? 0 : rest.length;
    this.dispatch({ chunk } satisfies ShardMessage, [all.buffer as ArrayBuffer]);
  }
}

function countLf(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) n++;
  return n;
}

function countLfUnits(bytes: Buffer, lf: number): number {
  const units = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  let n = 0;
  for (let i = units.indexOf(lf); i !== -1; i = units.indexOf(lf, i + 1)) n++;
  return n;
}
