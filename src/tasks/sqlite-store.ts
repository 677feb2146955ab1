/**
 * The task store on the SQLite app DB.
 *
 * Every state change is one `BEGIN IMMEDIATE` transaction: the write lock is taken up front, so two
 * processes never both read a task as claimable and then race to update it, and a waiting writer
 * queues on `busy_timeout` instead of failing with SQLITE_BUSY. Transactions stay short (a few
 * indexed statements) so that bots in several processes share the lock without noticeable waits.
 */
import type { Statement } from 'better-sqlite3';
import type { AppDb } from '../db/index.js';
import { ensureSchema } from '../db/index.js';
import { FeedmillError, type SerializedError } from '../errors.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import { TASKS_DDL } from './schema.js';
import {
  TASK_STATUSES,
  type ClaimOptions,
  type EnqueueInput,
  type FollowUp,
  type HeartbeatResult,
  type JsonObject,
  type JsonValue,
  type Task,
  type TaskEvent,
  type TaskEventListener,
  type TaskEventType,
  type TaskFilter,
  type TaskStatus,
  type TaskStore,
} from './types.js';

export interface SqliteTaskStoreOptions {
  clock?: Clock;
  /** How long a claim holds a task without a heartbeat. @default 30_000 */
  leaseMs?: number;
  /** Default for tasks that do not set it. @default 5 */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** Jitter source, [0, 1). @default Math.random */
  random?: () => number;
}

interface TaskRow {
  id: number;
  kind: string;
  params: string;
  status: TaskStatus;
  priority: number;
  lane: string | null;
  lane_seq: number;
  run_after: number;
  attempt: number;
  max_attempts: number;
  fence: number;
  bot_id: string | null;
  lease_until: number | null;
  progress_done: number | null;
  progress_total: number | null;
  result: string | null;
  error: string | null;
  parent_id: number | null;
  retry_of: number | null;
  schedule_id: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

interface EventRow {
  id: number;
  task_id: number;
  at: number;
  type: TaskEventType;
  status: TaskStatus;
  attempt: number;
  progress_done: number | null;
  progress_total: number | null;
  error: string | null;
  kind: string;
  lane: string | null;
}

const KIND_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;
const ACTIVE_SQL = "('TO_DO', 'IS_PROCESSING', 'TO_CANCEL')";

/** Task events kept for SSE resumes and `tasks show`; older ones are pruned as new ones arrive. */
const EVENT_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** Prune once per this many events written (one indexed-range delete, not per event). */
const EVENT_PRUNE_EVERY = 1000;

export class SqliteTaskStore implements TaskStore {
  readonly db: AppDb;
  readonly clock: Clock;
  readonly leaseMs: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly #random: () => number;
  readonly #listeners = new Set<TaskEventListener>();
  readonly #begin: Statement;
  readonly #commit: Statement;
  readonly #rollback: Statement;
  readonly #pruneEvents: Statement;
  /** Events written inside the current transaction, emitted once it commits. */
  #pending: TaskEvent[] = [];
  readonly #stmt: Record<
    | 'insert' | 'setSeq' | 'byId' | 'claimable' | 'take' | 'expired' | 'event' | 'eventsSince'
    | 'toCanceled' | 'toDone' | 'toError' | 'toRetry' | 'renew' | 'progress' | 'setStatus' | 'release',
    Statement
  >;

