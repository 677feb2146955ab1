/**
 * `feedmill feeds list|rollback --catalog <name> --channel <c> [--to SEQ]`: the kept versions of a
 * published feed, and putting an earlier one back under the public name (atomically, like a publish).
 */
import { join } from 'node:path';
import { dataPaths } from '../../config.js';
import { FeedmillError } from '../../errors.js';
import { listFeedVersions, rollbackFeed } from '../../emit/index.js';
import { assertName } from '../../names.js';
import { print, printJson, type Command } from '../command.js';
import { intOption, requireString } from '../options.js';

const usage = 'feedmill feeds list --catalog <name> --channel <c> [--json]\n       feedmill feeds rollback --catalog <name> --channel <c> [--to SEQUENCE] [--json]';

export const feedsCommand: Command = {
  name: 'feeds',
  summary: 'list the kept versions of a published feed, or roll back to one',
  usage,
  options: { catalog: { type: 'string' }, channel: { type: 'string' }, to: { type: 'string' } },
  async run(ctx) {
    const [action] = ctx.positionals;
    const catalog = assertName(requireString(ctx.values.catalog, '--catalog', usage), 'catalog');
    const channel = assertName(requireString(ctx.values.channel, '--channel', usage), 'channel');
    const dir = join(dataPaths(ctx.config).feeds, catalog);
    if (action === 'list') {
      const versions = await listFeedVersions(dir, channel);
      if (ctx.json) printJson(ctx, { catalog, channel, versions: versions.map((v) => v.manifest) });
      else {
        if (versions.length === 0) print(ctx, `no kept versions of ${catalog}/${channel}`);
        for (const v of versions) {
          print(ctx, `${String(v.sequence).padStart(5)}  ${v.manifest.generatedAt}  catalog v${v.manifest.catalogVersion}  ${v.manifest.items.toLocaleString('en')} items`);
        }
      }
      return 0;
    }
    if (action === 'rollback') {
      const manifest = await rollbackFeed({ dir, channel, to: intOption(ctx.values.to, '--to', 1) });
      if (ctx.json) printJson(ctx, { catalog, channel, manifest });
      else print(ctx, `${catalog}/${channel} now serves sequence ${manifest.sequence} (catalog v${manifest.catalogVersion}, ${manifest.items.toLocaleString('en')} items)`);
      return 0;
    }
    throw new FeedmillError('FEEDMILL_CLI_USAGE', `feeds takes list or rollback\nusage: ${usage}`, { action });
  },
};
