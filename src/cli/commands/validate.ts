/**
 * `feedmill validate <feed-file> --channel <c> [--json]`: checks an existing feed file (plain or
 * gzip) against a channel's rules, item by item, and prints a quality report. Exit 1 when any item
 * is invalid or the feed holds none.
 */
import { compileChannel, checkFeedFile, formatQualityReport, loadChannel } from '../../transform/index.js';
import { FeedmillError } from '../../errors.js';
import { print, printJson, type Command } from '../command.js';
import { requireString } from '../options.js';

const usage = 'feedmill validate <feed-file> --channel <name> [--json]';

export const validateCommand: Command = {
  name: 'validate',
  summary: "check an existing feed file (XML, CSV/TSV, .gz) against a channel's validation",
  usage,
  options: { channel: { type: 'string' } },
  async run(ctx) {
    const channelName = requireString(ctx.values.channel, '--channel', usage);
    const [file, ...extra] = ctx.positionals;
    if (file === undefined || extra.length > 0) {
      throw new FeedmillError('FEEDMILL_CLI_USAGE', `give exactly one feed file\nusage: ${usage}`, { positionals: ctx.positionals });
    }
    const channel = compileChannel(loadChannel(channelName));
    const result = await checkFeedFile(file, channel, ctx.io.signal);
    const { itemsIn, itemsOut } = result.quality;
    const valid = itemsIn > 0 && itemsOut === itemsIn;
    if (ctx.json) {
      printJson(ctx, { ...result, valid });
    } else {
      print(ctx, `${file}: ${valid ? 'valid' : 'INVALID'} for ${channel.name}${result.gzip ? ' (gzip)' : ''}`);
      print(ctx, formatQualityReport(result.quality));
    }
    if (!valid) {
      const why = itemsIn === 0 ? 'the feed holds no item' : `${itemsIn - itemsOut} of ${itemsIn} items are invalid`;
      ctx.io.stderr.write(`feedmill: FEEDMILL_FEED_INVALID: ${why} for channel ${channel.name}\n`);
      return 1;
    }
    return 0;
  },
};
