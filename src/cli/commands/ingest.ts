/** `feedmill ingest <file-or-url> --catalog <name>`: a source into a new catalog version. */
import { openAppDb, type AppDb } from '../../db/index.js';
import { ingestReport, ingestSource, type IngestOptions, type IngestResult } from '../../ingest/index.js';
import { print, printJson, type Command, type CommandContext } from '../command.js';
import { intOption, keyValueOptions, requireString } from '../options.js';
import { progressBar, type ProgressBar } from '../progress.js';
import { FeedmillError } from '../../errors.js';

const usage =
  'feedmill ingest <file-or-url> --catalog <name> [--profile auto|generic|magento2|prestashop|google-feed|tour-operator] [--profile-option k=v]... [--currency EUR] [--encoding utf-8|windows-1252|macintosh|...] [--delimiter ,] [--reject-limit N] [--json]';

/** The ingest options both `ingest` and `run` take, read from the parsed flags. */
export const INGEST_FLAGS = {
  profile: { type: 'string' },
  'profile-option': { type: 'string', multiple: true },
  currency: { type: 'string' },
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  'reject-limit': { type: 'string' },
} as const;

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'stream a catalog (CSV, XML, zip, gzip; file or URL) into a new staged catalog version',
  usage,
  options: { catalog: { type: 'string' }, ...INGEST_FLAGS },
  async run(ctx) {
    const source = ctx.positionals[0];
    if (source === undefined || ctx.positionals.length > 1) throw new FeedmillError('FEEDMILL_CLI_USAGE', `give exactly one source\nusage: ${usage}`, {});
    const catalog = requireString(ctx.values.catalog, '--catalog', usage);
    const db = openAppDb(ctx.config);
    const bar = progressBar(ctx.io.stderr);
    try {
      const result = await ingestSource(ingestOptionsFrom(ctx, db, catalog, source, bar));
      bar.done();
      if (ctx.json) printJson(ctx, ingestReport(result));
      else print(ctx, ingestSummary(result));
      return 0;
    } finally {
      bar.done();
      db.close();
    }
  },
};

export function ingestOptionsFrom(ctx: CommandContext, db: AppDb, catalog: string, source: string, bar: ProgressBar): IngestOptions {
  return {
    config: ctx.config,
    db,
    catalog,
    source,
    profile: ctx.values.profile as string | undefined,
    profileOptions: keyValueOptions(ctx.values['profile-option'], '--profile-option'),
    currency: ctx.values.currency as string | undefined,
    encoding: ctx.values.encoding as string | undefined,
    delimiter: ctx.values.delimiter as string | undefined,
    rejectLimit: intOption(ctx.values['reject-limit'], '--reject-limit'),
    createCatalog: true,
    signal: ctx.io.signal,
    log: ctx.log,
    progress: (p) => bar.update(p.bytesRead, p.totalBytes, `ingest: ${p.records.toLocaleString('en')} records`),
  };
}

export function ingestSummary(r: IngestResult): string {
  const rate = r.seconds > 0 ? Math.round(r.seen / r.seconds) : 0;
  const lines = [
    `${r.catalog} version ${r.version}: ${r.accepted.toLocaleString('en')} accepted, ${r.rejected.toLocaleString('en')} rejected of ${r.seen.toLocaleString('en')} records`,
    `  ${r.offers.toLocaleString('en')} offers, ${r.products.toLocaleString('en')} shared products; ${r.profile} profile, ${r.format} in ${r.container}, ${r.encoding}`,
    `  ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(2)} s (${rate.toLocaleString('en')} records/s)`,
  ];
  for (const [code, n] of Object.entries(r.rejectsByCode)) lines.push(`  rejected ${code}: ${n}`);
  if (r.rejected > 0) lines.push(`  details: feedmill rejects --catalog ${r.catalog}`);
  for (const note of r.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}
