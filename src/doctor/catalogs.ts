/**
 * The configured catalogs and the size of their current version, read from the app DB. A missing app
 * DB means no catalog yet: the doctor never creates one.
 */
import { existsSync, statSync } from 'node:fs';
import type { Config } from '../config.js';
import { dataPaths } from '../config.js';
import { CatalogRegistry } from '../catalogs/index.js';
import { openAppDbAt } from '../db/index.js';
import { CatalogVersions } from '../staging/index.js';
import type { CatalogSize } from './sizing.js';

export function readCatalogSizes(config: Config): CatalogSize[] {
  const path = dataPaths(config).appDb;
  if (!existsSync(path)) return [];
  const db = openAppDbAt(path);
  try {
    const versions = new CatalogVersions(db, config);
    return new CatalogRegistry(db).list().map((c) => {
      const v = c.currentVersion === null ? undefined : versions.get(c.name, c.currentVersion);
      return {
        catalog: c.name,
        channels: c.channels.length,
        offers: v?.offers ?? null,
        stagingBytes: v ? fileSize(v.stagingPath) : null,
        sourceBytes: (v?.sourcePath && fileSize(v.sourcePath)) || 0,
      };
    });
  } finally {
    db.close();
  }
}

function fileSize(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}
