/**
 * Writes one part file inside a worker: rendered item text, batched into large writes; when the
 * feed is gzipped the part is one complete gzip member (zlib stream, finished on close), so the main
 * thread can concatenate parts without touching their content.
 *
 * Backpressure: `write()` resolves only when the stream below has room again, so a worker never
 * holds more than about one chunk plus the stream's buffer in memory, whatever the part size.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';

/** Bytes gathered before a write; a chunk is handed to the stream and a fresh one started. */
const CHUNK_BYTES = 1 << 20;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_PER_UNIT = 3;

export interface PartStats {
  /** Bytes on disk. */
  bytes: number;
  /** Uncompressed bytes. */
  rawBytes: number;
}

export class PartWriter {
  readonly path: string;
  readonly #file: WriteStream;
  readonly #head: WriteStream | Gzip;
  // Item text is encoded straight into a chunk: no joined intermediate string, one copy.
  #chunk: Buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  /**
   * Chunks the stream has finished with, reused: a fresh 1 MiB allocation per flush is fresh pages
   * for the kernel to fault in and zero, about 1,100 times for a 1.1 GB feed per worker.
   */
  readonly #free: Buffer[] = [];
  #used = 0;
  #rawBytes = 0;

  constructor(path: string, gzipLevel: number | null) {
    this.path = path;
    this.#file = createWriteStream(path, { flags: 'wx', highWaterMark: CHUNK_BYTES });
    if (gzipLevel === null) {
      this.#head = this.#file;
    } else {
      // memLevel 9 (zlib's largest hash table, 256 KiB more than the default 8): the same bytes
      // out at level 3, 487-548 MB/s of a Google feed against 418-529 (docs/performance.md).
      const gz = createGzip({ level: gzipLevel, memLevel: 9, chunkSize: 1 << 16 });
      gz.pipe(this.#file);
      this.#head = gz;
    }
  }

  /** Adds text; returns a promise only when a full chunk met a full stream (wait before writing more). */
  write(text: string): Promise<void> | undefined {
    if (text.length * MAX_UTF8_PER_UNIT <= CHUNK_BYTES - this.#used) {
      this.#used += this.#chunk.write(text, this.#used, 'utf8');
      return undefined;
    }
    const flushed = this.#flush();
    if (text.length * MAX_UTF8_PER_UNIT <= CHUNK_BYTES) {
      this.#used = this.#chunk.write(text, 0, 'utf8');
      return flushed;
    }
    // An item larger than a chunk (a very long description) goes out on its own.
    const big = Buffer.from(text, 'utf8');
    this.#rawBytes += big.length;
    const more = this.#head.write(big) ? undefined : once(this.#head, 'drain').then(() => undefined);
    return flushed ?? more;
  }

  #flush(): Promise<void> | undefined {
    if (this.#used === 0) return undefined;
    const full = this.#chunk.subarray(0, this.#used);
    this.#rawBytes += this.#used;
    // The stream keeps the chunk until written; it comes back to the free list after that.
    const owner = this.#chunk;
    this.#chunk = this.#free.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.#used = 0;
    const more = this.#head.write(full, (err) => {
      if (err === undefined || err === null) this.#free.push(owner);
    });
    if (more) return undefined;
    return once(this.#head, 'drain').then(() => undefined);
  }

  async close(): Promise<PartStats> {
    await this.#flush();
    this.#head.end();
    await finished(this.#file);
    return { bytes: this.#file.bytesWritten, rawBytes: this.#rawBytes };
  }

  /** Stops writing after a failure; the caller removes the file. */
  destroy(): void {
    this.#head.destroy();
    this.#file.destroy();
  }
}
