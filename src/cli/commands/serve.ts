/**
 * `feedmill serve [--port 8080]`: the HTTP face of feedmill. Bots run in `feedmill worker`, or here
 * with `--bots N`. On SIGINT/SIGTERM the server stops accepting, lets requests finish, then stops
 * its bots (their running tasks go back to the queue).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openAppDb } from '../../db/index.js';
import { startServer } from '../../server/index.js';
import { BotPool, DEFAULT_HANDLERS_MODULE, SqliteTaskStore } from '../../tasks/index.js';
import { print, printJson, type Command } from '../command.js';
import { intOption } from '../options.js';

const usage =
  'feedmill serve [--port 8080] [--host 0.0.0.0] [--bots N] [--handlers MODULE] [--max-uploads 4] [--shutdown-grace SECONDS] [--json]';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the HTTP server: catalog uploads, feed pulls, task API and live progress',
  usage,
  daemon: true,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    bots: { type: 'string' },
    handlers: { type: 'string' },
    'max-uploads': { type: 'string' },
    'shutdown-grace': { type: 'string' },
  },
  async run(ctx) {
    const port = intOption(ctx.values.port, '--port', 0) ?? ctx.config.port;
    const host = typeof ctx.values.host === 'string' ? ctx.values.host : '0.0.0.0';
    const bots = intOption(ctx.values.bots, '--bots', 0) ?? 0;
    const maxUploads = intOption(ctx.values['max-uploads'], '--max-uploads', 1) ?? 4;
    const grace = intOption(ctx.values['shutdown-grace'], '--shutdown-grace', 0) ?? 10;
    const handlersModule = typeof ctx.values.handlers === 'string' ? pathToFileURL(resolve(ctx.values.handlers)).href : DEFAULT_HANDLERS_MODULE;
    if (ctx.config.adminToken === undefined) {
      ctx.log.warn('FEEDMILL_ADMIN_TOKEN is not set: catalogs can be added only with the CLI, and only catalog tokens open the API');
    }
    const db = openAppDb(ctx.config);
    const store = new SqliteTaskStore(db);
    const pool = bots > 0 ? new BotPool({ config: ctx.config, handlersModule, store, concurrency: bots, log: ctx.log }) : undefined;
    let server;
    try {
      server = await startServer({
        config: ctx.config,
        db,
        store,
        log: ctx.log,
        host,
        port,
        maxConcurrentUploads: maxUploads,
        shutdownGraceMs: grace * 1000,
        onClose: async () => {
          await pool?.stop();
        },
      });
      pool?.start();
      if (ctx.json) printJson(ctx, { serve: { url: server.url, pid: process.pid, bots } });
      else print(ctx, `feedmill serving on ${server.url}${bots > 0 ? ` with ${bots} bot(s)` : ''}; Ctrl-C stops`);
      await new Promise<void>((done) => {
        if (ctx.io.signal.aborted) done();
        else ctx.io.signal.addEventListener('abort', () => done(), { once: true });
      });
    } finally {
      if (server) await server.close();
      else await pool?.stop();
      await store.close();
      db.close();
    }
    return 0;
  },
};
