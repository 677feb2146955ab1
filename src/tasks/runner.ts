/**
 * Runs one claimed task: heartbeats its lease, turns a cancel request or a lost lease into an
 * abort of the handler, and records the outcome with the claim's fence.
 *
 * Outcome rules: a handler that returns completes the task (DONE) even if a cancel arrived too
 * late to stop it, because its output exists; a handler that throws after a cancel request ends
 * CANCELED; after a shutdown abort the task is released (TO_DO, attempt not counted); after a
 * lost lease nothing is written (another run owns the task now).
 */
import { FeedmillError, toFeedmillError } from '../errors.js';
import type { Logger } from '../log.js';
import type { HandlerContext, HandlerRegistry } from './handlers.js';
import type { FollowUp, JsonValue, Task, TaskStore } from './types.js';

export interface RunTaskOptions {
  store: TaskStore;
  handlers: HandlerRegistry;
  log: Logger;
  /** How often the lease is renewed and a cancel request looked for. */
  heartbeatMs: number;
  /** Least time between two progress writes (the last one always goes through). @default 250 */
  progressEveryMs?: number;
  /** Aborting it stops the handler and releases the task (bot shutdown). */
  shutdown?: AbortSignal;
}

export type RunOutcome = 'DONE' | 'ERROR' | 'RETRY' | 'CANCELED' | 'RELEASED' | 'LEASE_LOST';

export async function runTask(task: Task, options: RunTaskOptions): Promise<RunOutcome> {
  const { store, handlers, heartbeatMs } = options;
  const log = options.log.child({ task: task.id, kind: task.kind, attempt: task.attempt });
  const controller = new AbortController();
  let leaseLost = false;
  const abort = (reason: FeedmillError) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onShutdown = () =>
    abort(new FeedmillError('FEEDMILL_TASK_CANCELED', 'the bot is stopping', { taskId: task.id, reason: 'shutdown' }, { retryable: true }));
  if (options.shutdown?.aborted) onShutdown();
  options.shutdown?.addEventListener('abort', onShutdown, { once: true });

  const beat = async () => {
    try {
      const hb = await store.heartbeat(task.id, task.fence);
      if (hb.cancelRequested) abort(new FeedmillError('FEEDMILL_TASK_CANCELED', `task ${task.id} was canceled`, { taskId: task.id, reason: 'canceled' }));
    } catch (err) {
      const e = toFeedmillError(err);
      if (e.code === 'FEEDMILL_TASK_LEASE_LOST') {
        leaseLost = true;
        abort(e);
      } else {
        log.warn('heartbeat failed', { code: e.code });
      }
    }
  };
  const timer = setInterval(() => void beat(), heartbeatMs);

  const progressEvery = options.progressEveryMs ?? 250;
  let lastProgress = -Infinity;
  let progressChain: Promise<void> = Promise.resolve();
  const followUps: FollowUp[] = [];
  const ctx: HandlerContext = {
    task,
    signal: controller.signal,
    fence: task.fence,
    log,
    progress(done, total = null) {
      const now = Date.now();
      const final = total !== null && done >= total;
      if (!final && now - lastProgress < progressEvery) return;
      lastProgress = now;
      progressChain = progressChain.then(() => store.progress(task.id, task.fence, done, total)).catch((err: unknown) => {
        log.debug('progress not recorded', { code: toFeedmillError(err).code });
      });
    },
    assertFence: () => store.assertFence(task.id, task.fence),
    followUp(next) {
      followUps.push(next);
    },
  };

  try {
    let result: JsonValue;
    try {
      const handler = handlers.get(task.kind);
      result = (await handler(ctx)) ?? null;
    } catch (err) {
      await progressChain;
      return await settleFailure(err);
    }
    await progressChain;
    if (leaseLost) return 'LEASE_LOST';
    try {
      await store.complete(task.id, task.fence, result, followUps);
      return 'DONE';
    } catch (err) {
      return lostOrThrow(err);
    }
  } finally {
    clearInterval(timer);
    options.shutdown?.removeEventListener('abort', onShutdown);
  }

  async function settleFailure(err: unknown): Promise<RunOutcome> {
    if (leaseLost) {
      log.warn('lease lost while running; the task belongs to another run now');
      return 'LEASE_LOST';
    }
    const reason = controller.signal.aborted ? toFeedmillError(controller.signal.reason) : undefined;
    try {
      if (reason?.code === 'FEEDMILL_TASK_CANCELED' && reason.details.reason === 'shutdown') {
        await store.release(task.id, task.fence);
        return 'RELEASED';
      }
      if (reason?.code === 'FEEDMILL_TASK_CANCELED') {
        await store.markCanceled(task.id, task.fence);
        return 'CANCELED';
      }
      const e = toFeedmillError(err);
      const after = await store.fail(task.id, task.fence, e.toJSON());
      log.info('task failed', { code: e.code, retryable: e.retryable, status: after.status });
      return after.status === 'TO_DO' ? 'RETRY' : after.status === 'CANCELED' ? 'CANCELED' : 'ERROR';
    } catch (storeErr) {
      return lostOrThrow(storeErr);
    }
  }

  function lostOrThrow(err: unknown): RunOutcome {
    const e = toFeedmillError(err);
    if (e.code === 'FEEDMILL_TASK_LEASE_LOST') {
      log.warn('lease lost before the outcome was recorded; the task belongs to another run now');
      return 'LEASE_LOST';
    }
    throw e;
  }
}