  constructor(db: AppDb, options: SqliteTaskStoreOptions = {}) {
    this.db = db;
    this.clock = options.clock ?? systemClock;
    this.leaseMs = positiveInt(options.leaseMs ?? 30_000, 'leaseMs');
    this.maxAttempts = positiveInt(options.maxAttempts ?? 5, 'maxAttempts');
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#random = options.random ?? Math.random;
    ensureSchema(db, TASKS_DDL);
    const p = (sql: string) => db.prepare(sql);
    this.#begin = p('BEGIN IMMEDIATE');
    this.#commit = p('COMMIT');
    this.#rollback = p('ROLLBACK');
    // Event ids grow with time: find the first event to keep by walking ids from the oldest (few,
    // since older ones were pruned before), then cut below it.
    this.#pruneEvents = p('DELETE FROM task_events WHERE id < coalesce((SELECT id FROM task_events WHERE at >= ? ORDER BY id LIMIT 1), 0)');
    this.#stmt = {
      insert: p(`INSERT INTO tasks (kind, params, status, priority, lane, lane_seq, run_after, attempt, max_attempts,
                   parent_id, retry_of, schedule_id, created_at, updated_at)
                 VALUES (@kind, @params, 'TO_DO', @priority, @lane, @laneSeq, @runAfter, 1, @maxAttempts,
                   @parentId, @retryOf, @scheduleId, @now, @now) RETURNING id`),
      setSeq: p('UPDATE tasks SET lane_seq = id WHERE id = ? RETURNING *'),
      byId: p('SELECT * FROM tasks WHERE id = ?'),
      // A task is claimable when no earlier task of its lane (by lane_seq, then id) is active.
      claimable: p(`SELECT t.id FROM tasks t
                    WHERE t.status = 'TO_DO' AND t.run_after <= @now
                      AND NOT EXISTS (SELECT 1 FROM tasks p
                        WHERE p.lane = t.lane AND p.status IN ${ACTIVE_SQL}
                          AND (p.lane_seq < t.lane_seq OR (p.lane_seq = t.lane_seq AND p.id < t.id)))
                    ORDER BY t.priority DESC, t.id ASC LIMIT 1`),
      take: p(`UPDATE tasks SET status = 'IS_PROCESSING', fence = fence + 1, bot_id = @botId, lease_until = @leaseUntil,
                 started_at = @now, updated_at = @now, progress_done = NULL, progress_total = NULL
               WHERE id = @id RETURNING *`),
      expired: p(`SELECT * FROM tasks WHERE status IN ('IS_PROCESSING', 'TO_CANCEL') AND lease_until < ?`),
      event: p(`INSERT INTO task_events (task_id, at, type, status, attempt, progress_done, progress_total, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
      eventsSince: p(`SELECT e.*, t.kind, t.lane FROM task_events e JOIN tasks t ON t.id = e.task_id
                      WHERE e.id > ? ORDER BY e.id LIMIT ?`),
      toCanceled: p(`UPDATE tasks SET status = 'CANCELED', lease_until = NULL, finished_at = @now, updated_at = @now
                     WHERE id = @id RETURNING *`),
      toDone: p(`UPDATE tasks SET status = 'DONE', result = @result, lease_until = NULL, finished_at = @now, updated_at = @now
                 WHERE id = @id RETURNING *`),
      toError: p(`UPDATE tasks SET status = 'ERROR', error = @error, lease_until = NULL, finished_at = @now, updated_at = @now
                  WHERE id = @id RETURNING *`),
      toRetry: p(`UPDATE tasks SET status = 'TO_DO', error = @error, attempt = attempt + 1, run_after = @runAfter,
                    bot_id = NULL, lease_until = NULL, updated_at = @now
                  WHERE id = @id RETURNING *`),
      renew: p('UPDATE tasks SET lease_until = @leaseUntil, updated_at = @now WHERE id = @id'),
      progress: p('UPDATE tasks SET progress_done = @done, progress_total = @total, updated_at = @now WHERE id = @id RETURNING *'),
      setStatus: p('UPDATE tasks SET status = @status, updated_at = @now WHERE id = @id RETURNING *'),
      release: p(`UPDATE tasks SET status = 'TO_DO', bot_id = NULL, lease_until = NULL, run_after = @now, updated_at = @now
                  WHERE id = @id RETURNING *`),
    };
  }

  async enqueue(input: EnqueueInput): Promise<Task> {
    const now = this.clock.now();
    return this.#tx(() => this.enqueueSync(input, now));
  }

  /**
   * Enqueue inside a transaction the caller already holds (the scheduler records the occurrence
   * and enqueues atomically). Not part of `TaskStore`: a SQLite detail.
   */
  enqueueSync(input: EnqueueInput, now: number, parent?: { id: number; laneSeq: number }, retryOf?: number): Task {
    validateInput(input);
    const row = this.#stmt.insert.get({
      kind: input.kind,
      params: JSON.stringify(input.params ?? {}),
      priority: input.priority ?? 0,
      lane: input.lane ?? null,
      laneSeq: parent?.laneSeq ?? 0,
      runAfter: input.runAfter ?? now,
      maxAttempts: input.maxAttempts ?? this.maxAttempts,
      parentId: parent?.id ?? null,
      retryOf: retryOf ?? null,
      scheduleId: input.scheduleId ?? null,
      now,
    }) as { id: number };
    const task = parent ? this.#row(row.id) : (this.#stmt.setSeq.get(row.id) as TaskRow);
    this.#event(task, 'state', now);
    return toTask(task);
  }

  /** Runs `fn` in one IMMEDIATE transaction (a savepoint when nested); events go out after commit. */
  transaction<T>(fn: () => T): T {
    return this.#tx(fn);
  }

  async claim(botId: string, options: ClaimOptions = {}): Promise<Task | null> {
    const now = options.now ?? this.clock.now();
    return this.#tx(() => {
      this.#reclaim(now);
      const next = this.#stmt.claimable.get({ now }) as { id: number } | undefined;
      if (!next) return null;
      const row = this.#stmt.take.get({ id: next.id, botId, leaseUntil: now + this.leaseMs, now }) as TaskRow;
      this.#event(row, 'state', now);
      return toTask(row);
    });
  }

  async heartbeat(taskId: number, fence: number): Promise<HeartbeatResult> {
    const now = this.clock.now();
    return this.#tx(() => {
      const row = this.#owned(taskId, fence);
      const leaseUntil = now + this.leaseMs;
      this.#stmt.renew.run({ id: taskId, leaseUntil, now });
      return { leaseUntil, cancelRequested: row.status === 'TO_CANCEL' };
    });
  }

  async progress(taskId: number, fence: number, done: number, total: number | null): Promise<void> {
    const now = this.clock.now();
    if (!Number.isFinite(done) || done < 0 || (total !== null && (!Number.isFinite(total) || total < 0))) {
      throw new FeedmillError('FEEDMILL_TASK_INVALID', 'progress must be non-negative numbers', { taskId, done, total });
    }
    this.#tx(() => {
      this.#owned(taskId, fence);
      const row = this.#stmt.progress.get({ id: taskId, done, total, now }) as TaskRow;
      this.#event(row, 'progress', now);
    });
  }

  async complete(taskId: number, fence: number, result: JsonValue, followUps: readonly FollowUp[] = []): Promise<Task> {
    const now = this.clock.now();
    return this.#tx(() => {
      const owned = this.#owned(taskId, fence);
      const row = this.#stmt.toDone.get({ id: taskId, result: JSON.stringify(result ?? null), now }) as TaskRow;
      this.#event(row, 'state', now);
      for (const f of followUps) {
        this.enqueueSync(
          { kind: f.kind, params: f.params ?? {}, priority: f.priority ?? owned.priority, lane: owned.lane, maxAttempts: owned.max_attempts },
          now,
          { id: owned.id, laneSeq: owned.lane_seq },
        );
      }
      return toTask(row);
    });
  }

  async fail(taskId: number, fence: number, error: SerializedError): Promise<Task> {
    const now = this.clock.now();
    return this.#tx(() => {
      const row = this.#owned(taskId, fence);
      if (row.status === 'TO_CANCEL') return this.#cancel(row, now);
      return this.#retryOrError(row, error, now);
    });
  }

  async markCanceled(taskId: number, fence: number): Promise<Task> {
    const now = this.clock.now();
    return this.#tx(() => this.#cancel(this.#owned(taskId, fence), now));
  }

  async release(taskId: number, fence: number): Promise<Task> {
    const now = this.clock.now();
    return this.#tx(() => {
      const owned = this.#owned(taskId, fence);
      if (owned.status === 'TO_CANCEL') return this.#cancel(owned, now);
      const row = this.#stmt.release.get({ id: taskId, now }) as TaskRow;
      this.#event(row, 'state', now);
      return toTask(row);
    });
  }

  async abandon(taskId: number, fence: number): Promise<Task> {
    const now = this.clock.now();
    return this.#tx(() => this.#expire(this.#owned(taskId, fence), now));
  }

  async requestCancel(taskId: number): Promise<Task> {
    const now = this.clock.now();
    return this.#tx(() => {
      const row = this.#row(taskId);
      switch (row.status) {
        case 'TO_DO':
          return this.#cancel(row, now);
        case 'IS_PROCESSING': {
          const updated = this.#stmt.setStatus.get({ id: taskId, status: 'TO_CANCEL', now }) as TaskRow;
          this.#event(updated, 'state', now);
          return toTask(updated);
        }
        case 'TO_CANCEL':
        case 'CANCELED':
          return toTask(row);
        default:
          throw new FeedmillError('FEEDMILL_TASK_STATE', `task ${taskId} is ${row.status} already; only queued or running tasks can be canceled`, {
            taskId,
            status: row.status,
          });
      }
    });
  }

  async retry(taskId: number): Promise<Task> {
    const now = this.clock.now();
    return this.#tx(() => {
      const row = this.#row(taskId);
      if (row.status !== 'ERROR' && row.status !== 'CANCELED') {
        throw new FeedmillError('FEEDMILL_TASK_STATE', `task ${taskId} is ${row.status}; only ERROR or CANCELED tasks can be retried`, {
          taskId,
          status: row.status,
        });
      }
      const input: EnqueueInput = {
        kind: row.kind,
        params: JSON.parse(row.params) as JsonObject,
        priority: row.priority,
        lane: row.lane,
        maxAttempts: row.max_attempts,
        scheduleId: row.schedule_id,
      };
      return this.enqueueSync(input, now, undefined, row.id);
    });
  }

  async get(taskId: number): Promise<Task> {
    return toTask(this.#row(taskId));
  }

  async find(taskId: number): Promise<Task | undefined> {
    const row = this.#stmt.byId.get(taskId) as TaskRow | undefined;
    return row && toTask(row);
  }

  async list(filter: TaskFilter = {}): Promise<Task[]> {
    // Fixed SQL fragments only; every value is a bound parameter.
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status !== undefined) {
      const statuses = typeof filter.status === 'string' ? [filter.status] : filter.status;
      for (const s of statuses) {
        if (!TASK_STATUSES.includes(s)) {
          throw new FeedmillError('FEEDMILL_TASK_INVALID', `unknown status ${s}; use one of ${TASK_STATUSES.join(', ')}`, { status: s });
        }
      }
      where.push(`status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`);
      args.push(...statuses);
    }
    if (filter.kind !== undefined) {
      where.push('kind = ?');
      args.push(filter.kind);
    }
    if (filter.lane !== undefined) {
      where.push('lane = ?');
      args.push(filter.lane);
    }
    if (filter.beforeId !== undefined) {
      where.push('id < ?');
      args.push(filter.beforeId);
    }
    const limit = filter.limit ?? 100;
    const sql = `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as TaskRow[]).map(toTask);
  }

