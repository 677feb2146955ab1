/**
 * Assembles a feed while the transform still runs: parts arrive in any order (as workers finish
 * ranges), are appended in feed order to a hidden temp file in the target directory as soon as
 * they are contiguous, and (in an export) deleted right after: the RAM disk holds only the parts
 * not yet appended, not a second copy of the whole feed, and the copy overlaps the transform.
 *
 * Size limits are applied online: a part that would push the current file past the channel limit
 * closes it (footer, fsync) and opens the next one when the channel allows split files, else the
 * feed is refused (FEEDMILL_PUBLISH_TOO_LARGE). Nothing becomes visible here: `commitFeed` does the
 * gate, the fencing check and the renames.
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { FeedmillError } from '../../errors.js';
import { DirectAppender } from './direct-appender.js';
import { removeStaleTemps, tempPath } from './durable-fs.js';
import { DEFAULT_GZIP_LEVEL, gzipMember } from './gzip-members.js';
import type { FeedLimits, PartFile } from './split.js';
import { fsStep } from './fs-step.js';

export type PublishStep =
  | 'piece-copied'
  | 'file-written'
  | 'checked'
  | 'fenced'
  | 'file-renamed'
  | 'dir-synced'
  | 'manifest-written'
  | 'done';

export type StepHook = (step: PublishStep, detail: { file?: number; piece?: number; fileName?: string }) => void | Promise<void>;

export interface FeedTarget {
  /** Target directory, e.g. dataPaths(config).feeds/<catalog>; created when missing. */
  dir: string;
  catalog: string;
  channel: string;
  /** The public file name, `.gz` included when gzipped (split files are numbered from it). */
  fileName: string;
  gzip: boolean;
  /** @default 3 (DEFAULT_GZIP_LEVEL) */
  gzipLevel?: number | undefined;
  /** Channel header and footer text; compressed here into their own gzip members when gzipped. */
  header: string;
  footer: string;
  limits?: FeedLimits | undefined;
  /** Delete each part file once appended (exports do; a caller that reuses parts does not). */
  consumeParts?: boolean | undefined;
  /** Called after each step; for tracing and for fault injection in tests (a throw fails the publish). */
  onStep?: StepHook | undefined;
  signal?: AbortSignal | undefined;
}

export interface WrittenFile {
  /** Hidden temp path, fsynced and closed. */
  temp: string;
  items: number;
  bytes: number;
  rawBytes: number;
  sha256: string;
}

export interface WrittenFeed {
  target: FeedTarget;
  files: WrittenFile[];
  /** sha256 of all files concatenated in order (equal to the file's own when not split). */
  sha256: string;
  items: number;
}

interface OpenFile {
  temp: string;
  out: DirectAppender;
  /** The file's own hash; undefined for the first file, whose bytes are all the whole feed's so far. */
  own: Hash | undefined;
  /** Every hash the file's bytes go to. */
  hashes: Hash[];
  items: number;
  bytes: number;
  rawBytes: number;
}

export class FeedAssembler {
  readonly target: FeedTarget;
  readonly #header: Buffer;
  readonly #footer: Buffer;
  readonly #headerRaw: number;
  readonly #footerRaw: number;
  readonly #pending = new Map<number, PartFile>();
  readonly #files: WrittenFile[] = [];
  readonly #whole = createHash('sha256');
  readonly #temps: string[] = [];
  #next = 0;
  #pieces = 0;
  #chain: Promise<void> = Promise.resolve();
  #error: unknown;
  #current: OpenFile | undefined;
  #finished = false;
  /** Called once with the first append failure (the export cancels its workers then). */
  onError: ((err: unknown) => void) | undefined;

  private constructor(target: FeedTarget) {
    this.target = target;
    const level = target.gzipLevel ?? DEFAULT_GZIP_LEVEL;
    this.#header = target.gzip ? gzipMember(target.header, level) : Buffer.from(target.header, 'utf8');
    this.#footer = target.gzip ? gzipMember(target.footer, level) : Buffer.from(target.footer, 'utf8');
    this.#headerRaw = Buffer.byteLength(target.header);
    this.#footerRaw = Buffer.byteLength(target.footer);
  }

  /** Prepares the directory (and removes temp files of dead publishers). */
  static async open(target: FeedTarget): Promise<FeedAssembler> {
    await fsStep('mkdir', target.dir, () => mkdir(target.dir, { recursive: true }));
    await fsStep('clean', target.dir, () => removeStaleTemps(target.dir));
    return new FeedAssembler(target);
  }

  /** Hands over part `index` (0-based, each index once); it is appended once all before it are. */
  add(index: number, part: PartFile): void {
    if (this.#finished) throw new FeedmillError('FEEDMILL_INTERNAL', 'part added after the feed was finished', { index });
    this.#pending.set(index, part);
    this.#chain = this.#chain.then(
      () => this.#drain(),
      () => undefined,
    ).catch((err: unknown) => {
      if (this.#error === undefined) {
        this.#error = err;
        this.onError?.(err);
      }
    });
  }

