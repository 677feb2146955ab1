/**
 * Writes one part file inside a worker: rendered item text is encoded into a 1 MiB chunk, and a
 * full chunk is written (or compressed, then written) on the worker's own thread.
 *
 * Why synchronously: through a write stream and an async zlib stream, a worker handed each chunk
 * to the libuv pool and waited for it, and the export kept the two vCPUs 1.7-1.8 busy where the
 * same work done in the worker keeps them 1.9-2.0 busy (a gzipped 1 M-offer Google export,
 * alternating: 71,802-87,138 → 94,718-111,617 offers/s; docs/performance.md). A part is a
 * temporary file on the RAM disk: a write is a copy into page cache, not a wait for a device.
 *
 * A gzipped part is one complete gzip member (RFC 1952), so the main thread concatenates parts
 * without touching their content: the header, then each chunk compressed by its own compressor
 * call as raw deflate blocks ended by a sync flush (byte-aligned, final bit not set: blocks of
 * separate compressors concatenate into one valid deflate stream, as pigz's do), then an empty
 * final block and the CRC-32 and length trailer. Each call is primed with the 32 KiB that precede
 * its chunk as a preset dictionary: the inflater holds those same bytes in its window, so matches
 * into them are valid, and the part compresses as one stream would (without it: +1.06 %).
 *
 * Memory: one chunk, one compressed chunk and 32 KiB of history, whatever the part size.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { constants, deflateRawSync, type ZlibOptions } from 'node:zlib';
import { crc32 } from '../../crc32.js';
import { FeedmillError } from '../../errors.js';

/** Bytes gathered before a write (and the unit each compressor call gets). */
const CHUNK_BYTES = 1 << 20;
/** UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_UTF8_PER_UNIT = 3;
/** Deflate's window: the history a match may reach back into. */
const WINDOW_BYTES = 32 * 1024;
/** A fixed-Huffman block with the final bit set and nothing in it: the end of the deflate stream. */
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

export interface PartStats {
  /** Bytes on disk. */
  bytes: number;
  /** Uncompressed bytes. */
  rawBytes: number;
}

export class PartWriter {
  readonly path: string;
  #fd: number | undefined;
  readonly #chunk: Buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  #used = 0;
  #bytes = 0;
  #rawBytes = 0;
  /** Set for a gzipped part: compresses one chunk into sync-flushed raw deflate blocks. */
  readonly #deflate: ((data: Buffer, history: Buffer) => Buffer) | undefined;
  /** The last WINDOW_BYTES (or fewer) uncompressed bytes emitted: the next chunk's dictionary. */
  #history: Buffer = Buffer.alloc(0);
  /** CRC-32 of the uncompressed bytes so far (gzip trailer). */
  #crc = 0;

  constructor(path: string, gzipLevel: number | null) {
    this.path = path;
    this.#fd = openSync(path, 'wx');
    if (gzipLevel !== null) {
      // memLevel 9 (zlib's largest hash table): the same bytes out at level 3, 487-548 MB/s of a
      // Google feed against 418-529 at the default 8 (docs/performance.md).
      const options: ZlibOptions = { level: gzipLevel, memLevel: 9, finishFlush: constants.Z_SYNC_FLUSH };
      this.#deflate = (data, history) => deflateRawSync(data, history.length === 0 ? options : { ...options, dictionary: history });
      this.#put(gzipHeader(gzipLevel));
    }
  }

  /** Adds the UTF-8 bytes of `text` to the part. */
  write(text: string): void {
    if (text.length * MAX_UTF8_PER_UNIT > CHUNK_BYTES - this.#used) {
      this.#flush();
      if (text.length * MAX_UTF8_PER_UNIT > CHUNK_BYTES) {
        // An item larger than a chunk (a very long description) goes out on its own.
        this.#emit(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.#used += this.#chunk.write(text, this.#used, 'utf8');
  }

  /** Writes what is left and the gzip trailer, closes the file. */
  close(): PartStats {
    this.#flush();
    if (this.#deflate !== undefined) {
      this.#put(FINAL_EMPTY_BLOCK);
      const trailer = Buffer.allocUnsafe(8);
      trailer.writeUInt32LE(this.#crc, 0);
      // ISIZE is the length modulo 2^32 (RFC 1952): a part over 4 GiB is still a valid member.
      trailer.writeUInt32LE(this.#rawBytes % 0x1_0000_0000, 4);
      this.#put(trailer);
    }
    this.#closeFile();
    return { bytes: this.#bytes, rawBytes: this.#rawBytes };
  }

  /** Stops writing after a failure; the caller removes the file. */
  destroy(): void {
    this.#closeFile();
  }

  #flush(): void {
    if (this.#used === 0) return;
    const full = this.#chunk.subarray(0, this.#used);
    this.#used = 0;
    this.#emit(full);
  }

  /** Uncompressed bytes in feed order: counted, and compressed first when the part is gzipped. */
  #emit(data: Buffer): void {
    this.#rawBytes += data.length;
    if (this.#deflate === undefined) {
      this.#put(data);
      return;
    }
    this.#crc = crc32(data, this.#crc);
    this.#put(this.#deflate(data, this.#history));
    // A copy: `data` is usually the chunk, which the next items overwrite.
    this.#history =
      data.length >= WINDOW_BYTES
        ? Buffer.from(data.subarray(data.length - WINDOW_BYTES))
        : Buffer.concat([this.#history, data]).subarray(-WINDOW_BYTES);
  }

  #put(data: Uint8Array): void {
    const fd = this.#fd;
    if (fd === undefined) throw new FeedmillError('FEEDMILL_INTERNAL', `part ${this.path} was written after it was closed`, { path: this.path });
    // A regular file takes the whole buffer unless the disk is full (which throws); loop anyway.
    for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
    this.#bytes += data.length;
  }

  #closeFile(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    closeSync(fd);
  }
}

/**
 * The 10-byte member header zlib writes for a stream without a name or time: no flags, MTIME 0 (a
 * part must not differ between two runs), XFL as zlib sets it for the level, OS 3 (Unix).
 */
function gzipHeader(level: number): Buffer {
  const xfl = level === 9 ? 2 : level < 2 ? 4 : 0;
  return Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, xfl, 0x03]);
}