  async assertFence(taskId: number, fence: number): Promise<void> {
    const now = this.clock.now();
    this.#tx(() => {
      const row = this.#row(taskId);
      if (row.fence !== fence) {
        throw new FeedmillError('FEEDMILL_PUBLISH_FENCED', `task ${taskId} was taken over by a newer run; this run may not publish`, {
          taskId,
          fence,
          currentFence: row.fence,
        });
      }
      if ((row.status !== 'IS_PROCESSING' && row.status !== 'TO_CANCEL') || row.lease_until === null || row.lease_until < now) {
        throw new FeedmillError('FEEDMILL_TASK_LEASE_LOST', `the lease of task ${taskId} expired; this run may not publish`, {
          taskId,
          fence,
          status: row.status,
          leaseUntil: row.lease_until,
        });
      }
      this.#stmt.renew.run({ id: taskId, leaseUntil: now + this.leaseMs, now });
    });
  }

  async reclaimExpired(now: number = this.clock.now()): Promise<Task[]> {
    return this.#tx(() => this.#reclaim(now));
  }

  async eventsSince(afterId: number, limit = 1000): Promise<TaskEvent[]> {
    return (this.#stmt.eventsSince.all(afterId, limit) as EventRow[]).map((r) => ({
      id: r.id,
      taskId: r.task_id,
      at: r.at,
      type: r.type,
      kind: r.kind,
      lane: r.lane,
      status: r.status,
      attempt: r.attempt,
      progressDone: r.progress_done,
      progressTotal: r.progress_total,
      error: r.error === null ? null : (JSON.parse(r.error) as SerializedError),
    }));
  }

  subscribe(listener: TaskEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }

  #tx<T>(fn: () => T): T {
    if (this.db.inTransaction) {
      // Nested (the scheduler's transaction around an enqueue): a savepoint, events wait for the outer commit.
      return this.db.transaction(fn)();
    }
    // Hand-rolled BEGIN IMMEDIATE / COMMIT with statements prepared once: this runs twice per task.
    this.#begin.run();
    let result: T;
    try {
      result = fn();
      this.#commit.run();
    } catch (err) {
      if (this.db.inTransaction) this.#rollback.run();
      this.#pending = [];
      throw err;
    }
    this.#flush();
    return result;
  }

  #flush(): void {
    const events = this.#pending;
    this.#pending = [];
    for (const e of events) {
      for (const listener of this.#listeners) {
        try {
          listener(e);
        } catch {
          // A failing subscriber (a closed SSE stream) must not undo or block a committed change.
        }
      }
    }
  }

  #row(taskId: number): TaskRow {
    const row = this.#stmt.byId.get(taskId) as TaskRow | undefined;
    if (!row) throw new FeedmillError('FEEDMILL_TASK_UNKNOWN', `no task ${taskId}; 'feedmill tasks list' shows the tasks`, { taskId });
    return row;
  }

  /** The row, if `fence` is its current claim and it is still running; else LEASE_LOST. */
  #owned(taskId: number, fence: number): TaskRow {
    const row = this.#row(taskId);
    if (row.fence !== fence || (row.status !== 'IS_PROCESSING' && row.status !== 'TO_CANCEL')) {
      throw new FeedmillError('FEEDMILL_TASK_LEASE_LOST', `task ${taskId} is no longer owned by this run (lease expired or taken over)`, {
        taskId,
        fence,
        currentFence: row.fence,
        status: row.status,
      });
    }
    return row;
  }

  #reclaim(now: number): Task[] {
    return (this.#stmt.expired.all(now) as TaskRow[]).map((row) => this.#expire(row, now));
  }

  /** An expired lease: a task asked to cancel ends CANCELED, others are retried like a retryable error. */
  #expire(row: TaskRow, now: number): Task {
    if (row.status === 'TO_CANCEL') return this.#cancel(row, now);
    const error = new FeedmillError(
      'FEEDMILL_TASK_LEASE_LOST',
      `the bot running task ${row.id} stopped renewing its lease (crashed or stalled)`,
      { taskId: row.id, botId: row.bot_id, fence: row.fence, leaseUntil: row.lease_until },
      { retryable: true },
    );
    return this.#retryOrError(row, error.toJSON(), now);
  }

  #retryOrError(row: TaskRow, error: SerializedError, now: number): Task {
    const json = JSON.stringify(error);
    const updated =
      error.retryable && row.attempt < row.max_attempts
        ? (this.#stmt.toRetry.get({ id: row.id, error: json, runAfter: now + backoffDelay(row.attempt + 1, this.backoff, this.#random), now }) as TaskRow)
        : (this.#stmt.toError.get({ id: row.id, error: json, now }) as TaskRow);
    this.#event(updated, 'state', now);
    return toTask(updated);
  }

  #cancel(row: TaskRow, now: number): Task {
    const updated = this.#stmt.toCanceled.get({ id: row.id, now }) as TaskRow;
    this.#event(updated, 'state', now);
    return toTask(updated);
  }

  #event(row: TaskRow, type: TaskEventType, now: number): void {
    const errorJson = type === 'state' && (row.status === 'ERROR' || row.status === 'TO_DO') ? row.error : null;
    const { id } = this.#stmt.event.get(row.id, now, type, row.status, row.attempt, row.progress_done, row.progress_total, errorJson) as { id: number };
    // The log is for live clients and short resumes, not an archive: now and then, drop what is
    // older than the retention, so the table does not grow with every night's tasks forever.
    if (id % EVENT_PRUNE_EVERY === 0) this.#pruneEvents.run(now - EVENT_RETENTION_MS);
    if (this.#listeners.size === 0) return;
    this.#pending.push({
      id,
      taskId: row.id,
      at: now,
      type,
      kind: row.kind,
      lane: row.lane,
      status: row.status,
      attempt: row.attempt,
      progressDone: row.progress_done,
      progressTotal: row.progress_total,
      error: errorJson === null ? null : (JSON.parse(errorJson) as SerializedError),
    });
  }
}

