/** Messages between the bot pool (parent) and a bot process (child), and the handlers module contract. */
import type { Config } from '../config.js';
import type { AppDb } from '../db/index.js';
import type { Logger } from '../log.js';
import type { BackoffPolicy } from './backoff.js';
import type { HandlerRegistry } from './handlers.js';
import type { RunOutcome } from './runner.js';
import type { TaskStore } from './types.js';

export interface StoreSettings {
  leaseMs: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
}

export interface BotStartMessage {
  type: 'start';
  botId: string;
  config: Config;
  /** URL of a module exporting `createHandlers` (see HandlersModule). */
  handlersModule: string;
  store: StoreSettings;
  heartbeatMs: number;
  pollMs: number;
}

export type BotChildMessage =
  | { type: 'ready'; botId: string; kinds: string[] }
  | { type: 'claimed'; taskId: number; fence: number }
  | { type: 'settled'; taskId: number; fence: number; outcome: RunOutcome };

export interface HandlersModuleContext {
  config: Config;
  db: AppDb;
  store: TaskStore;
  log: Logger;
}

/**
 * What a handlers module exports. Bots run in their own processes, so handlers cannot be passed
 * as functions: each bot imports the module and builds its own registry.
 */
export interface HandlersModule {
  createHandlers(ctx: HandlersModuleContext): HandlerRegistry | Promise<HandlerRegistry>;
}