  /** Waits for every append, closes the last file; `parts` is how many parts the feed has. */
  async finish(parts: number): Promise<WrittenFeed> {
    this.#finished = true;
    await this.#chain;
    if (this.#error !== undefined) throw this.#error;
    if (this.#next !== parts || this.#pending.size > 0) {
      throw new FeedmillError('FEEDMILL_INTERNAL', `the ${this.target.channel} feed got ${this.#next} of ${parts} parts in order`, {
        channel: this.target.channel,
        appended: this.#next,
        parts,
        waiting: [...this.#pending.keys()],
      });
    }
    if (this.#current === undefined && this.#files.length === 0) await this.#openFile();
    await this.#closeFile();
    return { target: this.target, files: [...this.#files], sha256: this.#whole.digest('hex'), items: this.#files.reduce((n, f) => n + f.items, 0) };
  }

  /** Stops and removes the temp files (after a failure or a cancel). */
  async abort(): Promise<void> {
    this.#finished = true;
    await this.#chain;
    await this.#current?.out.close().catch(() => undefined);
    this.#current = undefined;
    for (const t of this.#temps) await rm(t, { force: true });
  }

  async #drain(): Promise<void> {
    if (this.#error !== undefined) return;
    for (let part = this.#pending.get(this.#next); part !== undefined; part = this.#pending.get(this.#next)) {
      this.#pending.delete(this.#next);
      await this.#append(part, this.#next);
      this.#next++;
    }
  }

  async #append(part: PartFile, index: number): Promise<void> {
    const { channel, limits, signal } = this.target;
    signal?.throwIfAborted();
    const maxBytes = limits?.maxBytes ?? Infinity;
    const maxItems = limits?.maxItems ?? Infinity;
    const frame = this.#headerRaw + this.#footerRaw;
    if (frame + part.rawBytes > maxBytes || part.items > maxItems) {
      throw new FeedmillError(
        'FEEDMILL_PUBLISH_TOO_LARGE',
        `one part of the ${channel} feed (${part.items} items, ${part.rawBytes} bytes) alone passes the channel limit`,
        { channel, part: index, items: part.items, rawBytes: part.rawBytes, maxBytes: limits?.maxBytes ?? null, maxItems: limits?.maxItems ?? null },
      );
    }
    const cur = this.#current;
    if (cur !== undefined && (cur.rawBytes + part.rawBytes + this.#footerRaw > maxBytes || cur.items + part.items > maxItems)) {
      if (!limits?.split) {
        throw new FeedmillError(
          'FEEDMILL_PUBLISH_TOO_LARGE',
          `the ${channel} feed passes the channel limit (${maxItems} items, ${maxBytes} bytes) and the channel does not allow split files (filter items with rules)`,
          { channel, items: cur.items + part.items, rawBytes: cur.rawBytes + part.rawBytes + this.#footerRaw, maxBytes: limits?.maxBytes ?? null, maxItems: limits?.maxItems ?? null },
        );
      }
      await this.#closeFile();
    }
    const file = this.#current ?? (await this.#openFile());
    file.bytes += await fsStep('copy', part.path, () => file.out.appendFile(part.path, (chunk) => hashAll(file.hashes, chunk)));
    file.items += part.items;
    file.rawBytes += part.rawBytes;
    if (this.target.consumeParts) await rm(part.path, { force: true });
    await this.target.onStep?.('piece-copied', { file: this.#files.length, piece: this.#pieces++ });
  }

  async #openFile(): Promise<OpenFile> {
    const temp = tempPath(this.target.dir, this.target.fileName);
    const out = await fsStep('open', temp, () => DirectAppender.create(temp));
    this.#temps.push(temp);
    // Hashing runs on the main thread at ~1.5 GB/s here: an unsplit feed (nearly all) is hashed
    // once, its sha256 being the whole feed's; only files after a split get a second, own hash.
    const own = this.#files.length === 0 ? undefined : createHash('sha256');
    const file: OpenFile = { temp, out, own, hashes: own === undefined ? [this.#whole] : [own, this.#whole], items: 0, bytes: 0, rawBytes: this.#headerRaw };
    this.#current = file;
    await appendBytes(file, this.#header);
    return file;
  }

  async #closeFile(): Promise<void> {
    const file = this.#current;
    if (file === undefined) return;
    this.#current = undefined;
    try {
      await appendBytes(file, this.#footer);
      file.rawBytes += this.#footerRaw;
      await fsStep('fsync', file.temp, () => file.out.sync());
    } finally {
      await file.out.close();
    }
    this.#files.push({ temp: file.temp, items: file.items, bytes: file.bytes, rawBytes: file.rawBytes, sha256: (file.own ?? this.#whole.copy()).digest('hex') });
    await this.target.onStep?.('file-written', { file: this.#files.length - 1 });
  }
}

/** Header or footer bytes: written, hashed and counted like a part. */
async function appendBytes(file: OpenFile, data: Uint8Array): Promise<void> {
  await fsStep('write', file.temp, () => file.out.write(data));
  hashAll(file.hashes, data);
  file.bytes += data.length;
}

function hashAll(hashes: readonly Hash[], chunk: Uint8Array): void {
  for (const h of hashes) h.update(chunk);
}
