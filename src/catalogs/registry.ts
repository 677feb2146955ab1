/**
 * The catalog registry in the app DB: each catalog's profile, channels, rules and the pointer to
 * its current version. Versions themselves (staging files and their swap) are src/staging's.
 */
import type { AppDb } from '../db/index.js';
import { ensureColumn, ensureSchema } from '../db/index.js';
import { FeedmillError } from '../errors.js';
import { assertName } from '../names.js';

export const CATALOG_DDL = `
CREATE TABLE IF NOT EXISTS catalogs (
  name TEXT PRIMARY KEY,
  profile TEXT NOT NULL,
  channels TEXT NOT NULL DEFAULT '[]',
  rules_path TEXT,
  currency TEXT,
  current_version INTEGER,
  created_at TEXT NOT NULL,
  profile_options TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS catalog_versions (
  catalog TEXT NOT NULL,
  version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('loading', 'ready', 'failed', 'superseded')),
  staging_path TEXT NOT NULL,
  source_path TEXT,
  source_name TEXT,
  profile TEXT,
  format TEXT,
  container TEXT,
  encoding TEXT,
  seen INTEGER,
  accepted INTEGER,
  rejected INTEGER,
  products INTEGER,
  offers INTEGER,
  rejects_by_code TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  load_settings TEXT,
  PRIMARY KEY (catalog, version)
);
`;

export interface Catalog {
  name: string;
  profile: string;
  channels: string[];
  rulesPath: string | null;
  currency: string | null;
  /** `--profile-option` pairs applied to every load of the catalog (e.g. magento2 base-url). */
  profileOptions: Record<string, string>;
  currentVersion: number | null;
  createdAt: string;
}

interface CatalogRow {
  name: string;
  profile: string;
  channels: string;
  rules_path: string | null;
  currency: string | null;
  profile_options: string;
  current_version: number | null;
  created_at: string;
}

export interface CatalogInput {
  name: string;
  profile: string;
  channels?: readonly string[];
  rulesPath?: string | null;
  currency?: string | null;
  profileOptions?: Readonly<Record<string, string>>;
}

export class CatalogRegistry {
  readonly db: AppDb;

  constructor(db: AppDb) {
    this.db = db;
    ensureSchema(db, CATALOG_DDL);
    // App DBs made before catalogs kept profile options.
    ensureColumn(db, 'catalogs', 'profile_options', "TEXT NOT NULL DEFAULT '{}'");
    ensureColumn(db, 'catalog_versions', 'load_settings', 'TEXT');
  }

  add(input: CatalogInput): Catalog {
    assertName(input.name, 'catalog');
    for (const c of input.channels ?? []) assertName(c, 'channel');
    try {
      this.db
        .prepare('INSERT INTO catalogs (name, profile, channels, rules_path, currency, profile_options, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(
          input.name,
          input.profile,
          JSON.stringify(input.channels ?? []),
          input.rulesPath ?? null,
          input.currency ?? null,
          JSON.stringify(input.profileOptions ?? {}),
          new Date().toISOString(),
        );
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new FeedmillError('FEEDMILL_CATALOG_EXISTS', `catalog ${input.name} exists already; use another name or remove it first`, {
          catalog: input.name,
        });
      }
      throw err;
    }
    return this.get(input.name);
  }

  /** Updates the given fields of an existing catalog. */
  update(name: string, patch: Partial<Omit<CatalogInput, 'name'>>): Catalog {
    const current = this.get(name);
    for (const c of patch.channels ?? []) assertName(c, 'channel');
    this.db
      .prepare('UPDATE catalogs SET profile = ?, channels = ?, rules_path = ?, currency = ?, profile_options = ? WHERE name = ?')
      .run(
        patch.profile ?? current.profile,
        JSON.stringify(patch.channels ?? current.channels),
        patch.rulesPath === undefined ? current.rulesPath : patch.rulesPath,
        patch.currency === undefined ? current.currency : patch.currency,
        JSON.stringify(patch.profileOptions ?? current.profileOptions),
        name,
      );
    return this.get(name);
  }

  find(name: string): Catalog | undefined {
    const row = this.db.prepare('SELECT * FROM catalogs WHERE name = ?').get(name) as CatalogRow | undefined;
    return row && fromRow(row);
  }

  get(name: string): Catalog {
    const found = this.find(name);
    if (!found) {
      throw new FeedmillError('FEEDMILL_CATALOG_UNKNOWN', `no catalog named ${name}; create it with 'feedmill catalog add ${name} --profile <p>'`, {
        catalog: name,
      });
    }
    return found;
  }

  list(): Catalog[] {
    return (this.db.prepare('SELECT * FROM catalogs ORDER BY name').all() as CatalogRow[]).map(fromRow);
  }

  /** Removes the catalog and its version rows; files are the caller's to delete. */
  remove(name: string): void {
    this.get(name);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM catalog_versions WHERE catalog = ?').run(name);
      this.db.prepare('DELETE FROM catalogs WHERE name = ?').run(name);
    })();
  }
}

function fromRow(row: CatalogRow): Catalog {
  return {
    name: row.name,
    profile: row.profile,
    channels: JSON.parse(row.channels) as string[],
    rulesPath: row.rules_path,
    currency: row.currency,
    profileOptions: JSON.parse(row.profile_options) as Record<string, string>,
    currentVersion: row.current_version,
    createdAt: row.created_at,
  };
}
