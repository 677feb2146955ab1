/**
 * A small streaming ZIP writer (APPNOTE 6.3.x): deflate through zlib or stored, one entry at a
 * time, straight to any Writable with backpressure, ZIP64 where a size, an offset or the entry
 * count needs it (or forced, to test readers on small data).
 *
 * It writes what the benchmarks and the ingest tests need, including archives a careful reader
 * must refuse: names are written as given (`../x.csv`, `/abs.csv`), an entry can carry the
 * "encrypted" flag without being encrypted, and the declared size or CRC can lie (zip bombs).
 *
 * Layout choices:
 * - An entry given as a string or bytes is compressed first, so its local header carries the real
 *   sizes and CRC (readers can verify them). A streamed entry (iterable, async iterable, Readable)
 *   sets general purpose bit 3 and writes a data descriptor after its data.
 * - A streamed entry that may pass 4 GiB must say so up front (`sizeHint` or `zip64: true`): the
 *   ZIP64 extra field has to be in its local header for stream readers to expect 8-byte sizes in
 *   the descriptor. The central directory is always right whatever the hint.
 * - Timestamps default to a fixed date, so the same input gives the same bytes.
 */
import { once } from 'node:events';
import { Readable, Transform, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createDeflateRaw, deflateRawSync } from 'node:zlib';
import { FeedmillError } from '../../src/errors.js';
import { crc32 } from './crc32.js';

const SIG_LOCAL = 0x04034b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;

const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
/** Version 4.5: ZIP64. Version 2.0: deflate, directories. Made by: 3 = Unix (so the mode bits count). */
const VERSION_ZIP64 = 45;
const VERSION_DEFLATE = 20;
const VERSION_STORE = 10;
const MADE_BY = (3 << 8) | VERSION_ZIP64;

/** 2020-01-01T00:00:00Z: a fixed default so archives are byte-for-byte reproducible. */
export const ZIP_DEFAULT_MTIME = new Date(Date.UTC(2020, 0, 1, 0, 0, 0));

export type ZipSource =
  | string
  | Uint8Array
  | Iterable<string | Uint8Array>
  | AsyncIterable<string | Uint8Array>
  | NodeJS.ReadableStream;

export interface ZipWriterOptions {
  /**
   * 'auto': ZIP64 records only where a value does not fit; 'force': every entry and the end
   * record in ZIP64 form with all 32-bit fields set to 0xFFFFFFFF (tests readers on small data).
   * @default 'auto'
   */
  zip64?: 'auto' | 'force';
  /** Archive comment (end of central directory). */
  comment?: string;
  /** End `out` in finish() and wait until it has flushed. @default true */
  endOutput?: boolean;
}

export interface ZipEntryOptions {
  /** @default 'deflate' */
  method?: 'deflate' | 'store';
  /** zlib level 0-9 for deflate. @default 6 */
  level?: number;
  /** @default ZIP_DEFAULT_MTIME */
  mtime?: Date;
  /** Unix permission bits stored in the external attributes. @default 0o644 (0o755 for directories) */
  mode?: number;
  /** Write this entry in ZIP64 form even if small. @default false (or true under zip64: 'force') */
  zip64?: boolean;
  /** Expected uncompressed size of a streamed entry; ≥ 4 GiB makes it ZIP64 from its local header on. */
  sizeHint?: number;
  /** Use bit 3 and a data descriptor even for in-memory data. @default false for in-memory data */
  dataDescriptor?: boolean;
  /** Set general purpose bit 0 ("encrypted"). The data is NOT encrypted: this is for refusal tests. */
  encryptedFlag?: boolean;
  /** Uncompressed size written in the headers instead of the real one (zip bomb tests). */
  declaredSize?: number;
  /** CRC-32 written in the headers instead of the real one (corruption tests). */
  declaredCrc?: number;
  /** Per-entry comment (central directory). */
  comment?: string;
}

/** What was written for one entry: real values, and the ones declared in the headers. */
export interface ZipEntryInfo {
  name: string;
  method: 'deflate' | 'store';
  offset: number;
  size: number;
  compressedSize: number;
  crc: number;
  declaredSize: number;
  declaredCrc: number;
  zip64: boolean;
  directory: boolean;
}

export interface ZipSummary {
  bytes: number;
  entries: number;
  zip64: boolean;
}

interface CentralRecord {
  name: Buffer;
  comment: Buffer;
  flags: number;
  method: number;
  versionNeeded: number;
  time: number;
  date: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  externalAttrs: number;
  forceZip64: boolean;
}

