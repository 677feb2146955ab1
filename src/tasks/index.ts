/** The task manager: durable tasks, serial lanes, retries, cancellation, bots and schedules. */
export * from './types.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
export { SqliteTaskStore, type SqliteTaskStoreOptions } from './sqlite-store.js';
export { HandlerRegistry, type HandlerContext, type TaskHandler } from './handlers.js';
export { runTask, type RunTaskOptions, type RunOutcome } from './runner.js';
export { runBot, type BotOptions } from './bot.js';
export { BotPool, spawnBotProcess, type BotPoolOptions, type BotProcessOptions, type BotInfo } from './bot-pool.js';
export type { HandlersModule, HandlersModuleContext, StoreSettings } from './bot-protocol.js';
export { catalogLane } from './lanes.js';
export { compileCron, latestOccurrence, nextOccurrence, localKey } from './cron.js';
export { Schedules, startScheduler, type Schedule, type ScheduleInput, type Fired, type SchedulerOptions } from './schedules.js';
export { FetchState, type FetchRecord } from './fetch-state.js';
export { fetchSource, type FetchParams, type FetchResult, type FetchDeps } from './fetch-source.js';
export {
  registerStageHandlers,
  type StageServices,
  type StageHandlerDeps,
  type IngestParams,
  type ExportParams,
  type PipelineParams,
} from './stage-handlers.js';
export { DEFAULT_HANDLERS_MODULE } from './default-handlers.js';
