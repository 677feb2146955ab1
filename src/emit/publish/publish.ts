/**
 * Atomic feed publishing.
 *
 * Order of steps, and what a crash at each leaves visible under the public names:
 *  1. gate and size checks (nothing written)           → the old feed
 *  2. header + parts + footer copied into a temp file in the same directory, fsynced
 *                                                       → the old feed (the temp is hidden, removed by
 *                                                         the next publish once its owner is dead)
 *  3. `beforeRename()` (fencing), hard link of the temp into versions/<channel>/<sequence>/, rename
 *     over the public name, fsync of the directory     → the old feed or the whole new one
 *  4. manifest: temp → fsync → rename → fsync dir       → the new feed; until this step its manifest
 *                                                         is the previous one (the next publish
 *                                                         rewrites both)
 *  5. stale files (numbered files of an older split) and versions beyond `keepVersions` are removed.
 * A feed split into several files is renamed file by file: each file is whole, the set is consistent
 * once the manifest is written.
 */
import { createHash } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FeedmillError, isFeedmillError } from '../../errors.js';
import { concatPieces, type FeedPiece } from './concat.js';
import { fsyncDir, removeStaleTemps, tempPath, writeTempFile } from './durable-fs.js';
import { checkPublishGate } from './gate.js';
import { DEFAULT_GZIP_LEVEL, gzipMember } from './gzip-members.js';
import { MANIFEST_FORMAT, manifestName, manifestPath, readManifest, serializeManifest, type FeedManifest, type ManifestFile } from './manifest.js';
import { planFiles, type FeedLimits, type PartFile } from './split.js';

export type PublishStep =
  | 'checked'
  | 'piece-copied'
  | 'file-written'
  | 'fenced'
  | 'file-renamed'
  | 'dir-synced'
  | 'manifest-written'
  | 'done';

export interface PublishInput {
  /** Target directory, e.g. dataPaths(config).feeds/<catalog>; created when missing. */
  dir: string;
  catalog: string;
  channel: string;
  /** The public file name, `.gz` included when gzipped. */
  fileName: string;
  gzip: boolean;
  /** @default 6 */
  gzipLevel?: number | undefined;
  /** Channel header and footer text; compressed here into their own gzip members when gzipped. */
  header: string;
  footer: string;
  /** Part files in feed order (already gzip members when gzipped). */
  parts: readonly PartFile[];
  excluded: number;
  catalogVersion: number;
  rulesHash: string | null;
  /** ISO timestamp, written to the manifest only: the feed body holds no time. */
  generatedAt: string;
  /** Publish gate; `false` for plain copies (e.g. an --out directory). */
  gate: { maxDrop: number; force?: boolean | undefined } | false;
  limits?: FeedLimits | undefined;
  /** Previous publishes kept under versions/ for rollback; 0 keeps none. */
  keepVersions: number;
  /** Called right before the first rename; throwing stops the publish and leaves the old feed. */
  beforeRename?: (() => void) | undefined;
  /** Called after each step; for tracing and for fault injection in tests (a throw fails the publish). */
  onStep?: ((step: PublishStep, detail: { fileName?: string; piece?: number }) => void | Promise<void>) | undefined;
  signal?: AbortSignal | undefined;
}

export interface PublishResult {
  manifest: FeedManifest;
  /** Absolute paths of the published files, in order. */
  paths: string[];
  manifestPath: string;
}

