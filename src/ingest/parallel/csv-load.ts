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
 * Only for UTF-8 (the scanner reads bytes: the delimiter, quote and LF are single bytes there)
 * and for profiles whose rows map independently (`independentCsvRows`).
 */
import { rmSync } from 'node:fs';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { FeedmillError } from '../../errors.js';
import { fromThread, type LoadSink } from '../../staging/load-sink.js';
import { StagingWriter, type LoadCounts } from '../../staging/writer.js';
import { siblingWorkerFile } from '../../worker-file.js';
import { CsvBoundaryScanner } from '../csv/boundaries.js';
import { MAX_RECORD_CHARS, type CsvDialect } from '../csv/engine.js';
import type { ShardAck, ShardChunk, ShardMessage, ShardTask } from './shard-worker.js';

/** Bytes per chunk: large enough to amortise a message, small enough to balance two threads. */
export const CHUNK_BYTES = 4 * 1024 * 1024;
/** Chunks queued per shard before the reader waits. */
const IN_FLIGHT_PER_SHARD = 2;
const LF = 0x0a;

export interface ParallelCsvOptions {
  /** The version's loading file: shard 0 writes it, the others are merged into it. */
  path: string;
  shards: number;
  rejectLimit: number;
  profile: string;
  header: string[];
  dialect: CsvDialect;
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
}

interface Shard {
  path: string;
  port: MessagePort;
  done: Promise<LoadCounts | null>;
  inFlight: number;
  records: number;
  rejected: number;
}

export class ParallelCsvLoad implements LoadSink {
  readonly db = undefined;
  readonly #opts: ParallelCsvOptions;
  readonly #pool: Piscina;
  readonly #shards: Shard[];
  readonly #scanner: CsvBoundaryScanner;
  readonly #chunkBytes: number;
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
  #failure: FeedmillError | undefined;
  #waiter: (() => void) | undefined;
  #closed = false;

  constructor(opts: ParallelCsvOptions) {
    this.#opts = opts;
    this.#skip = opts.skip;
    this.#cutAt = opts.skip;
    this.#chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
    this.#mark = this.#cutAt + this.#chunkBytes;
    this.#line = opts.firstLine;
    this.#scanner = new CsvBoundaryScanner(opts.dialect);
    const { filename, execArgv } = siblingWorkerFile(import.meta.url, 'shard-worker');
    this.#pool = new Piscina({ filename, execArgv, minThreads: opts.shards, maxThreads: opts.shards, concurrentTasksPerWorker: 1, idleTimeout: 1000 });
    this.#shards = Array.from({ length: opts.shards }, (_, i) => this.#startShard(i === 0 ? opts.path : `${opts.path}.shard${i}`));
  }

