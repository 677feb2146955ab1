/**
 * The handlers module the `worker` command gives its bots (see HandlersModule): the stage kinds.
 *
 * Bots are separate processes, so they build their handlers from a module, not from functions
 * passed in. Wiring the stages means passing `services` (see StageServices) here; until then
 * `fetch` and `pipeline` run and ingest/export steps fail with FEEDMILL_TASK_KIND_UNKNOWN.
 */
import type { HandlersModuleContext } from './bot-protocol.js';
import { HandlerRegistry } from './handlers.js';
import { registerStageHandlers } from './stage-handlers.js';

export function createHandlers(ctx: HandlersModuleContext): HandlerRegistry {
  return registerStageHandlers(new HandlerRegistry(), { config: ctx.config, db: ctx.db });
}

/** URL of this module, to hand to BotPool / spawnBotProcess (.ts when running from sources). */
export const DEFAULT_HANDLERS_MODULE: string = import.meta.url;
