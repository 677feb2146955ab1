/**
 * Writes one part file inside a worker: rendered item text, batched into large writes; when the
 * feed is gzipped the part is one complete gzip member (zlib stream, finished on close), so the main
 * thread can concatenate parts without touching their content.
 *
 * Backpressure: `write()` resolves only when the stream below has room again, so a worker never
 * holds more than about one batch plus the stream's buffer in memory, whatever the part size.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';

const BATCH_CHARS = 1 << 18;

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
  #batch: string[] = [];
  #batchChars = 0;
  #rawBytes = 0;

  constructor(path: string, gzipLevel: number | null) {
    this.path = path;
    this.#file = createWriteStream(path, { flags: 'wx', highWaterMark: 1 << 20 });
    if (gzipLevel === null) {
      this.#head = this.#file;
    } else {
      const gz = createGzip({ level: gzipLevel, chunkSize: 1 << 16 });
      gz.pipe(this.#file);
      this.#head = gz;
    }
  }

  /** Adds text; returns a promise only when the batch was flushed into a full stream. */
  write(text: string): Promise<void> | undefined {
    this.#batch.push(text);
    this.#batchChars += text.length;
    return this.#batchChars >= BATCH_CHARS ? this.#flush() : undefined;
  }

  #flush(): Promise<void> | undefined {
    if (this.#batch.length === 0) return undefined;
    const chunk = Buffer.from(this.#batch.join(''), 'utf8');
    this.#batch = [];
    this.#batchChars = 0;
    this.#rawBytes += chunk.length;
    if (this.#head.write(chunk)) return undefined;
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
