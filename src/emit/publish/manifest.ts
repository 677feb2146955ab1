/**
 * The manifest published beside each feed: what the feed holds and where it came from, so that a
 * reader (or the next export's publish gate) never has to open the feed itself.
 *
 * Layout in the feeds volume, per catalog directory:
 *   <fileName>                      the public feed (or <stem>.<n><ext> files when split)
 *   <channel>.manifest.json         its manifest (this type)
 *   versions/<channel>/<sequence>/  the files and manifest.json of recent publishes, for rollback
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FeedmillError } from '../../errors.js';

export const MANIFEST_FORMAT = 1;

export interface ManifestFile {
  fileName: string;
  items: number;
  bytes: number;
  /** Uncompressed size (equal to `bytes` for a plain feed). */
  rawBytes: number;
  sha256: string;
}

export interface FeedManifest {
  format: typeof MANIFEST_FORMAT;
  catalog: string;
  channel: string;
  /** The public file name (the first file's name when the feed is split). */
  fileName: string;
  /** Increases by one on every publish of this channel; names the versions/ folder. */
  sequence: number;
  catalogVersion: number;
  rulesHash: string | null;
  gzip: boolean;
  items: number;
  excluded: number;
  /** Sum over files. */
  bytes: number;
  rawBytes: number;
  /** Of the single file; of the files concatenated in order when split. */
  sha256: string;
  files: ManifestFile[];
  generatedAt: string;
  /** Hash of the channel definition the feed was rendered with (absent in older manifests). */
  channelHash?: string;
  /**
   * When the feed goes stale although its catalog does not change: the first dated sale price
   * (`sale_price_effective_date`) that starts or ends after `generatedAt`. Absent: never.
   */
  refreshAt?: string;
  /** Set when this manifest was restored by a rollback from a later sequence. */
  rolledBackFrom?: number;
}

export function manifestName(channel: string): string {
  return `${channel}.manifest.json`;
}

export function manifestPath(dir: string, channel: string): string {
  return join(dir, manifestName(channel));
}

export function serializeManifest(m: FeedManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** The manifest at `path`, undefined when there is none; a malformed one is a coded error. */
export async function readManifest(path: string): Promise<FeedManifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FeedmillError('FEEDMILL_PUBLISH_FAILED', `cannot read the feed manifest ${path}`, { path }, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FeedmillError('FEEDMILL_PUBLISH_FAILED', `the feed manifest ${path} is not valid JSON; delete it to publish again`, { path }, { cause: err });
  }
  if (!isManifest(value)) {
    throw new FeedmillError('FEEDMILL_PUBLISH_FAILED', `the feed manifest ${path} does not have the manifest shape; delete it to publish again`, { path });
  }
  return value;
}

function isManifest(v: unknown): v is FeedManifest {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as Record<string, unknown>;
  return (
    m.format === MANIFEST_FORMAT &&
    typeof m.channel === 'string' &&
    typeof m.fileName === 'string' &&
    typeof m.sequence === 'number' &&
    typeof m.items === 'number' &&
    Array.isArray(m.files) &&
    m.files.every((f: unknown) => typeof f === 'object' && f !== null && typeof (f as ManifestFile).fileName === 'string')
  );
}
