/**
 * The task model and the `TaskStore` contract.
 *
 * The store is the only place that changes a task's status, so every invariant below holds in one
 * transaction of the store, whatever backend implements it (SQLite here, PostgreSQL later; both
 * must pass test/tasks/conformance.ts):
 * - a task is claimable when it is TO_DO, its `runAfter` has passed, and no earlier task of its
 *   lane is still active (TO_DO, IS_PROCESSING or TO_CANCEL): lanes are strictly serial, also
 *   while their head waits for a retry;
 * - among claimable tasks the highest `priority` wins, then the oldest;
 * - every claim increments `fence`; every later write of the runner names that fence and fails
 *   with FEEDMILL_TASK_LEASE_LOST when another claim (or the lease expiry) happened in between.
 */
import type { SerializedError } from '../errors.js';

export type TaskStatus = 'TO_DO' | 'IS_PROCESSING' | 'TO_CANCEL' | 'DONE' | 'ERROR' | 'CANCELED';

export const TASK_STATUSES: readonly TaskStatus[] = ['TO_DO', 'IS_PROCESSING', 'TO_CANCEL', 'DONE', 'ERROR', 'CANCELED'];

/** Statuses that still hold their lane. */
export const ACTIVE_STATUSES: readonly TaskStatus[] = ['TO_DO', 'IS_PROCESSING', 'TO_CANCEL'];

export function isTerminal(status: TaskStatus): boolean {
  return status === 'DONE' || status === 'ERROR' || status === 'CANCELED';
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Interactive work (an upload a user waits for) runs before the nightly batch. Higher runs first. */
export const PRIORITY = { interactive: 10, normal: 0, nightly: -10 } as const;

export interface Task {
  id: number;
  kind: string;
  params: JsonObject;
  status: TaskStatus;
  priority: number;
  /** Tasks sharing a lane run one after another in insertion order; null runs free. */
  lane: string | null;
  /** Epoch ms before which the task is never claimed. */
  runAfter: number;
  /** 1-based number of the current (or next) run. */
  attempt: number;
  maxAttempts: number;
  /** Incremented by every claim; the runner's proof of ownership. */
  fence: number;
  botId: string | null;
  leaseUntil: number | null;
  progressDone: number | null;
  progressTotal: number | null;
  result: JsonValue | null;
  /** The last error: the final one for ERROR, the one that caused the retry for a TO_DO. */
  error: SerializedError | null;
  /** The task whose completion enqueued this one (a pipeline step). */
  parentId: number | null;
  /** The ERROR or CANCELED task this one re-runs (`tasks retry`). */
  retryOf: number | null;
  scheduleId: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

export interface EnqueueInput {
  kind: string;
  params?: JsonObject;
  /** @default PRIORITY.normal */
  priority?: number;
  lane?: string | null;
  /** Epoch ms. @default now */
  runAfter?: number;
  /** @default the store's maxAttempts (5) */
  maxAttempts?: number;
  scheduleId?: number | null;
}

/** A task a handler asks to enqueue when it completes: same lane, right after it in lane order. */
export interface FollowUp {
  kind: string;
  params?: JsonObject;
  /** @default the parent's priority */
  priority?: number;
}

export interface TaskFilter {
  status?: TaskStatus | readonly TaskStatus[];
  kind?: string;
  lane?: string;
  /** Only tasks with a smaller id (paging backwards from the newest). */
  beforeId?: number;
  /** @default 100 */
  limit?: number;
}

export type TaskEventType = 'state' | 'progress';

export interface TaskEvent {
  /** Increasing; `eventsSince(id)` returns the ones after it. */
  id: number;
  taskId: number;
  at: number;
  type: TaskEventType;
  kind: string;
  lane: string | null;
  status: TaskStatus;
  attempt: number;
  progressDone: number | null;
  progressTotal: number | null;
  error: SerializedError | null;
}

export type TaskEventListener = (event: TaskEvent) => void;

export interface HeartbeatResult {
  leaseUntil: number;
  /** Someone asked to cancel: the runner aborts its handler. */
  cancelRequested: boolean;
}

export interface ClaimOptions {
  /** @default clock.now() */
  now?: number;
}

export interface TaskStore {
  enqueue(input: EnqueueInput): Promise<Task>;
  /**
   * In one short transaction: returns expired leases to TO_DO (or ends them), then takes the best
   * claimable task, sets it IS_PROCESSING with a lease and a new fence. Null when none is ready.
   */
  claim(botId: string, options?: ClaimOptions): Promise<Task | null>;
  /** Renews the lease. Throws FEEDMILL_TASK_LEASE_LOST when the fence is no longer current. */
  heartbeat(taskId: number, fence: number): Promise<HeartbeatResult>;
  /** Records progress (offers done / total) and emits a progress event. */
  progress(taskId: number, fence: number, done: number, total: number | null): Promise<void>;
  /** DONE, and enqueues the follow-ups in the same transaction. */
  complete(taskId: number, fence: number, result: JsonValue, followUps?: readonly FollowUp[]): Promise<Task>;
  /**
   * A retryable error below maxAttempts returns the task to TO_DO with attempt + 1 and
   * runAfter = now + backoff with jitter; anything else ends it in ERROR. A task asked to
   * cancel ends CANCELED instead.
   */
  fail(taskId: number, fence: number, error: SerializedError): Promise<Task>;
  /** The handler stopped because of a cancel request: CANCELED. */
  markCanceled(taskId: number, fence: number): Promise<Task>;
  /** The bot is shutting down: back to TO_DO at once, the attempt not counted. */
  release(taskId: number, fence: number): Promise<Task>;
  /** The runner is known dead (its process exited): treated as an expired lease right now. */
  abandon(taskId: number, fence: number): Promise<Task>;
  /** A queued task becomes CANCELED at once; a running one TO_CANCEL. Idempotent. */
  requestCancel(taskId: number): Promise<Task>;
  /** A new TO_DO task with the same kind, params, lane and priority as an ERROR or CANCELED one. */
  retry(taskId: number): Promise<Task>;
  get(taskId: number): Promise<Task>;
  find(taskId: number): Promise<Task | undefined>;
  /** Newest first. */
  list(filter?: TaskFilter): Promise<Task[]>;
  /**
   * Right before an irreversible step (renaming a feed into place): throws FEEDMILL_PUBLISH_FENCED
   * when a newer claim owns the task, FEEDMILL_TASK_LEASE_LOST when the lease expired; else extends
   * the lease so that the step has a full lease period.
   */
  assertFence(taskId: number, fence: number): Promise<void>;
  /** Returns expired leases to TO_DO or ends them; the tasks it changed. `claim` does it too. */
  reclaimExpired(now?: number): Promise<Task[]>;
  /** Persisted events with an id greater than `afterId`, oldest first. */
  eventsSince(afterId: number, limit?: number): Promise<TaskEvent[]>;
  /** In-process: every event this store instance writes. Returns the unsubscribe function. */
  subscribe(listener: TaskEventListener): () => void;
  close(): Promise<void>;
}