export class ZipWriter {
  readonly #out: NodeJS.WritableStream;
  readonly #options: Required<Omit<ZipWriterOptions, 'comment'>> & { comment: Buffer };
  readonly #records: CentralRecord[] = [];
  #offset = 0;
  #busy = false;
  #finished = false;
  /** Set when writing an entry failed: the output holds a partial entry, so nothing may follow. */
  #failed: unknown = undefined;

  constructor(out: NodeJS.WritableStream, options: ZipWriterOptions = {}) {
    const zip64 = options.zip64 ?? 'auto';
    if (zip64 !== 'auto' && zip64 !== 'force') {
      throw new FeedmillError('FEEDMILL_BENCH_OPTION', "zip64 must be 'auto' or 'force'", { option: 'zip64', value: zip64 });
    }
    const comment = Buffer.from(options.comment ?? '', 'utf8');
    if (comment.length > MAX16) {
      throw new FeedmillError('FEEDMILL_BENCH_OPTION', 'the archive comment must be at most 65535 bytes', { option: 'comment', bytes: comment.length });
    }
    this.#out = out;
    this.#options = { zip64, comment, endOutput: options.endOutput ?? true };
  }

  /** Bytes written to the output so far. */
  get bytesWritten(): number {
    return this.#offset;
  }

  /** A directory entry (`name` gets a trailing `/`); no data. */
  async addDirectory(name: string, options: Pick<ZipEntryOptions, 'mtime' | 'mode' | 'comment'> = {}): Promise<ZipEntryInfo> {
    const dirName = name.endsWith('/') ? name : `${name}/`;
    return this.addEntry(dirName, new Uint8Array(0), { ...options, method: 'store', mode: options.mode ?? 0o755 });
  }

