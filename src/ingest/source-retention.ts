/**
 * Uploaded and fetched catalogs are kept on the data disk (`<data>/sources/<catalog>/`): staging
 * lost with the RAM disk is rebuilt from them, and a failed ingest can be looked at. A catalog
 * pushed or fetched every night adds a file each time, several GB for large merchants, so after each
 * ingest only the sources of the newest `keepSources` versions stay, whatever their status.
 *
 * Only files inside the catalog's sources folder that an older version names are deleted: a local
 * file given to `feedmill ingest` is the user's, and an upload waiting for its ingest task belongs
 * to no version yet. The fetch state's file, the base of the next conditional GET, is kept too.
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { dataPaths, type Config } from '../config.js';
import type { AppDb } from '../db/index.js';
import { CatalogVersions } from '../staging/index.js';
import { FetchState } from '../tasks/fetch-state.js';

/** Deletes the sources no kept version needs; returns their paths. */
export function pruneSources(db: AppDb, config: Config, catalog: string): string[] {
  const dir = resolve(join(dataPaths(config).sources, catalog));
  const versions = new CatalogVersions(db, config).list(catalog); // newest first
  const keep = new Set<string>();
  for (const v of versions.slice(0, config.keepSources)) if (v.sourcePath !== null) keep.add(resolve(v.sourcePath));
  const fetched = new FetchState(db).get(catalog)?.path;
  if (fetched !== undefined) keep.add(resolve(fetched));
  const removed = new Set<string>();
  for (const v of versions.slice(config.keepSources)) {
    if (v.sourcePath === null) continue;
    const path = resolve(v.sourcePath);
    if (dirname(path) !== dir || keep.has(path) || removed.has(path) || !existsSync(path)) continue;
    rmSync(path, { force: true });
    removed.add(path);
  }
  return [...removed];
}
