/** `feedmill rejects --catalog <name> [--version N] [--code C] [--limit N]`: why records were rejected. */
import { openAppDb } from '../../db/index.js';
import { CatalogVersions, openForRead } from '../../staging/index.js';
import { FeedmillError } from '../../errors.js';
import { print, printJson, type Command } from '../command.js';
import { intOption, requireString } from '../options.js';

const usage = 'feedmill rejects --catalog <name> [--version N] [--code RECORD_...] [--limit 50] [--json]';

interface RejectRow {
  line: number | null;
  byte_offset: number | null;
  path: string | null;
  field: string | null;
  code: string;
  message: string;
  raw: string | null;
}

export const rejectsCommand: Command = {
  name: 'rejects',
  summary: 'list the records a catalog version rejected, with line, field, code and reason',
  usage,
  options: { catalog: { type: 'string' }, version: { type: 'string' }, code: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx) {
    const catalog = requireString(ctx.values.catalog, '--catalog', usage);
    const db = openAppDb(ctx.config);
    try {
      const versions = new CatalogVersions(db, ctx.config);
      const wanted = intOption(ctx.values.version, '--version', 1);
      const info = wanted === undefined ? versions.current(catalog) : versions.get(catalog, wanted);
      if (!info) throw new FeedmillError('FEEDMILL_CATALOG_NO_VERSION', `catalog ${catalog} has no version ${wanted}`, { catalog, version: wanted });
      const staging = openForRead(info.stagingPath);
      try {
        const limit = intOption(ctx.values.limit, '--limit', 1) ?? 50;
        const code = ctx.values.code as string | undefined;
        const rows = (
          code === undefined
            ? staging.prepare('SELECT * FROM rejects ORDER BY line, id LIMIT ?').all(limit)
            : staging.prepare('SELECT * FROM rejects WHERE code = ? ORDER BY line, id LIMIT ?').all(code, limit)
        ) as RejectRow[];
        if (ctx.json) {
          printJson(ctx, { catalog, version: info.version, rejected: info.rejected, rejectsByCode: info.rejectsByCode, rejects: rows });
        } else {
          print(ctx, `${catalog} version ${info.version}: ${info.rejected ?? 0} rejected`);
          for (const r of rows) {
            const where = r.path ?? `line ${r.line}`;
            print(ctx, `  ${where}${r.field ? ` [${r.field}]` : ''} ${r.code}: ${r.message}`);
          }
        }
      } finally {
        staging.close();
      }
      return 0;
    } finally {
      db.close();
    }
  },
};
