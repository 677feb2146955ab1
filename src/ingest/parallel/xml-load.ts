/**
 * A parallel XML load: the ingest thread's parser still reads the whole document (so errors, lines
 * and paths are exactly those of a one-thread load) but hands each record over as source text; the
 * shard threads parse batches of records again, map and insert them (shard-worker.ts), and the
 * shard files are merged like a CSV load's. Only for profiles whose records map independently
 * (`independentXmlRecords`: the Google feed).
 *
 * Why: on one thread an RSS ingest spends about a quarter of its time in the XML tokenizer and most
 * of the rest building each item's node tree, mapping it and batching rows; those parts now run on
 * every core.
 */
import type { RecordForwarder } from '../xml/engine.js';
import { ShardSet, type ShardSetOptions } from './shards.js';
import type { ShardMessage } from './shard-worker.js';

/** A batch: enough records to amortise a message, few enough to balance the shards. */
export const BATCH_RECORDS = 250;
const BATCH_CHARS = 4 * 1024 * 1024;
/** Bytes of a new batch buffer: a typical batch (250 items of ~1.4 KB) and then some, reused. */
const BATCH_ROOM = 512 * 1024;

export class ParallelXmlLoad extends ShardSet implements RecordForwarder {
  readonly #batchRecords: number;
  #texts: string[] = [];
  #lines: number[] = [];
  #paths: string[] = [];
  #chars = 0;
  #seq = 0;
  /** Byte mode: record elements found by the byte scanner, waiting for their line and path. */
  readonly #queued: Buffer[] = [];
  #bytes: Buffer[] = [];

  /** `batchRecords`: tests cut small files into several batches. */
  constructor(opts: ShardSetOptions & { batchRecords?: number | undefined }) {
    super(opts);
    this.#batchRecords = opts.batchRecords ?? BATCH_RECORDS;
  }

  /**
   * Byte mode: the next record element's bytes, from the byte scanner; its line and path follow
   * through `record()` once the engine has placed it (`XmlEngine.scannedRecord`; the text passed
   * there is then empty and ignored).
   */
  queueBytes(bytes: Buffer): void {
    this.#queued.push(bytes);
  }

  record(text: string, line: number, path: string): void {
    this.check();
    const bytes = this.#queued.shift();
    if (bytes !== undefined) {
      this.#bytes.push(bytes);
      this.#chars += bytes.length;
    } else {
      this.#texts.push(text);
      this.#chars += text.length;
    }
    this.#lines.push(line);
    this.#paths.push(path);
    if (this.#lines.length >= this.#batchRecords || this.#chars >= BATCH_CHARS) this.#flush();
  }

  /** After the document's end: the last records go out. */
  end(): void {
    this.#flush();
  }

  #flush(): void {
    if (this.#lines.length === 0) return;
    if (this.#bytes.length > 0) {
      // A buffer of its own (never a slice of Node's shared pool): it is transferred, not copied.
      const all = this.takeBuffer(this.#chars, BATCH_ROOM);
      const ends: number[] = [];
      let at = 0;
      for (const b of this.#bytes) ends.push((at += b.copy(all, at)));
      this.dispatch({ xml: { seq: this.#seq++, bytes: all, ends, lines: this.#lines, paths: this.#paths } } satisfies ShardMessage, [all.buffer as ArrayBuffer]);
    } else {
      this.dispatch({ xml: { seq: this.#seq++, texts: this.#texts, lines: this.#lines, paths: this.#paths } } satisfies ShardMessage);
    }
    this.#texts = [];
    this.#bytes = [];
    this.#lines = [];
    this.#paths = [];
    this.#chars = 0;
  }
}
