/**
 * Containers, detected by magic bytes (never by extension): plain, gzip, zip.
 *
 * Decompression is streamed and counted: a gzip or zip entry that inflates past the cap is stopped
 * (FEEDMILL_ARCHIVE_TOO_LARGE) whatever its header declares, and a zip entry that inflates past its
 * own declared size is corrupt. Nothing is ever extracted to disk. node-stream-zip reads a zip's
 * directory; the chosen entry's data is streamed by zip-entry.ts.
 */
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import StreamZip from 'node-stream-zip';
import { FeedmillError } from '../errors.js';
import { openZipEntryData, type ZipEntryData } from './zip-entry.js';

export type ContainerKind = 'plain' | 'gzip' | 'zip';

export interface OpenedContainer {
  kind: ContainerKind;
  /** For zip: the entry read; for gzip: the file name with .gz removed. */
  entryName: string | undefined;
  /** Decompressed bytes. */
  stream: Readable;
  /** Compressed bytes read so far from the file (for progress against the file size). */
  compressedBytesRead(): number;
  /**
   * A zip holding a catalog and its companion files (see `chooseZipEntry`): the companion at `rel`,
   * relative to the catalog entry's folder, or undefined when the archive has none there.
   */
  sibling?(rel: string): Buffer | undefined;
  close(): Promise<void>;
}

/** Companion files are lookup tables (combinations, demo data tables): read whole, within this total. */
export const MAX_COMPANION_BYTES = 64 * 1024 * 1024;

const READ_CHUNK = 1024 * 1024;

/** Folder and file names that archivers add beside the real content. */
const JUNK = [/^__MACOSX\//, /(^|\/)\.DS_Store$/, /(^|\/)\._/, /(^|\/)Thumbs\.db$/i, /(^|\/)desktop\.ini$/i];

export async function sniffContainer(path: string): Promise<ContainerKind> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5 || head[2] === 7)) return 'zip';
    if (bytesRead >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) throw unsupported('bzip2');
    if (bytesRead >= 4 && head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58) throw unsupported('xz');
    if (bytesRead >= 4 && head[0] === 0x37 && head[1] === 0x7a && head[2] === 0xbc && head[3] === 0xaf) throw unsupported('7z');
    return 'plain';
  } finally {
    await fh.close();
  }
}

function unsupported(kind: string): FeedmillError {
  return new FeedmillError('FEEDMILL_FORMAT_UNKNOWN', `the source is a ${kind} archive; compress catalogs with gzip or zip instead`, { container: kind });
}

export async function openContainer(path: string, maxInflatedBytes: number): Promise<OpenedContainer> {
  const kind = await sniffContainer(path);
  if (kind === 'zip') return openZip(path, maxInflatedBytes);
  const file = createReadStream(path, { highWaterMark: READ_CHUNK });
  const counter = new ByteCounter();
  if (kind === 'plain') {
    pipeline(file, counter).catch(() => {}); // errors surface on `counter`, which the reader consumes
    return { kind, entryName: undefined, stream: counter, compressedBytesRead: () => counter.bytes, close: async () => void counter.destroy() };
  }
  // Node's gunzip reads multi-member files (RFC 1952) as one stream, as feedmill's own feeds are written.
  const gunzip = createGunzip({ chunkSize: READ_CHUNK });
  const cap = new InflateCap(maxInflatedBytes, undefined, 'gzip');
  // Hand-wired rather than pipeline(): the consumer reads `cap`, so every upstream failure must reach
  // it as a coded error (pipeline would destroy it with the raw zlib error first).
  const fail = (e: Error) => {
    if (!cap.destroyed) cap.destroy(e instanceof FeedmillError ? e : wrapZlib(e));
  };
  file.on('error', fail);
  counter.on('error', fail);
  gunzip.on('error', fail);
  file.pipe(counter).pipe(gunzip).pipe(cap);
  cap.on('close', () => {
    file.destroy();
    gunzip.destroy();
  });
  const base = path.split(/[\\/]/).pop() ?? path;
  return {
    kind,
    entryName: base.replace(/\.gz$/i, ''),
    stream: cap,
    compressedBytesRead: () => counter.bytes,
    close: async () => void cap.destroy(),
  };
}

/** Counts the bytes that pass, without switching anything into flowing mode. */
class ByteCounter extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

function wrapZlib(e: Error): FeedmillError {
  return new FeedmillError('FEEDMILL_ARCHIVE_CORRUPT', `the gzip data is damaged or truncated (${e.message}); upload the file again`, {}, { cause: e });
}

/** Counts inflated bytes; fails past the cap, or past a declared entry size (a lying zip header). */
class InflateCap extends Transform {
  #seen = 0;

  get inflated(): number {
    return this.#seen;
  }