export async function publishFeed(input: PublishInput): Promise<PublishResult> {
  const { dir, channel } = input;
  const step = async (s: PublishStep, detail: { fileName?: string; piece?: number } = {}) => {
    await input.onStep?.(s, detail);
  };
  await fsStep('mkdir', dir, () => mkdir(dir, { recursive: true }));
  await fsStep('clean', dir, () => removeStaleTemps(dir));

  const previous = await readManifest(manifestPath(dir, channel));
  const items = input.parts.reduce((n, p) => n + p.items, 0);
  if (input.gate !== false) {
    checkPublishGate({ channel, previousItems: previous?.items, items, maxDrop: input.gate.maxDrop, force: input.gate.force });
  }
  const level = input.gzipLevel ?? DEFAULT_GZIP_LEVEL;
  const header = input.gzip ? gzipMember(input.header, level) : Buffer.from(input.header, 'utf8');
  const footer = input.gzip ? gzipMember(input.footer, level) : Buffer.from(input.footer, 'utf8');
  const frameRaw = Buffer.byteLength(input.header) + Buffer.byteLength(input.footer);
  const plan = planFiles(channel, input.fileName, input.parts, frameRaw, input.limits);

  const versionsRoot = join(dir, 'versions', channel);
  const sequence = Math.max(previous?.sequence ?? 0, await highestSequence(versionsRoot)) + 1;
  const versionDir = join(versionsRoot, String(sequence));
  const temps: string[] = [];
  const files: ManifestFile[] = [];
  const whole = createHash('sha256');
  let renamed = 0;
  try {
    await step('checked');
    for (const f of plan) {
      input.signal?.throwIfAborted();
      const temp = tempPath(dir, f.fileName);
      temps.push(temp);
      const pieces: FeedPiece[] = [
        { kind: 'bytes', data: header },
        ...f.parts.map((p): FeedPiece => ({ kind: 'file', path: p.path })),
        { kind: 'bytes', data: footer },
      ];
      const out = await fsStep('open', temp, () => open(temp, 'wx', 0o644));
      let written;
      try {
        written = await concatPieces(out, pieces, {
          extraHash: whole,
          signal: input.signal,
          afterPiece: (piece) => step('piece-copied', { fileName: f.fileName, piece }),
        });
        await fsStep('fsync', temp, () => out.sync());
      } finally {
        await out.close();
      }
      files.push({ fileName: f.fileName, items: f.items, bytes: written.bytes, rawBytes: f.rawBytes, sha256: written.sha256 });
      await step('file-written', { fileName: f.fileName });
    }
    input.signal?.throwIfAborted();
    if (input.beforeRename) {
      try {
        input.beforeRename();
      } catch (err) {
        throw isFeedmillError(err)
          ? err
          : new FeedmillError('FEEDMILL_PUBLISH_FENCED', `the ${channel} feed was not published: the fencing check refused it`, { channel }, { cause: err });
      }
    }
    await step('fenced');
    if (input.keepVersions > 0) await fsStep('mkdir', versionDir, () => mkdir(versionDir, { recursive: true }));
    for (const [i, f] of files.entries()) {
      const temp = temps[i] as string;
      if (input.keepVersions > 0) await fsStep('link', versionDir, () => link(temp, join(versionDir, f.fileName)));
      await fsStep('rename', temp, () => rename(temp, join(dir, f.fileName)));
      renamed++;
      await step('file-renamed', { fileName: f.fileName });
    }
    await fsStep('fsync', dir, () => fsyncDir(dir));
    await step('dir-synced');
  } catch (err) {
    for (const t of temps.slice(renamed)) await rm(t, { force: true });
    if (renamed === 0 && input.keepVersions > 0) await rm(versionDir, { recursive: true, force: true });
    throw asPublishError(err, input.signal);
  }

  const manifest: FeedManifest = {
    format: MANIFEST_FORMAT,
    catalog: input.catalog,
    channel,
    fileName: files[0]?.fileName ?? input.fileName,
    sequence,
    catalogVersion: input.catalogVersion,
    rulesHash: input.rulesHash,
    gzip: input.gzip,
    items: files.reduce((n, f) => n + f.items, 0),
    excluded: input.excluded,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    rawBytes: files.reduce((n, f) => n + f.rawBytes, 0),
    sha256: files.length === 1 ? (files[0] as ManifestFile).sha256 : whole.digest('hex'),
    files,
    generatedAt: input.generatedAt,
  };
  try {
    await writeManifest(dir, manifest);
    if (input.keepVersions > 0) await fsStep('write', versionDir, () => writeManifestCopy(versionDir, manifest));
    await step('manifest-written');
    const keep = new Set(files.map((f) => f.fileName));
    for (const old of previous?.files ?? []) {
      if (!keep.has(old.fileName)) await rm(join(dir, old.fileName), { force: true });
    }
    await pruneVersions(versionsRoot, input.keepVersions + 1);
    await step('done');
  } catch (err) {
    throw asPublishError(err, input.signal);
  }
  return { manifest, paths: files.map((f) => join(dir, f.fileName)), manifestPath: manifestPath(dir, channel) };
}

/** Atomically replaces `<channel>.manifest.json` in `dir`. */
export async function writeManifest(dir: string, manifest: FeedManifest): Promise<void> {
  const name = manifestName(manifest.channel);
  const temp = await fsStep('write', dir, () => writeTempFile(dir, name, serializeManifest(manifest)));
  try {
    await fsStep('rename', temp, () => rename(temp, join(dir, name)));
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await fsStep('fsync', dir, () => fsyncDir(dir));
}

async function writeManifestCopy(versionDir: string, manifest: FeedManifest): Promise<void> {
  const temp = await writeTempFile(versionDir, 'manifest.json', serializeManifest(manifest));
  await rename(temp, join(versionDir, 'manifest.json'));
}

/** Sequence numbers of the kept versions of one channel, highest first. */
export async function listVersionSequences(versionsRoot: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(versionsRoot);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => /^[0-9]+$/.test(n))
    .map(Number)
    .sort((a, b) => b - a);
}

async function highestSequence(versionsRoot: string): Promise<number> {
  return (await listVersionSequences(versionsRoot))[0] ?? 0;
}

async function pruneVersions(versionsRoot: string, keep: number): Promise<void> {
  const sequences = await listVersionSequences(versionsRoot);
  for (const s of sequences.slice(keep)) await rm(join(versionsRoot, String(s)), { recursive: true, force: true });
}

async function fsStep<T>(op: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isFeedmillError(err)) throw err;
    throw new FeedmillError('FEEDMILL_PUBLISH_FAILED', `publishing failed at ${op} of ${path}: ${(err as Error).message}`, {
      op,
      path,
      errno: (err as NodeJS.ErrnoException).code ?? null,
    }, { cause: err });
  }
}

function asPublishError(err: unknown, signal: AbortSignal | undefined): FeedmillError {
  if (isFeedmillError(err)) return err;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return isFeedmillError(reason)
      ? reason
      : new FeedmillError('FEEDMILL_TRANSFORM_ABORTED', 'the export was canceled before its feed was published; the old feed was kept', {}, { cause: reason });
  }
  return new FeedmillError('FEEDMILL_PUBLISH_FAILED', `publishing failed: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
}
