/**
 * Atomic feed publishing.
 *
 * Order of steps, and what a crash at each leaves visible under the public names:
 *  1. header + parts + footer appended into hidden temp files in the target directory, fsynced
 *     (FeedAssembler)                                → the old feed (the temps are removed by the
 *                                                      next publish once their owner is dead)
 *  2. gate and manifest checks                       → the old feed
 *  3. `beforeRename()` (fencing), hard link of each temp into versions/<channel>/<sequence>/,
 *     rename over the public name, fsync of the directory
 *                                                    → the old feed or the whole new one
 *  4. manifest: temp → fsync → rename → fsync dir    → the new feed; until this step its manifest
 *                                                      is the previous one (the next publish
 *                                                      rewrites both)
 *  5. stale files (numbered files of an older split) and versions beyond `keepVersions` are removed.
 * A feed split into several files is renamed file by file: each file is whole, the set is consistent
 * once the manifest is written.
 */
import { copyFile, link, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FeedmillError, isFeedmillError } from '../../errors.js';
import { FeedAssembler, type FeedTarget, type PublishStep, type WrittenFeed } from './assembler.js';
import { fsyncDir, removeStaleTemps, tempPath, writeTempFile } from './durable-fs.js';
import { fsStep } from './fs-step.js';
import { checkPublishGate } from './gate.js';
import { MANIFEST_FORMAT, manifestName, manifestPath, readManifest, serializeManifest, type FeedManifest, type ManifestFile } from './manifest.js';
import { numberedFileName, planFiles, type PartFile } from './split.js';

export type { PublishStep } from './assembler.js';

export interface CommitOptions {
  excluded: number;
  catalogVersion: number;
  rulesHash: string | null;
  /** ISO timestamp, written to the manifest only: the feed body holds no time unless its channel asks. */
  generatedAt: string;
  /** See FeedManifest.channelHash and refreshAt. */
  channelHash?: string | undefined;
  refreshAt?: string | undefined;
  /** Publish gate; `false` for plain copies. */
  gate: { maxDrop: number; force?: boolean | undefined } | false;
  /** Previous publishes kept under versions/ for rollback; 0 keeps none. */
  keepVersions: number;
  /** Called right before the first rename; throwing stops the publish and leaves the old feed. */
  beforeRename?: (() => void | Promise<void>) | undefined;
}

export interface PublishInput extends FeedTarget, CommitOptions {
  /** Part files in feed order (already gzip members when gzipped). */
  parts: readonly PartFile[];
}

export interface PublishResult {
  manifest: FeedManifest;
  /** Absolute paths of the published files, in order. */
  paths: string[];
  manifestPath: string;
}

/** Publishes a feed from parts that are all on disk already (the export streams them instead). */
export async function publishFeed(input: PublishInput): Promise<PublishResult> {
  const frameRaw = Buffer.byteLength(input.header) + Buffer.byteLength(input.footer);
  // Cheap checks first, so that a refused feed costs no copy.
  planFiles(input.channel, input.fileName, input.parts, frameRaw, input.limits);
  if (input.gate !== false) {
    const previous = await readManifest(manifestPath(input.dir, input.channel));
    const items = input.parts.reduce((n, p) => n + p.items, 0);
    checkPublishGate({ channel: input.channel, previousItems: previous?.items, items, maxDrop: input.gate.maxDrop, force: input.gate.force });
  }
  const assembler = await FeedAssembler.open(input);
  let written: WrittenFeed;
  try {
    for (const [i, p] of input.parts.entries()) assembler.add(i, p);
    written = await assembler.finish(input.parts.length);
  } catch (err) {
    await assembler.abort();
    throw asPublishError(err, input.signal);
  }
  return commitFeed(written, input);
}

