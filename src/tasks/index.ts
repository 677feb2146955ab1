/** The task manager: durable tasks, serial lanes, retries, cancellation, bots and schedules. */
export * from './types.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
export { SqliteTaskStore, type SqliteTaskStoreOptions } from './sqlite-store.js';