  /**
   * Adds one entry. Entries are written one after another: await each call before the next.
   * A string is written as UTF-8.
   */
  async addEntry(name: string, data: ZipSource, options: ZipEntryOptions = {}): Promise<ZipEntryInfo> {
    if (this.#finished) throw new FeedmillError('FEEDMILL_BENCH_OPTION', 'the archive is finished; no entry can be added', { name });
    if (this.#busy) {
      throw new FeedmillError('FEEDMILL_BENCH_OPTION', 'another entry is still being written: await addEntry() before adding the next', { name });
    }
    this.#assertUsable();
    const header = this.#prepare(name, options);
    this.#busy = true;
    try {
      const inMemory = typeof data === 'string' || data instanceof Uint8Array;
      if (inMemory && options.dataDescriptor !== true) return await this.#addInMemory(header, toBytes(data), options);
      return await this.#addStreamed(header, inMemory ? [toBytes(data)] : data, options);
    } catch (err) {
      this.#failed = err;
      throw err;
    } finally {
      this.#busy = false;
    }
  }

  /** Writes the central directory and end records; ends the output unless told not to. */
  async finish(): Promise<ZipSummary> {
    if (this.#finished) throw new FeedmillError('FEEDMILL_BENCH_OPTION', 'finish() was called twice', {});
    if (this.#busy) throw new FeedmillError('FEEDMILL_BENCH_OPTION', 'an entry is still being written: await it before finish()', {});
    this.#assertUsable();
    this.#finished = true;
    const force = this.#options.zip64 === 'force';
    const cdOffset = this.#offset;
    let anyZip64 = false;
    for (const r of this.#records) {
      const { buffer, zip64 } = centralHeader(r);
      anyZip64 ||= zip64;
      await this.#write(buffer);
    }
    const cdSize = this.#offset - cdOffset;
    const count = this.#records.length;
    const needEnd64 = force || count >= MAX16 || cdSize >= MAX32 || cdOffset >= MAX32;
    if (needEnd64) {
      const end64Offset = this.#offset;
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(SIG_END64, 0);
      end64.writeBigUInt64LE(44n, 4);
      end64.writeUInt16LE(MADE_BY, 12);
      end64.writeUInt16LE(VERSION_ZIP64, 14);
      end64.writeUInt32LE(0, 16);
      end64.writeUInt32LE(0, 20);
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(cdSize), 40);
      end64.writeBigUInt64LE(BigInt(cdOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(SIG_LOCATOR64, 0);
      locator.writeUInt32LE(0, 4);
      locator.writeBigUInt64LE(BigInt(end64Offset), 8);
      locator.writeUInt32LE(1, 16);
      await this.#write(Buffer.concat([end64, locator]));
    }
    const comment = this.#options.comment;
    const end = Buffer.alloc(22 + comment.length);
    end.writeUInt32LE(SIG_END, 0);
    end.writeUInt16LE(0, 4);
    end.writeUInt16LE(0, 6);
    const count16 = force || count >= MAX16 ? MAX16 : count;
    end.writeUInt16LE(count16, 8);
    end.writeUInt16LE(count16, 10);
    end.writeUInt32LE(force || cdSize >= MAX32 ? MAX32 : cdSize, 12);
    end.writeUInt32LE(force || cdOffset >= MAX32 ? MAX32 : cdOffset, 16);
    end.writeUInt16LE(comment.length, 20);
    comment.copy(end, 22);
    await this.#write(end);
    if (this.#options.endOutput) {
      this.#out.end();
      await finished(this.#out as Writable);
    }
    return { bytes: this.#offset, entries: count, zip64: anyZip64 || needEnd64 };
  }

  #assertUsable(): void {
    if (this.#failed !== undefined) {
      throw new FeedmillError('FEEDMILL_BENCH_FAILED', 'an earlier entry failed to write: the archive is incomplete and cannot be continued', {}, { cause: this.#failed });
    }
  }

  #prepare(name: string, options: ZipEntryOptions): PreparedHeader {
    const nameBytes = Buffer.from(name, 'utf8');
    if (nameBytes.length === 0 || nameBytes.length > MAX16) {
      throw new FeedmillError('FEEDMILL_BENCH_OPTION', 'a zip entry name must be 1 to 65535 bytes', { name, bytes: nameBytes.length });
    }
    const comment = Buffer.from(options.comment ?? '', 'utf8');
    if (comment.length > MAX16) {
      throw new FeedmillError('FEEDMILL_BENCH_OPTION', 'a zip entry comment must be at most 65535 bytes', { name, bytes: comment.length });
    }
    const method = options.method ?? 'deflate';
    if (method !== 'deflate' && method !== 'store') {
      throw new FeedmillError('FEEDMILL_BENCH_OPTION', "method must be 'deflate' or 'store'", { name, option: 'method', value: method });
    }
    const level = options.level ?? 6;
    if (!Number.isInteger(level) || level < 0 || level > 9) {
      throw new FeedmillError('FEEDMILL_BENCH_OPTION', 'level must be a whole number from 0 to 9', { name, option: 'level', value: level });
    }
    for (const key of ['declaredSize', 'declaredCrc', 'sizeHint'] as const) {
      const v = options[key];
      if (v !== undefined && (!Number.isSafeInteger(v) || v < 0 || (key === 'declaredCrc' && v > MAX32))) {
        throw new FeedmillError('FEEDMILL_BENCH_OPTION', `${key} must be a whole number ≥ 0${key === 'declaredCrc' ? ' that fits 32 bits' : ''}`, { name, option: key, value: v });
      }
    }
    const directory = name.endsWith('/');
    const mode = options.mode ?? (directory ? 0o755 : 0o644);
    const { time, date } = dosDateTime(options.mtime ?? ZIP_DEFAULT_MTIME);
    const ascii = /^[\x20-\x7e]*$/.test(name) && /^[\x20-\x7e]*$/.test(options.comment ?? '');
    let flags = ascii ? 0 : FLAG_UTF8;
    if (options.encryptedFlag === true) flags |= FLAG_ENCRYPTED;
    return {
      name: nameBytes,
      comment,
      flags,
      method: method === 'deflate' ? METHOD_DEFLATE : METHOD_STORE,
      methodName: method,
      level,
      time,
      date,
      directory,
      // S_IFDIR / S_IFREG in the high bits, MS-DOS directory bit in the low byte.
      externalAttrs: ((((directory ? 0o040000 : 0o100000) | mode) << 16) | (directory ? 0x10 : 0)) >>> 0,
      forceZip64: options.zip64 === true || this.#options.zip64 === 'force',
    };
  }

  async #addInMemory(h: PreparedHeader, data: Buffer, options: ZipEntryOptions): Promise<ZipEntryInfo> {
    const crc = crc32(data);
    const payload = h.method === METHOD_DEFLATE ? deflateRawSync(data, { level: h.level }) : data;
    const declaredSize = options.declaredSize ?? data.length;
    const declaredCrc = options.declaredCrc ?? crc;
    const offset = this.#offset;
    const zip64 = h.forceZip64 || declaredSize >= MAX32 || payload.length >= MAX32;
    await this.#write(localHeader(h, { zip64, descriptor: false, crc: declaredCrc, compressedSize: payload.length, size: declaredSize }));
    await this.#write(payload);
    return this.#record(h, { offset, crc, declaredCrc, size: data.length, declaredSize, compressedSize: payload.length, zip64, descriptor: false });
  }

  async #addStreamed(h: PreparedHeader, source: ZipSource, options: ZipEntryOptions): Promise<ZipEntryInfo> {
    const offset = this.#offset;
    const zip64 = h.forceZip64 || (options.sizeHint ?? 0) >= MAX32;
    await this.#write(localHeader(h, { zip64, descriptor: true, crc: 0, compressedSize: 0, size: 0 }));
    let crc = 0;
    let size = 0;
    let compressedSize = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    const forward = new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        compressedSize += chunk.length;
        this.#write(chunk).then(() => cb(), cb);
      },
    });
    const input = typeof source === 'string' || source instanceof Uint8Array ? Readable.from([toBytes(source)]) : source;
    if (h.method === METHOD_DEFLATE) {
      await pipeline(input as AsyncIterable<Uint8Array>, counter, createDeflateRaw({ level: h.level }), forward);
    } else {
      await pipeline(input as AsyncIterable<Uint8Array>, counter, forward);
    }
    const declaredSize = options.declaredSize ?? size;
    const declaredCrc = options.declaredCrc ?? crc;
    const wide = zip64 || declaredSize >= MAX32 || compressedSize >= MAX32;
    const descriptor = Buffer.alloc(wide ? 24 : 16);
    descriptor.writeUInt32LE(SIG_DESCRIPTOR, 0);
    descriptor.writeUInt32LE(declaredCrc, 4);
    if (wide) {
      descriptor.writeBigUInt64LE(BigInt(compressedSize), 8);
      descriptor.writeBigUInt64LE(BigInt(declaredSize), 16);
    } else {
      descriptor.writeUInt32LE(compressedSize, 8);
      descriptor.writeUInt32LE(declaredSize, 12);
    }
    await this.#write(descriptor);
    return this.#record(h, { offset, crc, declaredCrc, size, declaredSize, compressedSize, zip64: wide, descriptor: true });
  }

  #record(h: PreparedHeader, r: WrittenEntry): ZipEntryInfo {
    this.#records.push({
      name: h.name,
      comment: h.comment,
      flags: h.flags | (r.descriptor ? FLAG_DESCRIPTOR : 0),
      method: h.method,
      versionNeeded: versionNeeded(h, r.zip64),
      time: h.time,
      date: h.date,
      crc: r.declaredCrc,
      compressedSize: r.compressedSize,
      size: r.declaredSize,
      offset: r.offset,
      externalAttrs: h.externalAttrs,
      forceZip64: h.forceZip64,
    });
    return {
      name: h.name.toString('utf8'),
      method: h.methodName,
      offset: r.offset,
      size: r.size,
      compressedSize: r.compressedSize,
      crc: r.crc,
      declaredSize: r.declaredSize,
      declaredCrc: r.declaredCrc,
      zip64: r.zip64,
      directory: h.directory,
    };
  }

  /** The one place bytes leave: counts the offset and waits for 'drain' when the sink is full. */
  async #write(buf: Buffer): Promise<void> {
    this.#offset += buf.length;
    if (!this.#out.write(buf)) await once(this.#out as Writable, 'drain');
  }
}

