/**
 * Whether a catalog's feeds need work although its fetched source did not change. A nightly
 * pipeline that finds the catalog unchanged (one conditional GET) used to stop there; but feeds also
 * depend on what is not in the source:
 * - the catalog's load settings (profile options such as base-url, currency): a new ingest;
 * - its rules, its channels' definitions (a feedmill upgrade), the staged version a feed was built
 *   from, a channel with no feed yet, and the clock (a dated sale price that starts or ends, see
 *   sale-window.ts, recorded as the manifest's `refreshAt`): a new export.
 */
import { join } from 'node:path';
import { CatalogRegistry, type Catalog } from '../catalogs/index.js';
import { dataPaths, type Config } from '../config.js';
import type { AppDb } from '../db/index.js';
import { manifestPath, readManifest } from '../emit/publish/index.js';
import { CatalogVersions, type LoadSettings } from '../staging/index.js';
import { DEFAULT_FEEDS_DIR, loadChannel } from './channels/index.js';
import { channelHash } from './export.js';
import { loadRuleFile, rulesHash, type RuleSetSpec } from './rules/index.js';
import { DEFAULT_CURRENCY } from '../money.js';

export interface Staleness {
  step: 'ingest' | 'export';
  /** In words, for the task result and the log. */
  why: string;
}

export async function feedStaleness(
  deps: { config: Config; db: AppDb; feedsDir?: string | undefined },
  catalogName: string,
  channels: readonly string[] | undefined,
  now: number,
): Promise<Staleness | undefined> {
  const catalog = new CatalogRegistry(deps.db).get(catalogName);
  const latest = new CatalogVersions(deps.db, deps.config).list(catalogName)[0];
  if (latest === undefined) return { step: 'ingest', why: 'the catalog has no version yet' };
  const changed = settingsChange(catalog, latest.loadSettings);
  if (changed !== undefined) return { step: 'ingest', why: `the catalog's ${changed} changed since version ${latest.version}` };
  // The same source with the same settings failed last time, and would again.
  if (catalog.currentVersion === null) return undefined;
  const dir = join(dataPaths(deps.config).feeds, catalogName);
  let rules: RuleSetSpec | undefined;
  try {
    rules = catalog.rulesPath === null ? undefined : loadRuleFile(catalog.rulesPath);
  } catch {
    return { step: 'export', why: 'the rule file cannot be read (the export reports why)' };
  }
  for (const channel of channels ?? catalog.channels) {
    const m = await readManifest(manifestPath(dir, channel)).catch(() => undefined);
    if (m === undefined) return { step: 'export', why: `${channel} has no published feed` };
    if (m.catalogVersion !== catalog.currentVersion) return { step: 'export', why: `${channel} was built from version ${m.catalogVersion}` };
    if (m.rulesHash !== (rules === undefined ? null : rulesHash(rules, channel))) return { step: 'export', why: `the rules of ${channel} changed` };
    let definitionHash: string;
    try {
      definitionHash = channelHash(loadChannel(channel, deps.feedsDir ?? DEFAULT_FEEDS_DIR));
    } catch {
      return { step: 'export', why: `the channel ${channel} cannot be loaded (the export reports why)` };
    }
    if (m.channelHash !== definitionHash) return { step: 'export', why: `the ${channel} channel definition changed` };
    if (m.refreshAt !== undefined && Date.parse(m.refreshAt) <= now) return { step: 'export', why: `a dated sale price of ${channel} started or ended at ${m.refreshAt}` };
  }
  return undefined;
}

/** Which load setting differs from those the version was loaded with; undefined when none does. */
function settingsChange(catalog: Catalog, loaded: LoadSettings | null): string | undefined {
  if (loaded === null) return undefined; // staged before settings were kept: assume unchanged
  if (canonical(catalog.profileOptions) !== canonical(loaded.profileOptions ?? {})) return 'profile options';
  if ((catalog.currency ?? DEFAULT_CURRENCY) !== (loaded.currency ?? DEFAULT_CURRENCY)) return 'currency';
  return undefined;
}

function canonical(options: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
