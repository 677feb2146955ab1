/**
 * From a feed URL's file name to one opened, immutable set of bytes and the validators that belong
 * to exactly those bytes.
 *
 * A publish renames the new file over the public name, then writes the manifest; a reader between
 * the two steps would pair the new bytes with the old manifest's sha256. So the file is opened once
 * per request, and its identity is proven before its ETag is used:
 *  - preferred: the kept copy `versions/<channel>/<sequence>/<file>` that the manifest names. That
 *    hard link is created before the public rename and never rewritten, so it holds exactly the
 *    manifest's bytes; an open descriptor survives its later pruning.
 *  - when versions are not kept (keepFeedVersions = 0): the public file, whose sha256 is computed
 *    once per inode (cached) and compared with the manifest's; on a mismatch (a publish is
 *    half-way) the manifests are read again, and if they still disagree the computed hash is the
 *    ETag, since it describes the bytes being sent.
 */
import { createHash } from 'node:crypto';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifest, type FeedManifest, type ManifestFile } from '../emit/publish/index.js';
import { FeedmillError } from '../errors.js';

export interface OpenedFeed {
  handle: FileHandle;
  /** Bytes of the stored file. */
  size: number;
  sha256: string;
  lastModified: Date;
  manifest: FeedManifest;
  file: ManifestFile;
  /** The URL names the uncompressed file and the stored one is its gzip (`<name>.gz`). */
  negotiate: boolean;
}

interface CachedManifest {
  key: string;
  manifest: FeedManifest;
}

const HASH_CACHE_MAX = 256;

export class FeedFiles {
  readonly feedsDir: string;
  readonly #manifests = new Map<string, CachedManifest>();
  readonly #listings = new Map<string, { mtimeMs: number; names: string[] }>();
  readonly #hashes = new Map<string, Promise<string>>();

  constructor(feedsDir: string) {
    this.feedsDir = feedsDir;
  }

  /** Opens the file `name` of `catalog`; 404 when no published feed has it. The caller closes `handle`. */
  async open(catalog: string, name: string): Promise<OpenedFeed> {
    const dir = join(this.feedsDir, catalog);
    for (let attempt = 0; ; attempt++) {
      const found = await this.#find(dir, name);
      if (!found) throw new FeedmillError('FEEDMILL_HTTP_NOT_FOUND', `catalog ${catalog} has no published feed file ${name}`, { catalog, file: name });
      const { manifest, file, negotiate } = found;
      const lastModified = validDate(manifest.generatedAt);
      const kept = await openIfExists(join(dir, 'versions', manifest.channel, String(manifest.sequence), file.fileName));
      // The kept copy is immutable and is the manifest's file: its size and hash are the manifest's.
      if (kept) return { handle: kept, size: file.bytes, sha256: file.sha256, lastModified, manifest, file, negotiate };
      const handle = await openIfExists(join(dir, file.fileName));
      if (!handle) {
        if (attempt < 3) continue;
        throw new FeedmillError('FEEDMILL_HTTP_NOT_FOUND', `catalog ${catalog} has no published feed file ${name}`, { catalog, file: name });
      }
      try {
        const info = await handle.stat();
        const sha256 = await this.#hashOf(handle, `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`);
        if (sha256 === file.sha256 || attempt >= 3) {
          return { handle, size: info.size, sha256, lastModified: sha256 === file.sha256 ? lastModified : info.mtime, manifest, file, negotiate };
        }
      } catch (err) {
        await handle.close();
        throw err;
      }
      await handle.close();
    }
  }

  /** The published manifests of a catalog (for listings), newest-read each time. */
  async manifests(catalog: string): Promise<FeedManifest[]> {
    return this.#readAll(join(this.feedsDir, catalog));
  }

  async #find(dir: string, name: string): Promise<{ manifest: FeedManifest; file: ManifestFile; negotiate: boolean } | undefined> {
    const manifests = await this.#readAll(dir);
    for (const manifest of manifests) {
      const file = manifest.files.find((f) => f.fileName === name);
      if (file) return { manifest, file, negotiate: false };
    }
    for (const manifest of manifests) {
      if (!manifest.gzip) continue;
      const file = manifest.files.find((f) => f.fileName === `${name}.gz`);
      if (file) return { manifest, file, negotiate: true };
    }
    return undefined;
  }

  /**
   * The catalog's manifests. The folder listing is cached until the folder's mtime changes (every
   * publish renames into it); each manifest is parsed once per version, since a new manifest is a
   * new inode (written, then renamed). A pull thus costs two stats, not a listing and a read.
   */
  async #readAll(dir: string): Promise<FeedManifest[]> {
    const dirInfo = await stat(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!dirInfo) return [];
    let names = this.#listings.get(dir);
    if (names?.mtimeMs !== dirInfo.mtimeMs) {
      const listed = (await readdir(dir)).filter((n) => n.endsWith('.manifest.json') && !n.startsWith('.')).sort();
      names = { mtimeMs: dirInfo.mtimeMs, names: listed };
      this.#listings.set(dir, names);
    }
    const out: FeedManifest[] = [];
    for (const n of names.names) {
      const path = join(dir, n);
      const info = await stat(path).catch(() => undefined);
      if (!info) continue;
      const key = `${info.ino}:${info.mtimeMs}:${info.size}`;
      const cached = this.#manifests.get(path);
      if (cached?.key === key) {
        out.push(cached.manifest);
        continue;
      }
      const manifest = await readManifest(path);
      if (!manifest) continue;
      this.#manifests.set(path, { key, manifest });
      out.push(manifest);
    }
    return out;
  }

  /** One hashing per file version, shared by the requests that arrive while it runs. */
  #hashOf(handle: FileHandle, key: string): Promise<string> {
    const cached = this.#hashes.get(key);
    if (cached !== undefined) return cached;
    const pending = hashFile(handle);
    if (this.#hashes.size >= HASH_CACHE_MAX) this.#hashes.delete(this.#hashes.keys().next().value as string);
    this.#hashes.set(key, pending);
    pending.catch(() => this.#hashes.delete(key));
    return pending;
  }
}

async function hashFile(handle: FileHandle): Promise<string> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let pos = 0; ; ) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return hash.digest('hex');
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function validDate(iso: string): Date {
  const t = Date.parse(iso);
  return new Date(Number.isFinite(t) ? Math.floor(t / 1000) * 1000 : 0);
}
