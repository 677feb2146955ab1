/**
 * Task handlers, registered by kind. A handler does the work of one task and returns its result as
 * JSON; it throws a FeedmillError (retryable or not) to fail. It must honour `signal`: when aborted
 * (cancel request, lost lease, bot shutdown) it stops, removes any partial output and throws.
 */
import { FeedmillError } from '../errors.js';
import type { Logger } from '../log.js';
import type { FollowUp, JsonValue, Task } from './types.js';

export interface HandlerContext {
  task: Task;
  /** Aborted on cancel, lease loss or shutdown; `signal.reason` is a FeedmillError. */
  signal: AbortSignal;
  /** Offers (or bytes, or steps) done out of total; throttled before it reaches the store. */
  progress(done: number, total?: number | null): void;
  /** The claim's fencing token; pass it to `assertFence` right before an irreversible step. */
  fence: number;
  /**
   * Throws FEEDMILL_PUBLISH_FENCED / FEEDMILL_TASK_LEASE_LOST when this run no longer owns the task;
   * else extends the lease. Call it right before renaming output into place.
   */
  assertFence(): Promise<void>;
  /** Enqueues a task in this task's lane when (and only if) this one completes. */
  followUp(next: FollowUp): void;
  log: Logger;
}

export type TaskHandler = (ctx: HandlerContext) => Promise<JsonValue | void>;

export class HandlerRegistry {
  readonly #handlers = new Map<string, TaskHandler>();

  register(kind: string, handler: TaskHandler): this {
    if (this.#handlers.has(kind)) {
      throw new FeedmillError('FEEDMILL_TASK_INVALID', `a handler for task kind ${kind} is registered already`, { kind });
    }
    this.#handlers.set(kind, handler);
    return this;
  }

  get(kind: string): TaskHandler {
    const handler = this.#handlers.get(kind);
    if (!handler) {
      throw new FeedmillError('FEEDMILL_TASK_KIND_UNKNOWN', `no handler for task kind ${kind} in this worker`, {
        kind,
        known: [...this.#handlers.keys()].sort(),
      });
    }
    return handler;
  }

  has(kind: string): boolean {
    return this.#handlers.has(kind);
  }

  kinds(): string[] {
    return [...this.#handlers.keys()].sort();
  }
}
