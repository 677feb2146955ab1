/**
 * Entry of a bot child process. It gets its settings over IPC (so that the admin token in the
 * config never shows in `ps`), opens its own app DB connection, builds its handlers from the
 * handlers module and runs one bot. It stops, releasing a running task, on a `stop` message, on
 * SIGTERM/SIGINT, or when the parent goes away (IPC disconnect).
 */
import type { Config } from '../config.js';
import { openAppDb } from '../db/index.js';
import { toFeedmillError } from '../errors.js';
import { createLogger } from '../log.js';
import { runBot } from './bot.js';
import type { HandlersModule, BotChildMessage, BotStartMessage } from './bot-protocol.js';
import { SqliteTaskStore } from './sqlite-store.js';

const controller = new AbortController();
const stop = () => controller.abort();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);

function send(message: BotChildMessage): void {
  if (process.connected) process.send?.(message);
}

process.on('message', (message: BotStartMessage | { type: 'stop' }) => {
  if (message.type === 'stop') stop();
  else void start(message);
});

async function start(msg: BotStartMessage): Promise<void> {
  const config = Object.freeze({ ...msg.config }) as Config;
  const log = createLogger(config.logLevel, { bot: msg.botId });
  const db = openAppDb(config);
  try {
    const store = new SqliteTaskStore(db, msg.store);
    const mod = (await import(msg.handlersModule)) as HandlersModule;
    const handlers = await mod.createHandlers({ config, db, store, log });
    send({ type: 'ready', botId: msg.botId, kinds: handlers.kinds() });
    await runBot(
      {
        store,
        handlers,
        botId: msg.botId,
        log,
        heartbeatMs: msg.heartbeatMs,
        pollMs: msg.pollMs,
        onClaim: (task) => send({ type: 'claimed', taskId: task.id, fence: task.fence }),
        onSettle: (task, outcome) => send({ type: 'settled', taskId: task.id, fence: task.fence, outcome }),
      },
      controller.signal,
    );
  } catch (err) {
    const e = toFeedmillError(err);
    log.error('bot failed to start or crashed', { code: e.code, message: e.message });
    process.exitCode = 1;
  } finally {
    db.close();
    if (process.connected) process.disconnect();
  }
}