/** Writes a whole archive to `out` (ended when done). Convenient for crafting test archives. */
export async function writeZip(
  out: NodeJS.WritableStream,
  entries: ReadonlyArray<{ name: string; data: ZipSource } & ZipEntryOptions>,
  options: ZipWriterOptions = {},
): Promise<{ summary: ZipSummary; entries: ZipEntryInfo[] }> {
  const zip = new ZipWriter(out, options);
  const infos: ZipEntryInfo[] = [];
  for (const { name, data, ...entryOptions } of entries) infos.push(await zip.addEntry(name, data, entryOptions));
  return { summary: await zip.finish(), entries: infos };
}

interface PreparedHeader {
  name: Buffer;
  comment: Buffer;
  flags: number;
  method: number;
  methodName: 'deflate' | 'store';
  level: number;
  time: number;
  date: number;
  directory: boolean;
  externalAttrs: number;
  forceZip64: boolean;
}

interface WrittenEntry {
  offset: number;
  crc: number;
  declaredCrc: number;
  size: number;
  declaredSize: number;
  compressedSize: number;
  zip64: boolean;
  descriptor: boolean;
}

function versionNeeded(h: PreparedHeader, zip64: boolean): number {
  if (zip64) return VERSION_ZIP64;
  return h.method === METHOD_DEFLATE || h.directory ? VERSION_DEFLATE : VERSION_STORE;
}

