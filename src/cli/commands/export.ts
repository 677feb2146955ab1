/**
 * `feedmill export --catalog <name> --channels a,b`: the catalog's current version to one published
 * feed per channel, all channels in one pass. Without --channels, the catalog's registered channels.
 */
import { openAppDb } from '../../db/index.js';
import { CatalogRegistry } from '../../catalogs/index.js';
import { FeedmillError } from '../../errors.js';
import { exportCatalog } from '../../transform/index.js';
import { restageIfMissing } from '../../ingest/index.js';
import { print, printJson, type Command } from '../command.js';
import { intOption, listOption, requireString } from '../options.js';
import { progressBar } from '../progress.js';
import { exportSummary, feedJson } from './export-output.js';

const usage =
  'feedmill export --catalog <name> [--channels a,b] [--rules FILE | --no-rules] [--out DIR] [--gzip] [--gzip-level 1-9] [--force] [--json]';

export const exportCommand: Command = {
  name: 'export',
  summary: "export a catalog's current version to channel feeds (one pass, all cores) and publish them atomically",
  usage,
  options: {
    catalog: { type: 'string' },
    channels: { type: 'string' },
    rules: { type: 'string' },
    'no-rules': { type: 'boolean', default: false },
    out: { type: 'string' },
    gzip: { type: 'boolean', default: false },
    'gzip-level': { type: 'string' },
    force: { type: 'boolean', default: false },
  },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new FeedmillError('FEEDMILL_CLI_USAGE', `export takes no positional argument\nusage: ${usage}`, {});
    const catalog = requireString(ctx.values.catalog, '--catalog', usage);
    const rules = ctx.values.rules as string | undefined;
    if (rules !== undefined && ctx.values['no-rules'] === true) {
      throw new FeedmillError('FEEDMILL_CLI_USAGE', `give --rules or --no-rules, not both\nusage: ${usage}`, {});
    }
    const gzipLevel = intOption(ctx.values['gzip-level'], '--gzip-level', 1);
    if (gzipLevel !== undefined && gzipLevel > 9) throw new FeedmillError('FEEDMILL_CLI_USAGE', '--gzip-level must be 1 to 9', { flag: '--gzip-level' });
    const db = openAppDb(ctx.config);
    const bar = progressBar(ctx.io.stderr);
    try {
      let channels = listOption(ctx.values.channels);
      if (channels.length === 0) channels = new CatalogRegistry(db).get(catalog).channels;
      if (channels.length === 0) {
        throw new FeedmillError('FEEDMILL_CLI_USAGE', `catalog ${catalog} has no registered channels: give --channels (feedmill channels lists them)\nusage: ${usage}`, { catalog });
      }
      await restageIfMissing({ config: ctx.config, db, catalog, signal: ctx.io.signal, log: ctx.log });
      const result = await exportCatalog({
        config: ctx.config,
        db,
        catalog,
        channels,
        rulesPath: ctx.values['no-rules'] === true ? null : rules,
        outDir: ctx.values.out as string | undefined,
        gzip: ctx.values.gzip === true || gzipLevel !== undefined,
        gzipLevel,
        force: ctx.values.force === true,
        signal: ctx.io.signal,
        log: ctx.log,
        progress: (done, total) => bar.update(done, total, `${done.toLocaleString('en')} offers`),
      });
      bar.done();
      if (ctx.json) {
        printJson(ctx, { catalog: result.catalog, version: result.version, feeds: result.feeds.map(feedJson), seconds: Number(result.seconds.toFixed(3)) });
      } else {
        print(ctx, exportSummary(result));
      }
      return 0;
    } finally {
      bar.done();
      db.close();
    }
  },
};
