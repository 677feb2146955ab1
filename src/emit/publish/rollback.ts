/**
 * Rollback: restores a kept version of a channel's feed under the public names. The kept files are
 * hard links made at publish time, so a rollback is link → rename per file, then the manifest; the
 * version rolled away from stays kept, so a rollback can itself be undone.
 */
import { link, rm, rename, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FeedmillError } from '../../errors.js';
import { fsyncDir, removeStaleTemps, tempPath } from './durable-fs.js';
import { manifestPath, readManifest, type FeedManifest } from './manifest.js';
import { listVersionSequences, writeManifest } from './publish.js';

export interface RollbackInput {
  /** The catalog's feed directory (dataPaths(config).feeds/<catalog>). */
  dir: string;
  channel: string;
  /** The sequence to restore; default: the newest kept one older than the current. */
  to?: number | undefined;
  beforeRename?: (() => void | Promise<void>) | undefined;
}

export interface KeptVersion {
  sequence: number;
  manifest: FeedManifest;
}

/** Kept versions of a channel, newest first (those with a manifest, i.e. fully published). */
export async function listFeedVersions(dir: string, channel: string): Promise<KeptVersion[]> {
  const root = join(dir, 'versions', channel);
  const out: KeptVersion[] = [];
  for (const sequence of await listVersionSequences(root)) {
    const manifest = await readManifest(join(root, String(sequence), 'manifest.json'));
    if (manifest) out.push({ sequence, manifest });
  }
  return out;
}

export async function rollbackFeed(input: RollbackInput): Promise<FeedManifest> {
  const { dir, channel } = input;
  await removeStaleTemps(dir);
  const current = await readManifest(manifestPath(dir, channel));
  const kept = await listFeedVersions(dir, channel);
  const target =
    input.to === undefined
      ? kept.find((v) => current === undefined || v.sequence < current.sequence)
      : kept.find((v) => v.sequence === input.to);
  if (!target) {
    throw new FeedmillError(
      'FEEDMILL_PUBLISH_FAILED',
      `no kept version of the ${channel} feed to roll back to${input.to === undefined ? '' : ` with sequence ${input.to}`}`,
      { channel, to: input.to ?? null, kept: kept.map((v) => v.sequence) },
    );
  }
  const versionDir = join(dir, 'versions', channel, String(target.sequence));
  const present = new Set(await readdir(versionDir));
  const missing = target.manifest.files.filter((f) => !present.has(f.fileName)).map((f) => f.fileName);
  if (missing.length > 0) {
    throw new FeedmillError('FEEDMILL_PUBLISH_FAILED', `kept version ${target.sequence} of the ${channel} feed lacks files`, {
      channel,
      sequence: target.sequence,
      missing,
    });
  }
  const temps: string[] = [];
  try {
    for (const f of target.manifest.files) {
      const temp = tempPath(dir, f.fileName);
      await link(join(versionDir, f.fileName), temp);
      temps.push(temp);
    }
    await input.beforeRename?.();
    for (const [i, f] of target.manifest.files.entries()) await rename(temps[i] as string, join(dir, f.fileName));
    temps.length = 0;
    await fsyncDir(dir);
  } catch (err) {
    for (const t of temps) await rm(t, { force: true });
    throw err instanceof FeedmillError
      ? err
      : new FeedmillError('FEEDMILL_PUBLISH_FAILED', `rolling back the ${channel} feed failed: ${(err as Error).message}`, { channel }, { cause: err });
  }
  const restored: FeedManifest = { ...target.manifest, ...(current ? { rolledBackFrom: current.sequence } : {}) };
  await writeManifest(dir, restored);
  const keep = new Set(restored.files.map((f) => f.fileName));
  for (const old of current?.files ?? []) if (!keep.has(old.fileName)) await rm(join(dir, old.fileName), { force: true });
  return restored;
}
