/**
 * The transform pool: piscina worker threads (one per core by default) that each take rowid ranges
 * and write their part files. The pool is the only place that turns a dead worker into an error:
 * any task failure (a throw in the worker, `process.exit`, running out of memory) cancels the other
 * tasks and fails the whole run with FEEDMILL_TRANSFORM_WORKER_CRASHED, so a short feed is never
 * mistaken for a complete one.
 */
import { setMaxListeners } from 'node:events';
import { Piscina } from 'piscina';
import type { ResourceLimits } from 'node:worker_threads';
import { FeedmillError, isFeedmillError } from '../../errors.js';
import type { TransformResult, TransformTask } from './task.js';
import { siblingWorkerFile, workerFileAt } from '../../worker-file.js';

export interface TransformPoolOptions {
  /** Worker threads. @default config.transformWorkers */
  workers: number;
  /** Another worker module (tests use fixtures that wrap the real worker). */
  workerFile?: string | undefined;
  resourceLimits?: ResourceLimits | undefined;
  workerData?: unknown;
}

export interface RunAllOptions {
  signal?: AbortSignal | undefined;
  /** Called as each range completes (in completion order). */
  onResult?: ((result: TransformResult) => void) | undefined;
}

export class TransformPool {
  readonly #piscina: Piscina<TransformTask, TransformResult>;
  readonly workers: number;
  #closed = false;

  constructor(options: TransformPoolOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) {
      throw new FeedmillError('FEEDMILL_CONFIG_INVALID', `transform workers must be a whole number >= 1, got ${options.workers}`, {
        key: 'transformWorkers',
        value: options.workers,
      });
    }
    const file = options.workerFile === undefined ? siblingWorkerFile(import.meta.url, 'worker') : workerFileAt(options.workerFile);
    this.workers = options.workers;
    this.#piscina = new Piscina<TransformTask, TransformResult>({
      filename: file.filename,
      execArgv: file.execArgv,
      minThreads: options.workers,
      maxThreads: options.workers,
      // One task at a time per worker: a task is a whole range, the queue does the balancing.
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      resourceLimits: { ...file.resourceLimits, ...options.resourceLimits },
      workerData: options.workerData,
    });
    // After an abort, a worker's last result can race with its termination; piscina then emits
    // 'error' ("Unexpected message from Worker") for a task it already settled. The run's outcome
    // is decided by runAll, so such late messages are dropped rather than crashing the process.
    this.#piscina.on('error', () => undefined);
  }

  /**
   * Runs every task; resolves with the results in task order, or rejects after all started tasks
   * settled (so no worker still writes a part when the caller cleans up).
   *
   * Tasks are handed to piscina in order, at most one more than there are workers at a time. Given
   * all at once, piscina 5's queue started them far out of order (0, 1, 2, 4, 6 ... 48, 3, 7, 11 ...
   * measured on 50 ranges), so range 3's part arrived half-way through the export: the assembler,
   * which appends parts in feed order, sat idle, half the parts piled up on the RAM disk, and the
   * copy ran after the transform instead of beside it.
   */
  async runAll(tasks: readonly TransformTask[], options: RunAllOptions = {}): Promise<TransformResult[]> {
    if (this.#closed) throw new FeedmillError('FEEDMILL_INTERNAL', 'the transform pool was closed');
    const internal = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, internal.signal]) : internal.signal;
    const lanes = Math.min(tasks.length, this.workers + 1);
    // piscina listens on the signal once per task in flight.
    setMaxListeners(lanes + 10, signal);
    const results: TransformResult[] = new Array<TransformResult>(tasks.length);
    let failure: { task: TransformTask; error: unknown } | undefined;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < tasks.length && !signal.aborted) {
        const i = next++;
        const task = tasks[i] as TransformTask;
        try {
          const result = await this.#piscina.run(task, { signal });
          // A range that finished while the run was being stopped is not reported: after an abort
          // the caller hears nothing more (its parts go with the parts directory).
          if (signal.aborted) return;
          results[i] = result;
          options.onResult?.(result);
        } catch (error) {
          if (failure === undefined && !options.signal?.aborted && !internal.signal.aborted) {
            failure = { task, error };
            internal.abort();
          }
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    if (options.signal?.aborted) throw abortError(options.signal);
    if (failure !== undefined) throw crashError(failure.task, failure.error);
    return results;
  }

  /**
   * Resolves once the threads have started and loaded the worker module (a long-lived pool, or a
   * benchmark that times the transform without the thread start-up).
   */
  async warmUp(): Promise<void> {
    await Promise.all(Array.from({ length: this.workers }, () => this.#piscina.run(null as unknown as TransformTask, { name: 'warmUp' })));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#piscina.destroy();
  }
}

/** Errno a worker's file-system error names first in its message (its `code` does not cross the thread). */
const FULL_DISK = /^(ENOSPC|EDQUOT): /;

function crashError(task: TransformTask, error: unknown): FeedmillError {
  const e = error as { message?: unknown; code?: unknown; name?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  const full = FULL_DISK.exec(message)?.[1];
  if (full !== undefined) {
    // Not a crash: the parts fill the staging dir (the RAM disk) beside the staging databases.
    return new FeedmillError(
      'FEEDMILL_STAGING_FAILED',
      `writing the feed parts of offers ${task.range.lo}-${task.range.hi} failed (${full}): the staging dir is full; make its tmpfs larger or free it (feedmill doctor). The export was failed and no feed was published`,
      { range: task.range.index, lo: task.range.lo, hi: task.range.hi, errno: full, dir: task.partsDir, reason: message },
      { cause: error },
    );
  }
  return new FeedmillError(
    'FEEDMILL_TRANSFORM_WORKER_CRASHED',
    `a transform worker died on offers ${task.range.lo}-${task.range.hi} (${message}); the export was failed and no feed was published`,
    {
      range: task.range.index,
      lo: task.range.lo,
      hi: task.range.hi,
      reason: message,
      errorCode: typeof e?.code === 'string' ? e.code : null,
    },
    { cause: error },
  );
}

export function abortError(signal: AbortSignal): FeedmillError {
  const reason: unknown = signal.reason;
  if (isFeedmillError(reason, 'FEEDMILL_TRANSFORM_ABORTED')) return reason;
  return new FeedmillError('FEEDMILL_TRANSFORM_ABORTED', 'the export was canceled; its parts were removed and no feed was published', {
    reason: isFeedmillError(reason) ? reason.code : reason instanceof Error ? reason.message : String(reason),
  }, { cause: reason });
}