  readonly #cap: number;
  readonly #declared: number | undefined;
  readonly #what: string;

  constructor(cap: number, declared: number | undefined, what: string) {
    super();
    this.#cap = cap;
    this.#declared = declared;
    this.#what = what;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.#cap) {
      cb(
        new FeedmillError(
          'FEEDMILL_ARCHIVE_TOO_LARGE',
          `the ${this.#what} inflates past ${this.#cap} bytes (a compression bomb?); raise FEEDMILL_MAX_INFLATED_BYTES if the catalog is really that large`,
          { cap: this.#cap, inflated: this.#seen },
        ),
      );
      return;
    }
    if (this.#declared !== undefined && this.#seen > this.#declared) {
      cb(
        new FeedmillError('FEEDMILL_ARCHIVE_CORRUPT', `the zip entry inflates past its declared size of ${this.#declared} bytes: the archive is corrupt or forged`, {
          declared: this.#declared,
          inflated: this.#seen,
        }),
      );
      return;
    }
    cb(null, chunk);
  }
}

interface ZipEntryLike {
  name: string;
  isDirectory: boolean;
  encrypted: boolean;
  size: number;
  compressedSize: number;
}

/** Picks the one catalog entry of an archive, or explains why it cannot. Exported for tests. */
export function chooseZipEntry<E extends ZipEntryLike>(entries: readonly E[]): E {
  const files = entries.filter((e) => !e.isDirectory && !e.name.endsWith('/'));
  for (const e of files) {
    if (isUnsafeName(e.name)) {
      throw new FeedmillError('FEEDMILL_ARCHIVE_UNSAFE_PATH', `the zip entry ${JSON.stringify(e.name)} has an absolute or climbing path; rebuild the archive with plain names`, {
        entry: e.name,
      });
    }
  }
  const office = officeDocument(files.map((e) => e.name));
  if (office !== undefined) {
    throw new FeedmillError(
      'FEEDMILL_FORMAT_UNKNOWN',
      `the file is ${office.what}, not a catalog export; save it as ${office.saveAs} and send that file`,
      { document: office.what },
    );
  }
  const candidates = files.filter((e) => !JUNK.some((j) => j.test(e.name)));
  if (candidates.length === 0) {
    throw new FeedmillError('FEEDMILL_ARCHIVE_NO_CATALOG', 'the zip archive holds no catalog file', { entries: files.map((e) => e.name).slice(0, 50) });
  }
  const entry = candidates.length === 1 ? (candidates[0] as E) : catalogAmong(candidates);
  if (entry === undefined) {
    const names = candidates.map((e) => e.name);
    throw new FeedmillError(
      'FEEDMILL_ARCHIVE_AMBIGUOUS',
      `the zip archive holds ${names.length} files (${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}); put exactly one catalog in it, or one products file with its companion files`,
      { entries: names.slice(0, 100) },
    );
  }
  if (entry.encrypted) {
    throw new FeedmillError('FEEDMILL_ARCHIVE_ENCRYPTED', `the zip entry ${entry.name} is encrypted; upload it without a password`, { entry: entry.name });
  }
  return entry;
}

/**
 * The catalog of an archive that holds a catalog and its companion files, or undefined. A shop
 * sends them together: PrestaShop's products CSV with its combinations CSV (and the brands,
 * categories and suppliers files of the same import folder), or its demo data tree, whose record
 * stream is `data/product.xml`. The catalog is the one entry named so; the others are companions,
 * read by the profile as siblings (`OpenedContainer.sibling`). Two candidates is still ambiguous.
 */
