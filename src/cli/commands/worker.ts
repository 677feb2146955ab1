/**
 * `feedmill worker [--concurrency N]`: runs the bots (one process each, one per core by default)
 * and the scheduler until SIGINT/SIGTERM; running tasks are then released back to the queue.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openAppDb } from '../../db/index.js';
import { BotPool, DEFAULT_HANDLERS_MODULE, Schedules, SqliteTaskStore, startScheduler } from '../../tasks/index.js';
import { print, printJson, type Command } from '../command.js';
import { intOption } from '../options.js';

const usage = 'feedmill worker [--concurrency N] [--no-scheduler] [--handlers MODULE] [--json]';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'run task bots (one per core by default) and the schedules until stopped',
  usage,
  options: { concurrency: { type: 'string' }, 'no-scheduler': { type: 'boolean' }, handlers: { type: 'string' } },
  async run(ctx) {
    const concurrency = intOption(ctx.values.concurrency, '--concurrency', 1) ?? ctx.config.concurrency;
    const handlersModule = typeof ctx.values.handlers === 'string' ? pathToFileURL(resolve(ctx.values.handlers)).href : DEFAULT_HANDLERS_MODULE;
    const db = openAppDb(ctx.config);
    const store = new SqliteTaskStore(db);
    const pool = new BotPool({ config: ctx.config, handlersModule, store, concurrency, log: ctx.log });
    const scheduler = ctx.values['no-scheduler'] === true ? undefined : startScheduler(new Schedules(store), { log: ctx.log });
    try {
      pool.start();
      if (ctx.json) printJson(ctx, { worker: { pid: process.pid, concurrency, scheduler: scheduler !== undefined } });
      else print(ctx, `worker: ${concurrency} bot(s)${scheduler ? ' and the scheduler' : ''} running; Ctrl-C stops`);
      await new Promise<void>((done) => {
        if (ctx.io.signal.aborted) done();
        else ctx.io.signal.addEventListener('abort', () => done(), { once: true });
      });
    } finally {
      scheduler?.stop();
      await pool.stop();
      await store.close();
      db.close();
    }
    if (ctx.json) printJson(ctx, { stopped: { restarts: pool.restarts } });
    return 0;
  },
};