/** Gate, fencing, renames and manifest for a feed the assembler wrote; removes its temps on failure. */
export async function commitFeed(written: WrittenFeed, opts: CommitOptions): Promise<PublishResult> {
  const t = written.target;
  const { dir, channel } = t;
  const step = async (s: PublishStep, detail: { fileName?: string } = {}) => {
    await t.onStep?.(s, detail);
  };
  const names = written.files.length === 1 ? [t.fileName] : written.files.map((_, i) => numberedFileName(t.fileName, i + 1));
  const files: ManifestFile[] = written.files.map((f, i) => ({
    fileName: names[i] as string,
    items: f.items,
    bytes: f.bytes,
    rawBytes: f.rawBytes,
    sha256: f.sha256,
  }));
  const versionsRoot = join(dir, 'versions', channel);
  let versionDir: string | undefined;
  let renamed = 0;
  let previous: FeedManifest | undefined;
  let sequence: number;
  try {
    previous = await readManifest(manifestPath(dir, channel));
    if (opts.gate !== false) {
      checkPublishGate({ channel, previousItems: previous?.items, items: written.items, maxDrop: opts.gate.maxDrop, force: opts.gate.force });
    }
    sequence = Math.max(previous?.sequence ?? 0, await highestSequence(versionsRoot)) + 1;
    await step('checked');
    t.signal?.throwIfAborted();
    if (opts.beforeRename) {
      try {
        await opts.beforeRename();
      } catch (err) {
        throw isFeedmillError(err)
          ? err
          : new FeedmillError('FEEDMILL_PUBLISH_FENCED', `the ${channel} feed was not published: the fencing check refused it`, { channel }, { cause: err });
      }
    }
    await step('fenced');
    if (opts.keepVersions > 0) {
      const vdir = join(versionsRoot, String(sequence));
      versionDir = vdir;
      await fsStep('mkdir', vdir, () => mkdir(vdir, { recursive: true }));
    }
    for (const [i, f] of files.entries()) {
      const temp = (written.files[i] as { temp: string }).temp;
      const vdir = versionDir;
      if (vdir !== undefined) await fsStep('link', vdir, () => link(temp, join(vdir, f.fileName)));
      await fsStep('rename', temp, () => rename(temp, join(dir, f.fileName)));
      renamed++;
      await step('file-renamed', { fileName: f.fileName });
    }
    await fsStep('fsync', dir, () => fsyncDir(dir));
    await step('dir-synced');
  } catch (err) {
    for (const f of written.files.slice(renamed)) await rm(f.temp, { force: true });
    if (renamed === 0 && versionDir !== undefined) await rm(versionDir, { recursive: true, force: true });
    throw asPublishError(err, t.signal);
  }

  const manifest: FeedManifest = {
    format: MANIFEST_FORMAT,
    catalog: t.catalog,
    channel,
    fileName: files[0]?.fileName ?? t.fileName,
    sequence,
    catalogVersion: opts.catalogVersion,
    rulesHash: opts.rulesHash,
    gzip: t.gzip,
    items: written.items,
    excluded: opts.excluded,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    rawBytes: files.reduce((n, f) => n + f.rawBytes, 0),
    sha256: written.sha256,
    files,
    generatedAt: opts.generatedAt,
    ...(opts.channelHash !== undefined ? { channelHash: opts.channelHash } : {}),
    ...(opts.refreshAt !== undefined ? { refreshAt: opts.refreshAt } : {}),
  };
  try {
    await writeManifest(dir, manifest);
    const vdir = versionDir;
    if (vdir !== undefined) await fsStep('write', vdir, () => writeManifestCopy(vdir, manifest));
    await step('manifest-written');
    await removeStaleFiles(dir, previous, manifest);
    await pruneVersions(versionsRoot, opts.keepVersions + 1);
    await step('done');
  } catch (err) {
    throw asPublishError(err, t.signal);
  }
  return { manifest, paths: files.map((f) => join(dir, f.fileName)), manifestPath: manifestPath(dir, channel) };
}

/**
 * Publishes a copy of an already published feed into another directory (an `--out` folder): each
 * file copied to a temp name, fsynced, renamed; then the manifest. No gate, no kept versions.
 */
export async function copyPublished(published: PublishResult, outDir: string): Promise<PublishResult> {
  await fsStep('mkdir', outDir, () => mkdir(outDir, { recursive: true }));
  await fsStep('clean', outDir, () => removeStaleTemps(outDir));
  const previous = await readManifest(manifestPath(outDir, published.manifest.channel));
  const paths: string[] = [];
  for (const [i, f] of published.manifest.files.entries()) {
    const temp = tempPath(outDir, f.fileName);
    const target = join(outDir, f.fileName);
    try {
      await fsStep('copy', temp, () => copyFile(published.paths[i] as string, temp));
      const handle = await fsStep('open', temp, () => open(temp, 'r+'));
      try {
        await fsStep('fsync', temp, () => handle.sync());
      } finally {
        await handle.close();
      }
      await fsStep('rename', temp, () => rename(temp, target));
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    paths.push(target);
  }
  await fsStep('fsync', outDir, () => fsyncDir(outDir));
  await writeManifest(outDir, published.manifest);
  await removeStaleFiles(outDir, previous, published.manifest);
  return { manifest: published.manifest, paths, manifestPath: manifestPath(outDir, published.manifest.channel) };
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

/** Files the previous manifest listed that the new one does not (an older split, a gzip switch). */
async function removeStaleFiles(dir: string, previous: FeedManifest | undefined, current: FeedManifest): Promise<void> {
  const keep = new Set(current.files.map((f) => f.fileName));
  for (const old of previous?.files ?? []) {
    if (!keep.has(old.fileName)) await fsStep('remove', join(dir, old.fileName), () => rm(join(dir, old.fileName), { force: true }));
  }
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

export function asPublishError(err: unknown, signal: AbortSignal | undefined): FeedmillError {
  if (isFeedmillError(err)) return err;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return isFeedmillError(reason)
      ? reason
      : new FeedmillError('FEEDMILL_TRANSFORM_ABORTED', 'the export was canceled before its feed was published; the old feed was kept', {}, { cause: reason });
  }
  return new FeedmillError('FEEDMILL_PUBLISH_FAILED', `publishing failed: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
}