function catalogAmong<E extends ZipEntryLike>(candidates: readonly E[]): E | undefined {
  const base = (e: E) => e.name.slice(e.name.lastIndexOf('/') + 1).toLowerCase();
  // langs/<lang>/data/product.xml holds the names: the record stream is the other one.
  const demo = candidates.filter((e) => /(^|\/)data\/product\.xml$/i.test(e.name) && !/(^|\/)langs\//i.test(e.name));
  if (demo.length === 1) return demo[0];
  const products = candidates.filter((e) => /^products?[^/]*\.(csv|tsv|txt)(\.gz)?$/.test(base(e)));
  return products.length === 1 ? products[0] : undefined;
}

/**
 * Office documents are zip packages too: a spreadsheet sent as the catalog would otherwise read as
 * an archive of a dozen XML files ("put exactly one catalog in it"), which tells a merchant nothing.
 */
function officeDocument(names: readonly string[]): { what: string; saveAs: string } | undefined {
  const has = (n: string) => names.includes(n);
  if (has('[Content_Types].xml')) {
    if (has('xl/workbook.xml') || has('xl/workbook.bin')) return { what: 'an Excel workbook (.xlsx)', saveAs: 'CSV UTF-8 (File > Save As)' };
    if (names.some((n) => n.startsWith('word/'))) return { what: 'a Word document (.docx)', saveAs: 'a CSV export of the catalog' };
  }
  if (has('mimetype') && has('content.xml') && has('META-INF/manifest.xml')) {
    return { what: 'an OpenDocument file (.ods, LibreOffice)', saveAs: 'CSV (File > Save As, Text CSV, UTF-8)' };
  }
  return undefined;
}

function isUnsafeName(name: string): boolean {
  if (name.includes('\0')) return true;
  const n = name.replaceAll('\\', '/');
  if (n.startsWith('/') || /^[a-zA-Z]:/.test(n)) return true;
  return n.split('/').some((seg) => seg === '..');
}

async function openZip(path: string, maxInflatedBytes: number): Promise<OpenedContainer> {
  let zip: InstanceType<typeof StreamZip.async>;
  let entries: Record<string, ZipEntryLike & ZipEntryData>;
  try {
    zip = new StreamZip.async({ file: path, storeEntries: true, skipEntryNameValidation: true });
    entries = (await zip.entries()) as unknown as Record<string, ZipEntryLike & ZipEntryData>;
  } catch (e) {
    throw new FeedmillError('FEEDMILL_ARCHIVE_CORRUPT', `the zip archive cannot be read (${(e as Error).message}); upload it again`, {}, { cause: e });
  }
  let entry: ZipEntryLike & ZipEntryData;
  let companions: Map<string, Buffer> | undefined;
  try {
    entry = chooseZipEntry(Object.values(entries));
    companions = await readCompanions(zip, Object.values(entries), entry);
  } catch (e) {
    await zip.close();
    throw e;
  }
  // The directory was all node-stream-zip was needed for: the entry's data is read in large pieces.
  await zip.close().catch(() => {});
  const data = await openZipEntryData(path, entry);
  const capped = new InflateCap(maxInflatedBytes, entry.size, 'zip entry');
  data.stream.on('error', (e) => capped.destroy(e));
  data.stream.pipe(capped);
  capped.on('close', () => data.stream.destroy());
  return {
    kind: 'zip',
    entryName: entry.name,
    stream: capped,
    compressedBytesRead: () => data.compressedBytesRead(),
    ...(companions === undefined ? {} : { sibling: (rel: string) => companions.get(entryPath(entry.name, rel)) }),
    close: async () => void capped.destroy(),
  };
}

/** The other files of an archive that holds a catalog and its companions, by name; else undefined. */
async function readCompanions(
  zip: InstanceType<typeof StreamZip.async>,
  entries: readonly ZipEntryLike[],
  catalog: ZipEntryLike,
): Promise<Map<string, Buffer> | undefined> {
  const others = entries.filter((e) => e !== catalog && !e.isDirectory && !e.name.endsWith('/') && !JUNK.some((j) => j.test(e.name)));
  if (others.length === 0) return undefined;
  const declared = others.reduce((n, e) => n + e.size, 0);
  if (declared > MAX_COMPANION_BYTES) {
    throw new FeedmillError(
      'FEEDMILL_ARCHIVE_TOO_LARGE',
      `the files beside ${catalog.name} in the archive hold ${declared} bytes; companion files are lookup tables of at most ${MAX_COMPANION_BYTES} bytes: send the catalog alone`,
      { entry: catalog.name, declared, max: MAX_COMPANION_BYTES },
    );
  }
  const out = new Map<string, Buffer>();
  for (const e of others) {
    if (e.encrypted) throw new FeedmillError('FEEDMILL_ARCHIVE_ENCRYPTED', `the zip entry ${e.name} is encrypted; upload it without a password`, { entry: e.name });
    let data: Buffer;
    try {
      data = await zip.entryData(e.name);
    } catch (err) {
      throw new FeedmillError('FEEDMILL_ARCHIVE_CORRUPT', `the zip entry ${e.name} cannot be read (${(err as Error).message}); upload the archive again`, { entry: e.name }, { cause: err });
    }
    // node-stream-zip checks the CRC; the size is checked here so a forged header cannot pass the cap.
    if (data.length > e.size) throw new FeedmillError('FEEDMILL_ARCHIVE_CORRUPT', `the zip entry ${e.name} inflates past its declared size`, { entry: e.name });
    out.set(e.name.replaceAll('\\', '/'), data);
  }
  return out;
}

/** The archive path of `rel` taken from the folder of `from` (`../x` climbs; never above the root). */
function entryPath(from: string, rel: string): string {
  const parts = from.replaceAll('\\', '/').split('/').slice(0, -1);
  for (const seg of rel.replaceAll('\\', '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return '\u0000'; // outside the archive: no such entry
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join('/');
}