  #startShard(path: string): Shard {
    const { port1, port2 } = new MessageChannel();
    const o = this.#opts;
    const task: ShardTask = {
      path,
      rejectLimit: o.rejectLimit,
      profile: o.profile,
      header: o.header,
      dialect: o.dialect,
      defaultCurrency: o.defaultCurrency,
      sourceName: o.sourceName,
      profileOptions: o.profileOptions,
      port: port2,
    };
    const shard: Shard = { path, port: port1, done: Promise.resolve(null), inFlight: 0, records: 0, rejected: 0 };
    port1.on('message', (m: ShardAck) => {
      shard.inFlight--;
      shard.records = m.records;
      shard.rejected = m.rejected;
      const rejected = this.#shards.reduce((n, s) => n + s.rejected, 0);
      if (rejected > o.rejectLimit && this.#failure === undefined) {
        this.#failure = new FeedmillError(
          'FEEDMILL_INGEST_REJECT_LIMIT',
          `more than ${o.rejectLimit} records were rejected; fix the source or raise --reject-limit (\`feedmill rejects\` lists them once a load completes)`,
          { rejectLimit: o.rejectLimit, rejected },
        );
      }
      this.#wake();
    });
    shard.done = (this.#pool.run(task, { transferList: [port2] }) as Promise<LoadCounts | null>).catch((err: unknown) => {
      this.#failure ??= fromThread(err);
      this.#wake();
      throw this.#failure;
    });
    shard.done.catch(() => {}); // observed through #failure and finish()
    return shard;
  }

  /** Records parsed so far (for progress). */
  get records(): number {
    return this.#shards.reduce((n, s) => n + s.records, 0);
  }

  /** Takes the next bytes of the (decompressed) source, in order. */
  pushBytes(chunk: Buffer): void {
    this.#check();
    let piece = chunk;
    if (this.#skip > 0) {
      const n = Math.min(this.#skip, piece.length);
      piece = piece.subarray(n);
      this.#skip -= n;
    }
    let off = 0;
    while (off < piece.length) {
      // Scan up to the next mark at most, so that a cut never depends on how the bytes were read.
      const at = this.#cutAt + this.#pendingLen;
      const end = Math.min(piece.length, off + Math.max(1, this.#mark - at));
      const view = piece.subarray(0, end);
      const found = this.#scanner.scan(view, off);
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
          { line: this.#line, byteOffset: this.#cutAt - this.#opts.bom },
        );
      }
    }
  }

  /** The end of the source: the rest goes out as the last chunk. */
  endBytes(): void {
    this.#check();
    if (this.#pendingLen > 0) this.#cut(this.#pendingLen);
  }

  #cut(length: number): void {
    const all = Buffer.concat(this.#pieces, this.#pendingLen);
    // The rest is copied: the chunk's memory moves to the shard thread.
    const rest = length < all.length ? Buffer.from(all.subarray(length)) : undefined;
    const bytes = all.subarray(0, length);
    const chunk: ShardChunk = { seq: this.#seq++, bytes, line: this.#line, sourceByte: this.#cutAt, textByte: this.#cutAt - this.#opts.bom };
    this.#line += countLf(bytes);
    this.#cutAt += length;
    this.#pieces = rest === undefined ? [] : [rest];
    this.#pendingLen = rest === undefined ? 0 : rest.length;
    // The least busy shard takes it: chunk oids keep the order whichever shard loads them.
    let target = this.#shards[0] as Shard;
    for (const s of this.#shards) if (s.inFlight < target.inFlight) target = s;
    target.inFlight++;
    target.port.postMessage({ chunk } satisfies ShardMessage, [all.buffer as ArrayBuffer]);
  }

  async drain(): Promise<void> {
    while (this.#inFlight() > IN_FLIGHT_PER_SHARD * this.#shards.length && this.#failure === undefined) await this.#wait();
    this.#check();
  }

  /** Waits for every chunk, closes the shards and merges them into the version's file. */
  async finish(): Promise<LoadCounts> {
    while (this.#inFlight() > 0 && this.#failure === undefined) await this.#wait();
    this.#check();
    this.#closed = true;
    try {
      for (const s of this.#shards) s.port.postMessage({ finish: true } satisfies ShardMessage);
      const counts = (await Promise.all(this.#shards.map((s) => s.done))) as LoadCounts[];
      const merged = new StagingWriter(this.#opts.path, { rejectLimit: this.#opts.rejectLimit, resume: counts[0] as LoadCounts });
      try {
        merged.appendShards(this.#shards.slice(1).map((s) => s.path), counts.slice(1));
        return merged.finish();
      } catch (e) {
        merged.abort();
        throw e;
      }
    } finally {
      await this.#pool.destroy();
      this.#removeShardFiles();
    }
  }

  async abort(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#shards) s.port.postMessage({ abort: true } satisfies ShardMessage);
    await Promise.allSettled(this.#shards.map((s) => s.done));
    await this.#pool.destroy();
    this.#removeShardFiles();
  }

  product(): number {
    throw notHere();
  }
  offer(): void {
    throw notHere();
  }
  standaloneOffer(): void {
    throw notHere();
  }
  acceptWithoutOffer(): void {
    throw notHere();
  }
  reject(): void {
    throw notHere();
  }

  /** Shard 0 is the version's loading file, which the version bookkeeping removes on failure. */
  #removeShardFiles(): void {
    for (const s of this.#shards.slice(1)) rmSync(s.path, { force: true });
  }

  #inFlight(): number {
    return this.#shards.reduce((n, s) => n + s.inFlight, 0);
  }

  #check(): void {
    if (this.#failure) throw this.#failure;
  }

  #wait(): Promise<void> {
    return new Promise<void>((resolve) => (this.#waiter = resolve));
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }
}

function notHere(): FeedmillError {
  return new FeedmillError('FEEDMILL_INTERNAL', 'a parallel CSV load takes bytes, not rows');
}

function countLf(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) n++;
  return n;
}
