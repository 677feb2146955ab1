/**
 * `feedmill run <source> --channels a,b [--out DIR]`: the main job in one go — ingest the source into
 * a new catalog version, then export every requested channel in one pass and publish the feeds.
 * Needs no server: the app DB and staging live in the data and staging dirs.
 */
import { basename } from 'node:path';
import { openAppDb } from '../../db/index.js';
import { FeedmillError } from '../../errors.js';
import { ingestSource } from '../../ingest/index.js';
import { exportCatalog } from '../../transform/index.js';
import { isValidName } from '../../names.js';
import { print, printJson, type Command } from '../command.js';
import { listOption } from '../options.js';
import { progressBar } from '../progress.js';
import { ingestReport } from '../../ingest/index.js';
import { INGEST_FLAGS, ingestOptionsFrom, ingestSummary } from './ingest.js';
import { exportSummary, feedJson } from './export-output.js';

const usage =
  'feedmill run <file-or-url> --channels a,b [--catalog <name>] [--profile p] [--profile-option k=v]... [--rules FILE] [--out DIR] [--gzip] [--force] [--currency EUR] [--reject-limit N] [--json]';

export const runCommand: Command = {
  name: 'run',
  summary: 'ingest a catalog and export its channel feeds in one go (the main job)',
  usage,
  options: {
    channels: { type: 'string' },
    catalog: { type: 'string' },
    rules: { type: 'string' },
    out: { type: 'string' },
    gzip: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    ...INGEST_FLAGS,
  },
  async run(ctx) {
    const source = ctx.positionals[0];
    if (source === undefined || ctx.positionals.length > 1) throw new FeedmillError('FEEDMILL_CLI_USAGE', `give exactly one source\nusage: ${usage}`, {});
    const channels = listOption(ctx.values.channels);
    if (channels.length === 0) throw new FeedmillError('FEEDMILL_CLI_USAGE', `--channels is required (feedmill channels lists them)\nusage: ${usage}`, {});
    const catalog = (ctx.values.catalog as string | undefined) ?? catalogNameOf(source);
    const started = process.hrtime.bigint();
    const db = openAppDb(ctx.config);
    const bar = progressBar(ctx.io.stderr);
    try {
      const ingested = await ingestSource(ingestOptionsFrom(ctx, db, catalog, source, bar));
      const exported = await exportCatalog({
        config: ctx.config,
        db,
        catalog,
        channels,
        rulesPath: ctx.values.rules as string | undefined,
        outDir: ctx.values.out as string | undefined,
        gzip: ctx.values.gzip === true,
        force: ctx.values.force === true,
        signal: ctx.io.signal,
        log: ctx.log,
        progress: (done, total) => bar.update(done, total, `export: ${done.toLocaleString('en')} offers`),
      });
      bar.done();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (ctx.json) {
        printJson(ctx, {
          catalog,
          version: exported.version,
          ingest: ingestReport(ingested),
          feeds: exported.feeds.map(feedJson),
          seconds: Number(seconds.toFixed(3)),
        });
      } else {
        print(ctx, ingestSummary(ingested));
        print(ctx, exportSummary(exported));
      }
      return 0;
    } finally {
      bar.done();
      db.close();
    }
  },
};

/** `samples/merchant.csv.gz` → `merchant`: a default catalog name from the source's file name. */
export function catalogNameOf(source: string): string {
  const file = basename(source.replace(/[?#].*$/, ''));
  const name = file
    .replace(/(\.(csv|tsv|txt|xml|gz|zip))+$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 64);
  if (!isValidName(name)) throw new FeedmillError('FEEDMILL_CLI_USAGE', `cannot derive a catalog name from ${JSON.stringify(source)}; give --catalog <name>`, { source });
  return name;
}