function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    kind: row.kind,
    params: JSON.parse(row.params) as JsonObject,
    status: row.status,
    priority: row.priority,
    lane: row.lane,
    runAfter: row.run_after,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    fence: row.fence,
    botId: row.bot_id,
    leaseUntil: row.lease_until,
    progressDone: row.progress_done,
    progressTotal: row.progress_total,
    result: row.result === null ? null : (JSON.parse(row.result) as JsonValue),
    error: row.error === null ? null : (JSON.parse(row.error) as SerializedError),
    parentId: row.parent_id,
    retryOf: row.retry_of,
    scheduleId: row.schedule_id,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}

function validateInput(input: EnqueueInput): void {
  const bad = (field: string, value: unknown, what: string) =>
    new FeedmillError('FEEDMILL_TASK_INVALID', `task ${field} ${JSON.stringify(value)} is invalid: ${what}`, { field, value });
  if (typeof input.kind !== 'string' || !KIND_PATTERN.test(input.kind)) throw bad('kind', input.kind, 'use lower-case letters, digits and -');
  if (input.params !== undefined && (typeof input.params !== 'object' || input.params === null || Array.isArray(input.params))) {
    throw bad('params', input.params, 'must be a JSON object');
  }
  if (input.priority !== undefined && !Number.isSafeInteger(input.priority)) throw bad('priority', input.priority, 'must be a whole number');
  if (input.maxAttempts !== undefined && !(Number.isSafeInteger(input.maxAttempts) && input.maxAttempts >= 1)) {
    throw bad('maxAttempts', input.maxAttempts, 'must be a whole number >= 1');
  }
  if (input.runAfter !== undefined && !Number.isFinite(input.runAfter)) throw bad('runAfter', input.runAfter, 'must be epoch milliseconds');
  if (input.lane !== undefined && input.lane !== null && (typeof input.lane !== 'string' || input.lane === '')) {
    throw bad('lane', input.lane, 'must be a non-empty string or null');
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new FeedmillError('FEEDMILL_TASK_INVALID', `${name} must be a whole number >= 1, got ${value}`, { field: name, value });
  }
  return value;
}
