/**
 * A bot: claims one task at a time and runs it, until stopped. One bot per core; each bot lives in
 * its own process (see bot-pool.ts) so a task that crashes its process takes only that bot down.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { toFeedmillError } from '../errors.js';
import type { Logger } from '../log.js';
import type { HandlerRegistry } from './handlers.js';
import { runTask, type RunOutcome } from './runner.js';
import type { Task, TaskStore } from './types.js';

export interface BotOptions {
  store: TaskStore;
  handlers: HandlerRegistry;
  botId: string;
  log: Logger;
  /** Lease renewal period; keep it well under the store's lease. @default 5_000 */
  heartbeatMs?: number;
  /** Wait between claims when nothing is ready. @default 500 */
  pollMs?: number;
  /** Called when a task is claimed and when it is settled (the pool tracks what a bot holds). */
  onClaim?: (task: Task) => void;
  onSettle?: (task: Task, outcome: RunOutcome) => void;
}

/**
 * Runs until `signal` aborts. A running task is then aborted and released to TO_DO. Resolves with
 * the number of tasks this bot settled.
 */
export async function runBot(options: BotOptions, signal: AbortSignal): Promise<number> {
  const { store, botId } = options;
  const log = options.log.child({ bot: botId });
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const pollMs = options.pollMs ?? 500;
  let settled = 0;
  // An in-process enqueue wakes an idle bot at once; other processes' enqueues are seen by polling.
  let wake: (() => void) | undefined;
  const unsubscribe = store.subscribe((e) => {
    if (e.type === 'state' && e.status === 'TO_DO') wake?.();
  });
  try {
    while (!signal.aborted) {
      let task: Task | null;
      try {
        task = await store.claim(botId);
      } catch (err) {
        log.error('claim failed', { code: toFeedmillError(err).code, message: (err as Error).message });
        task = null;
      }
      if (!task) {
        await idle(pollMs, signal, (w) => (wake = w));
        wake = undefined;
        continue;
      }
      options.onClaim?.(task);
      const outcome = await runTask(task, { store, handlers: options.handlers, log, heartbeatMs, shutdown: signal });
      settled++;
      options.onSettle?.(task, outcome);
    }
  } finally {
    unsubscribe();
  }
  return settled;
}

async function idle(ms: number, signal: AbortSignal, setWake: (wake: () => void) => void): Promise<void> {
  const ac = new AbortController();
  const stop = () => ac.abort();
  setWake(stop);
  signal.addEventListener('abort', stop, { once: true });
  try {
    await delay(ms, undefined, { signal: ac.signal });
  } catch {
    // Woken early by an enqueue or by the stop signal: both mean "look again".
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
