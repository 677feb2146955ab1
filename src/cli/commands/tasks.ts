/** `feedmill tasks list|show|cancel|retry`: look at and steer the task queue. */
import { openAppDb } from '../../db/index.js';
import { FeedmillError } from '../../errors.js';
import { catalogLane, SqliteTaskStore, TASK_STATUSES, type Task, type TaskFilter, type TaskStatus } from '../../tasks/index.js';
import { print, printJson, type Command, type CommandContext } from '../command.js';
import { intOption } from '../options.js';

const usage = [
  'feedmill tasks list [--status TO_DO,ERROR] [--kind K] [--catalog C] [--limit 50] [--json]',
  '       feedmill tasks show <id> [--json]',
  '       feedmill tasks cancel <id> [--json]',
  '       feedmill tasks retry <id> [--json]',
].join('\n');

export const tasksCommand: Command = {
  name: 'tasks',
  summary: 'list, show, cancel or retry tasks',
  usage,
  options: { status: { type: 'string' }, kind: { type: 'string' }, catalog: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx) {
    const [action, ref] = ctx.positionals;
    const db = openAppDb(ctx.config);
    try {
      const store = new SqliteTaskStore(db);
      switch (action) {
        case 'list':
          return list(ctx, store);
        case 'show':
          return show(ctx, await store.get(taskId(ref)));
        case 'cancel':
          return show(ctx, await store.requestCancel(taskId(ref)));
        case 'retry':
          return show(ctx, await store.retry(taskId(ref)));
        default:
          throw new FeedmillError('FEEDMILL_CLI_USAGE', `tasks needs list, show, cancel or retry\nusage: ${usage}`, { action: action ?? null });
      }
    } finally {
      db.close();
    }
  },
};

async function list(ctx: CommandContext, store: SqliteTaskStore): Promise<number> {
  const filter: TaskFilter = { limit: intOption(ctx.values.limit, '--limit', 1) ?? 50 };
  if (typeof ctx.values.status === 'string') {
    const statuses = ctx.values.status.split(',').map((s) => s.trim().toUpperCase());
    const bad = statuses.find((s) => !(TASK_STATUSES as readonly string[]).includes(s));
    if (bad !== undefined) throw new FeedmillError('FEEDMILL_CLI_USAGE', `--status takes ${TASK_STATUSES.join(', ')}; got ${bad}`, { flag: '--status', value: bad });
    filter.status = statuses as TaskStatus[];
  }
  if (typeof ctx.values.kind === 'string') filter.kind = ctx.values.kind;
  if (typeof ctx.values.catalog === 'string') filter.lane = catalogLane(ctx.values.catalog);
  const tasks = await store.list(filter);
  if (ctx.json) {
    printJson(ctx, { tasks: tasks.map(taskJson) });
    return 0;
  }
  if (tasks.length === 0) print(ctx, 'no tasks');
  for (const t of tasks) print(ctx, line(t));
  return 0;
}

function show(ctx: CommandContext, t: Task): number {
  if (ctx.json) {
    printJson(ctx, { task: taskJson(t) });
    return 0;
  }
  print(ctx, line(t));
  print(ctx, `  params   ${JSON.stringify(t.params)}`);
  print(ctx, `  created  ${iso(t.createdAt)}  started ${iso(t.startedAt) ?? '-'}  finished ${iso(t.finishedAt) ?? '-'}`);
  if (t.status === 'TO_DO' && t.runAfter > t.createdAt) print(ctx, `  runs after ${iso(t.runAfter)}`);
  if (t.progressDone !== null) print(ctx, `  progress ${t.progressDone}${t.progressTotal === null ? '' : ` / ${t.progressTotal}`}`);
  if (t.result !== null) print(ctx, `  result   ${JSON.stringify(t.result)}`);
  if (t.error) print(ctx, `  error    ${t.error.code}: ${t.error.message}`);
  return 0;
}

function line(t: Task): string {
  const progress = t.progressDone === null ? '' : ` ${t.progressDone}${t.progressTotal === null ? '' : `/${t.progressTotal}`}`;
  const error = t.status === 'ERROR' && t.error ? ` ${t.error.code}` : '';
  return `${String(t.id).padStart(6)}  ${t.status.padEnd(13)} ${t.kind.padEnd(9)} ${t.lane ?? '-'}  attempt ${t.attempt}/${t.maxAttempts}${progress}${error}`;
}

function taskJson(t: Task) {
  return { ...t, runAfter: iso(t.runAfter), createdAt: iso(t.createdAt), startedAt: iso(t.startedAt), finishedAt: iso(t.finishedAt), updatedAt: iso(t.updatedAt), leaseUntil: iso(t.leaseUntil) };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function taskId(ref: string | undefined): number {
  if (ref === undefined || !/^[1-9][0-9]*$/.test(ref)) throw new FeedmillError('FEEDMILL_CLI_USAGE', `a task id is required\nusage: ${usage}`, { id: ref ?? null });
  return Number(ref);
}
