/** `feedmill schedule add|list|remove`: nightly (or any cron) pipelines of a catalog, in a time zone. */
import { openAppDb } from '../../db/index.js';
import { FeedmillError } from '../../errors.js';
import { Schedules, SqliteTaskStore, type Schedule, type ScheduleInput } from '../../tasks/index.js';
import { print, printJson, type Command, type CommandContext } from '../command.js';
import { intOption, listOption, requireString } from '../options.js';

const usage = [
  'feedmill schedule add --catalog <name> --cron "0 2 * * *" --tz Europe/Paris [--channels a,b] [--url https://...] [--name N] [--priority P] [--json]',
  '       feedmill schedule list [--json]',
  '       feedmill schedule remove <id|name> [--json]',
].join('\n');

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'add, list or remove cron schedules (with a time zone) that run a catalog pipeline',
  usage,
  options: {
    catalog: { type: 'string' },
    channels: { type: 'string' },
    cron: { type: 'string' },
    tz: { type: 'string' },
    url: { type: 'string' },
    name: { type: 'string' },
    priority: { type: 'string' },
  },
  async run(ctx) {
    const [action, ref] = ctx.positionals;
    const db = openAppDb(ctx.config);
    try {
      const schedules = new Schedules(new SqliteTaskStore(db));
      switch (action) {
        case 'add':
          return show(ctx, schedules.add(addInput(ctx)), 'added');
        case 'list': {
          const all = schedules.list();
          if (ctx.json) printJson(ctx, { schedules: all.map(scheduleJson) });
          else if (all.length === 0) print(ctx, 'no schedules');
          else for (const s of all) print(ctx, line(s));
          return 0;
        }
        case 'remove':
          if (ref === undefined) throw new FeedmillError('FEEDMILL_CLI_USAGE', `remove needs a schedule id or name\nusage: ${usage}`, {});
          return show(ctx, schedules.remove(ref), 'removed');
        default:
          throw new FeedmillError('FEEDMILL_CLI_USAGE', `schedule needs add, list or remove\nusage: ${usage}`, { action: action ?? null });
      }
    } finally {
      db.close();
    }
  },
};

function addInput(ctx: CommandContext): ScheduleInput {
  const input: ScheduleInput = {
    catalog: requireString(ctx.values.catalog, '--catalog', usage),
    cron: requireString(ctx.values.cron, '--cron', usage),
    tz: requireString(ctx.values.tz, '--tz', usage),
  };
  const channels = listOption(ctx.values.channels);
  if (channels.length > 0) input.channels = channels;
  if (typeof ctx.values.url === 'string') input.url = ctx.values.url;
  if (typeof ctx.values.name === 'string') input.name = ctx.values.name;
  const priority = intOption(ctx.values.priority, '--priority', -1_000_000);
  if (priority !== undefined) input.priority = priority;
  return input;
}

function show(ctx: CommandContext, s: Schedule, what: string): number {
  if (ctx.json) printJson(ctx, { schedule: scheduleJson(s) });
  else print(ctx, `${what}: ${line(s)}`);
  return 0;
}

function line(s: Schedule): string {
  const channels = Array.isArray(s.params.channels) ? s.params.channels.join(',') : 'all channels';
  return `${String(s.id).padStart(4)}  ${s.name}  "${s.cron}" ${s.tz}  ${s.kind} ${String(s.params.catalog)} (${channels})  next ${iso(s.next) ?? 'never'}`;
}

function scheduleJson(s: Schedule) {
  return { ...s, next: iso(s.next), watermark: iso(s.watermark), createdAt: iso(s.createdAt) };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
