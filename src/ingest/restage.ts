/**
 * Staging lives on a RAM disk and is lost on reboot; the sources stay on the data disk. Before an
 * export, a catalog whose current staging file is gone is ingested again from the source its
 * version was built from, so a nightly export after a reboot needs no one to step in.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../config.js';
import type { AppDb } from '../db/index.js';
import { isFeedmillError } from '../errors.js';
import type { Logger } from '../log.js';
import { CatalogVersions } from '../staging/index.js';
import { ingestFile, type IngestResult } from './ingest.js';

/** Returns the new ingest when one was needed, undefined when the staging was there. */
export async function restageIfMissing(
  opts: { config: Config; db: AppDb; catalog: string; signal?: AbortSignal | undefined; log?: Logger | undefined },
): Promise<IngestResult | undefined> {
  const versions = new CatalogVersions(opts.db, opts.config);
  try {
    versions.current(opts.catalog);
    return undefined;
  } catch (err) {
    if (!isFeedmillError(err, 'FEEDMILL_STAGING_MISSING')) throw err;
    const source = err.details.sourcePath;
    if (typeof source !== 'string' || !existsSync(source)) throw err;
    opts.log?.warn('staging lost, ingesting the kept source again', { catalog: opts.catalog, version: err.details.version });
    // As the lost version was built: the profile it asked for (its options were checked against
    // that one, 'auto' included) or else the one it chose, and its settings.
    const lost = typeof err.details.version === 'number' ? versions.get(opts.catalog, err.details.version) : undefined;
    const s = lost?.loadSettings ?? {};
    return ingestFile({
      config: opts.config,
      db: opts.db,
      catalog: opts.catalog,
      source,
      sourceName: lost?.sourceName ?? undefined,
      profile: s.profile ?? lost?.profile ?? undefined,
      profileOptions: s.profileOptions,
      currency: s.currency,
      encoding: s.encoding,
      encodingHint: s.encodingHint,
      delimiter: s.delimiter,
      signal: opts.signal,
      log: opts.log,
    });
  }
}