function localHeader(
  h: PreparedHeader,
  v: { zip64: boolean; descriptor: boolean; crc: number; compressedSize: number; size: number },
): Buffer {
  // A ZIP64 local header carries both sizes in its extra field (zero when a descriptor follows)
  // and 0xFFFFFFFF in the 32-bit fields, as APPNOTE 4.5.3 asks.
  const extra = v.zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
  if (v.zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(16, 2);
    extra.writeBigUInt64LE(BigInt(v.descriptor ? 0 : v.size), 4);
    extra.writeBigUInt64LE(BigInt(v.descriptor ? 0 : v.compressedSize), 12);
  }
  const buf = Buffer.alloc(30 + h.name.length + extra.length);
  buf.writeUInt32LE(SIG_LOCAL, 0);
  buf.writeUInt16LE(versionNeeded(h, v.zip64), 4);
  buf.writeUInt16LE(h.flags | (v.descriptor ? FLAG_DESCRIPTOR : 0), 6);
  buf.writeUInt16LE(h.method, 8);
  buf.writeUInt16LE(h.time, 10);
  buf.writeUInt16LE(h.date, 12);
  buf.writeUInt32LE(v.descriptor ? 0 : v.crc, 14);
  buf.writeUInt32LE(v.zip64 ? MAX32 : v.descriptor ? 0 : v.compressedSize, 18);
  buf.writeUInt32LE(v.zip64 ? MAX32 : v.descriptor ? 0 : v.size, 22);
  buf.writeUInt16LE(h.name.length, 26);
  buf.writeUInt16LE(extra.length, 28);
  h.name.copy(buf, 30);
  extra.copy(buf, 30 + h.name.length);
  return buf;
}

function centralHeader(r: CentralRecord): { buffer: Buffer; zip64: boolean } {
  // Only the fields that overflow (or all, when forced) move to the ZIP64 extra, in the order
  // APPNOTE 4.5.3 fixes: uncompressed size, compressed size, local header offset.
  const wideSize = r.forceZip64 || r.size >= MAX32;
  const wideCompressed = r.forceZip64 || r.compressedSize >= MAX32;
  const wideOffset = r.forceZip64 || r.offset >= MAX32;
  const fields: number[] = [];
  if (wideSize) fields.push(r.size);
  if (wideCompressed) fields.push(r.compressedSize);
  if (wideOffset) fields.push(r.offset);
  const zip64 = fields.length > 0;
  const extra = Buffer.alloc(zip64 ? 4 + 8 * fields.length : 0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(8 * fields.length, 2);
    fields.forEach((value, i) => extra.writeBigUInt64LE(BigInt(value), 4 + 8 * i));
  }
  const buf = Buffer.alloc(46 + r.name.length + extra.length + r.comment.length);
  buf.writeUInt32LE(SIG_CENTRAL, 0);
  buf.writeUInt16LE(MADE_BY, 4);
  buf.writeUInt16LE(zip64 ? VERSION_ZIP64 : r.versionNeeded, 6);
  buf.writeUInt16LE(r.flags, 8);
  buf.writeUInt16LE(r.method, 10);
  buf.writeUInt16LE(r.time, 12);
  buf.writeUInt16LE(r.date, 14);
  buf.writeUInt32LE(r.crc, 16);
  buf.writeUInt32LE(wideCompressed ? MAX32 : r.compressedSize, 20);
  buf.writeUInt32LE(wideSize ? MAX32 : r.size, 24);
  buf.writeUInt16LE(r.name.length, 28);
  buf.writeUInt16LE(extra.length, 30);
  buf.writeUInt16LE(r.comment.length, 32);
  buf.writeUInt16LE(0, 34);
  buf.writeUInt16LE(0, 36);
  buf.writeUInt32LE(r.externalAttrs, 38);
  buf.writeUInt32LE(wideOffset ? MAX32 : r.offset, 42);
  r.name.copy(buf, 46);
  extra.copy(buf, 46 + r.name.length);
  r.comment.copy(buf, 46 + r.name.length + extra.length);
  return { buffer: buf, zip64 };
}

/** MS-DOS date and time (UTC, 2-second resolution), clamped to the format's 1980-2107 range. */
function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
  const date = ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  return { time, date };
}

function toBytes(data: string | Uint8Array): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
