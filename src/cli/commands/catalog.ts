/** `feedmill catalog add|set|list|show|remove`: catalog administration (the API has the same under /api/v1/catalogs). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CatalogRegistry, type Catalog } from '../../catalogs/index.js';
import { openAppDb } from '../../db/index.js';
import { FeedmillError } from '../../errors.js';
import { addCatalog, describeCatalog, removeCatalog, updateCatalog } from '../../server/index.js';
import { SqliteTaskStore } from '../../tasks/index.js';
import { print, printJson, type Command } from '../command.js';
import { keyValueOptions, listOption, requireString } from '../options.js';

const usage = [
  'feedmill catalog add <name> --profile <p> [--profile-option k=v]... [--channels a,b] [--rules FILE] [--currency EUR] [--json]',
  '       feedmill catalog set <name> [--profile p] [--profile-option k=v]... [--channels a,b] [--rules FILE] [--currency EUR] [--json]',
  '       feedmill catalog list [--json]',
  '       feedmill catalog show <name> [--json]',
  '       feedmill catalog remove <name> [--json]',
].join('\n');

export const catalogCommand: Command = {
  name: 'catalog',
  summary: 'add, change, list, show or remove catalogs (profile and its options, channels, rules)',
  usage,
  options: {
    profile: { type: 'string' },
    'profile-option': { type: 'string', multiple: true },
    channels: { type: 'string' },
    rules: { type: 'string' },
    currency: { type: 'string' },
  },
  async run(ctx) {
    const [action, name, ...extra] = ctx.positionals;
    const needName = () => {
      if (name === undefined || extra.length > 0) throw new FeedmillError('FEEDMILL_CLI_USAGE', `catalog ${action} takes one catalog name\nusage: ${usage}`, {});
      return name;
    };
    const db = openAppDb(ctx.config);
    const deps = { config: ctx.config, db };
    try {
      switch (action) {
        case 'add': {
          const catalog = await addCatalog(deps, {
            name: needName(),
            profile: requireString(ctx.values.profile, '--profile', usage),
            channels: listOption(ctx.values.channels),
            currency: typeof ctx.values.currency === 'string' ? ctx.values.currency : undefined,
            rulesPath: rulesFlag(ctx.values.rules),
            profileOptions: withoutEmpty(keyValueOptions(ctx.values['profile-option'], '--profile-option')),
          });
          if (ctx.json) printJson(ctx, { catalog });
          else print(ctx, `catalog ${catalog.name} added (${describeSettings(catalog)})`);
          return 0;
        }
        case 'set': {
          const target = needName();
          const current = new CatalogRegistry(db).get(target);
          const given = keyValueOptions(ctx.values['profile-option'], '--profile-option');
          const catalog = await updateCatalog(deps, target, {
            profile: typeof ctx.values.profile === 'string' ? ctx.values.profile : undefined,
            channels: ctx.values.channels === undefined ? undefined : listOption(ctx.values.channels),
            currency: typeof ctx.values.currency === 'string' ? ctx.values.currency : undefined,
            rulesPath: rulesFlag(ctx.values.rules),
            // Options given are added or replaced; `k=` (empty) removes k.
            profileOptions: Object.keys(given).length === 0 ? undefined : withoutEmpty({ ...current.profileOptions, ...given }),
          });
          if (ctx.json) printJson(ctx, { catalog });
          else print(ctx, `catalog ${catalog.name} changed (${describeSettings(catalog)})`);
          return 0;
        }
        case 'list': {
          const catalogs = new CatalogRegistry(db).list();
          if (ctx.json) printJson(ctx, { catalogs });
          else if (catalogs.length === 0) print(ctx, "no catalogs; add one with 'feedmill catalog add <name> --profile auto'");
          else for (const c of catalogs) print(ctx, `${c.name}\t${c.profile}\t${c.channels.join(',') || '-'}\tversion ${c.currentVersion ?? '-'}`);
          return 0;
        }
        case 'show': {
          const d = await describeCatalog(deps, needName());
          if (ctx.json) {
            printJson(ctx, d);
            return 0;
          }
          const c = d.catalog;
          const lines = [
            `${c.name}: ${describeSettings(c)}, currency ${c.currency ?? 'default'}, rules ${c.rulesPath ?? 'none'}`,
            `  current version: ${c.currentVersion ?? 'none yet'}`,
            ...d.versions.slice(0, 5).map((v) => `  version ${v.version} ${v.status}: ${v.accepted ?? 0} accepted, ${v.rejected ?? 0} rejected (${v.createdAt})`),
            ...d.feeds.map((m) => `  feed ${m.channel}: ${m.items} items, ${m.bytes} bytes, ${m.files.map((f) => f.fileName).join(', ')} (publish ${m.sequence}, ${m.generatedAt})`),
            ...d.tokens.map((t) => `  token ${t.id} ${t.scope}${t.label ? ` (${t.label})` : ''}${t.revokedAt ? ` revoked ${t.revokedAt}` : ''}`),
          ];
          print(ctx, lines.join('\n'));
          return 0;
        }
        case 'remove': {
          const store = new SqliteTaskStore(db);
          const target = needName();
          await removeCatalog(deps, target, store);
          if (ctx.json) printJson(ctx, { removed: target });
          else print(ctx, `catalog ${target} removed, with its tokens, sources, staging files and feeds`);
          return 0;
        }
        default:
          throw new FeedmillError('FEEDMILL_CLI_USAGE', `catalog takes add, set, list, show or remove\nusage: ${usage}`, { action: action ?? null });
      }
    } finally {
      db.close();
    }
  },
};

function rulesFlag(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const rules = resolve(value);
  if (!existsSync(rules)) throw new FeedmillError('FEEDMILL_CLI_USAGE', `the rule file ${value} does not exist`, { flag: '--rules' });
  return rules;
}

function withoutEmpty(options: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== ''));
}

function describeSettings(c: Catalog): string {
  const options = Object.entries(c.profileOptions).map(([k, v]) => `${k}=${v}`);
  return `profile ${c.profile}${options.length > 0 ? ` (${options.join(', ')})` : ''}, channels ${c.channels.join(', ') || 'none'}`;
}
