/**
 * The handlers module the `worker` command gives its bots (see HandlersModule): the stage kinds.
 *
 * Bots are separate processes, so they build their handlers from a module, not from functions
 * passed in: each bot gets the real stages (ingest, export) through StageServices.
 */
import type { HandlersModuleContext } from './bot-protocol.js';
import { HandlerRegistry } from './handlers.js';
import { registerStageHandlers } from './stage-handlers.js';
import { createStageServices } from './stage-services.js';

export function createHandlers(ctx: HandlersModuleContext): HandlerRegistry {
  return registerStageHandlers(new HandlerRegistry(), { config: ctx.config, db: ctx.db, services: createStageServices(ctx.config, ctx.db, ctx.log) });
}

/** URL of this module, to hand to BotPool / spawnBotProcess (.ts when running from sources). */
export const DEFAULT_HANDLERS_MODULE: string = import.meta.url;
