/**
 * Catalog administration shared by the API and the CLI (`catalog add|list|show|remove`), so both
 * validate and answer the same way: the profile and channels must exist, rules are kept in the
 * data dir, and removing a catalog removes its tokens, sources, staging files and feeds — refused
 * while one of its tasks is queued or running.
 */
import { mkdir, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { CatalogRegistry, type Catalog } from '../catalogs/index.js';
import { dataPaths, type Config } from '../config.js';
import type { AppDb } from '../db/index.js';
import { FeedmillError } from '../errors.js';
import { checkProfileOptions, findProfile } from '../ingest/index.js';
import { assertName } from '../names.js';
import { CatalogVersions, type VersionInfo } from '../staging/index.js';
import { ACTIVE_STATUSES, catalogLane, type TaskStore } from '../tasks/index.js';
import { loadChannel, type ChannelDefinition } from '../transform/index.js';
import type { FeedManifest } from '../emit/publish/index.js';
import { FeedFiles } from './feed-file.js';
import { TokenStore, type TokenInfo } from './tokens.js';

export interface AdminDeps {
  config: Config;
  db: AppDb;
  /** Channel definitions folder (tests); default the repository's feeds/. */
  feedsDir?: string | undefined;
}

export interface CatalogSpec {
  name: string;
  profile: string;
  channels?: readonly string[] | undefined;
  currency?: string | null | undefined;
  /** A rule file on this machine (CLI). */
  rulesPath?: string | null | undefined;
  /** Rule text (API): stored as rules/<catalog>.rules.{json,yaml} in the data dir. */
  rulesText?: string | undefined;
  /** `--profile-option` pairs for every load of the catalog; an update replaces the whole set. */
  profileOptions?: Readonly<Record<string, string>> | undefined;
}

export interface CatalogDetails {
  catalog: Catalog;
  versions: VersionInfo[];
  feeds: FeedManifest[];
  tokens: TokenInfo[];
}

const CURRENCY = /^[A-Z]{3}$/;

export function validateCatalogSpec(deps: AdminDeps, spec: Partial<CatalogSpec>): void {
  if (spec.name !== undefined) assertName(spec.name, 'catalog');
  if (spec.profile !== undefined && spec.profile !== 'auto') findProfile(spec.profile);
  if (spec.profile !== undefined && spec.profileOptions !== undefined) checkProfileOptions(spec.profile, spec.profileOptions);
  for (const c of spec.channels ?? []) channelDefinition(deps, c);
  if (spec.currency !== undefined && spec.currency !== null && !CURRENCY.test(spec.currency)) {
    throw new FeedmillError('FEEDMILL_HTTP_BAD_REQUEST', `currency must be an ISO 4217 code like EUR, got ${JSON.stringify(spec.currency)}`, {
      field: 'currency',
    });
  }
}

function channelDefinition(deps: AdminDeps, name: string): ChannelDefinition {
  return deps.feedsDir === undefined ? loadChannel(name) : loadChannel(name, deps.feedsDir);
}

export async function addCatalog(deps: AdminDeps, spec: CatalogSpec): Promise<Catalog> {
  validateCatalogSpec(deps, spec);
  const registry = new CatalogRegistry(deps.db);
  if (registry.find(spec.name)) {
    throw new FeedmillError('FEEDMILL_CATALOG_EXISTS', `catalog ${spec.name} exists already; use another name or remove it first`, { catalog: spec.name });
  }
  const rulesPath = spec.rulesText !== undefined ? await storeRules(deps.config, spec.name, spec.rulesText) : (spec.rulesPath ?? null);
  return registry.add({
    name: spec.name,
    profile: spec.profile,
    channels: spec.channels ?? [],
    currency: spec.currency ?? null,
    rulesPath,
    profileOptions: spec.profileOptions ?? {},
  });
}

export async function updateCatalog(deps: AdminDeps, name: string, patch: Partial<Omit<CatalogSpec, 'name'>>): Promise<Catalog> {
  const registry = new CatalogRegistry(deps.db);
  const current = registry.get(name);
  // The options must suit the profile the catalog ends with, whichever of the two changes.
  validateCatalogSpec(deps, { ...patch, profile: patch.profile ?? current.profile, profileOptions: patch.profileOptions ?? current.profileOptions });
  const rulesPath = patch.rulesText !== undefined ? await storeRules(deps.config, name, patch.rulesText) : patch.rulesPath;
  return registry.update(name, {
    ...(patch.profile !== undefined ? { profile: patch.profile } : {}),
    ...(patch.channels !== undefined ? { channels: patch.channels } : {}),
    ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
    ...(rulesPath !== undefined ? { rulesPath } : {}),
    ...(patch.profileOptions !== undefined ? { profileOptions: patch.profileOptions } : {}),
  });
}

export async function describeCatalog(deps: AdminDeps, name: string, feeds?: FeedFiles): Promise<CatalogDetails> {
  const catalog = new CatalogRegistry(deps.db).get(name);
  const versions = new CatalogVersions(deps.db, deps.config).list(name).slice(0, 10);
  const manifests = await (feeds ?? new FeedFiles(dataPaths(deps.config).feeds)).manifests(name);
  return { catalog, versions, feeds: manifests, tokens: new TokenStore(deps.db).list(name) };
}

export async function removeCatalog(deps: AdminDeps, name: string, store: TaskStore): Promise<void> {
  const registry = new CatalogRegistry(deps.db);
  registry.get(name);
  const active = await store.list({ lane: catalogLane(name), status: ACTIVE_STATUSES, limit: 1 });
  if (active.length > 0) {
    throw new FeedmillError('FEEDMILL_TASK_STATE', `catalog ${name} has a queued or running task (${active[0]?.id}); cancel it or wait, then remove`, {
      catalog: name,
      taskId: active[0]?.id ?? null,
    });
  }
  const staging = new CatalogVersions(deps.db, deps.config).stagingDirOf(name);
  deps.db.transaction(() => {
    new TokenStore(deps.db).removeCatalog(name);
    registry.remove(name);
  })();
  const paths = dataPaths(deps.config);
  for (const dir of [join(paths.feeds, name), join(paths.sources, name), join(paths.reports, name), staging]) {
    await rm(dir, { recursive: true, force: true });
  }
  await rm(rulesFile(deps.config, name, 'json'), { force: true });
  await rm(rulesFile(deps.config, name, 'yaml'), { force: true });
}

async function storeRules(config: Config, catalog: string, text: string): Promise<string> {
  const format = /^\uFEFF?\s*[{[]/.test(text) ? 'json' : 'yaml';
  const path = rulesFile(config, catalog, format);
  await mkdir(join(config.dataDir, 'rules'), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, text, { mode: 0o640 });
  await rename(temp, path);
  return path;
}

function rulesFile(config: Config, catalog: string, format: 'json' | 'yaml'): string {
  return join(config.dataDir, 'rules', `${catalog}.rules.${format}`);
}
