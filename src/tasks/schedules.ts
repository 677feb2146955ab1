/**
 * Schedules: cron expressions with a time zone, stored in the app DB, each enqueuing a task
 * (by default a `pipeline` of one catalog, in the catalog's lane, at nightly priority).
 *
 * Exactly once, even with several schedulers: in one IMMEDIATE transaction a tick reads the
 * schedule's watermark, inserts the occurrence with INSERT OR IGNORE under
 * UNIQUE(schedule_id, occurrence), enqueues only if that insert happened, and moves the watermark.
 *
 * Misfire policy: when occurrences were missed (no scheduler running), the next tick enqueues the
 * latest missed one once and skips the older ones: a catalog export is a full snapshot, so running
 * last night's and the night before's would only repeat the same work.
 */
import type { Statement } from 'better-sqlite3';
import type { Cron } from 'croner';
import { ensureSchema } from '../db/index.js';
import { FeedmillError, toFeedmillError } from '../errors.js';
import type { Logger } from '../log.js';
import { assertName } from '../names.js';
import type { Clock } from './clock.js';
import { compileCron, latestOccurrence, localKey, nextOccurrence } from './cron.js';
import { catalogLane } from './lanes.js';
import { SCHEDULES_DDL } from './schema.js';
import type { SqliteTaskStore } from './sqlite-store.js';
import { PRIORITY, type JsonObject, type Task } from './types.js';

export interface ScheduleInput {
  catalog: string;
  cron: string;
  /** IANA time zone. */
  tz: string;
  /** @default all of the catalog's channels */
  channels?: readonly string[];
  /** Fetch the catalog from this URL first (conditional GET); without it the pipeline only exports. */
  url?: string;
  /** @default "<catalog>-<n>" */
  name?: string;
  /** @default PRIORITY.nightly */
  priority?: number;
}

export interface Schedule {
  id: number;
  name: string;
  cron: string;
  tz: string;
  kind: string;
  params: JsonObject;
  priority: number;
  lane: string | null;
  enabled: boolean;
  /** Occurrences at or before this epoch ms are done (enqueued or skipped). */
  watermark: number;
  createdAt: number;
  /** The next occurrence after the watermark, epoch ms. */
  next: number | null;
}

export interface Fired {
  scheduleId: number;
  /** Local wall-clock time of the occurrence in the schedule's zone. */
  occurrence: string;
  fireAt: number;
  /** The enqueued task; undefined when another scheduler recorded this occurrence first. */
  task: Task | undefined;
}

interface ScheduleRow {
  id: number;
  name: string;
  cron: string;
  tz: string;
  kind: string;
  params: string;
  priority: number;
  lane: string | null;
  enabled: number;
  watermark: number;
  created_at: number;
}

export class Schedules {
  readonly #tasks: SqliteTaskStore;
  readonly #clock: Clock;
  readonly #compiled = new Map<string, Cron>();
  readonly #nextCache = new Map<string, number | null>();
  readonly #stmt: Record<'insert' | 'byId' | 'byName' | 'all' | 'remove' | 'removeOcc' | 'occurrence' | 'setTask' | 'watermark', Statement>;

  constructor(tasks: SqliteTaskStore, clock: Clock = tasks.clock) {
    this.#tasks = tasks;
    this.#clock = clock;
    ensureSchema(tasks.db, SCHEDULES_DDL);
    const p = (sql: string) => tasks.db.prepare(sql);
    this.#stmt = {
      insert: p(`INSERT INTO schedules (name, cron, tz, kind, params, priority, lane, enabled, watermark, created_at)
                 VALUES (@name, @cron, @tz, @kind, @params, @priority, @lane, 1, @now, @now) RETURNING *`),
      byId: p('SELECT * FROM schedules WHERE id = ?'),
      byName: p('SELECT * FROM schedules WHERE name = ?'),
      all: p('SELECT * FROM schedules ORDER BY id'),
      remove: p('DELETE FROM schedules WHERE id = ?'),
      removeOcc: p('DELETE FROM schedule_occurrences WHERE schedule_id = ?'),
      occurrence: p(`INSERT OR IGNORE INTO schedule_occurrences (schedule_id, occurrence, fire_at, enqueued_at) VALUES (?, ?, ?, ?)`),
      setTask: p('UPDATE schedule_occurrences SET task_id = ? WHERE schedule_id = ? AND occurrence = ?'),
      watermark: p('UPDATE schedules SET watermark = ? WHERE id = ? AND watermark < ?'),
    };
  }

  add(input: ScheduleInput): Schedule {
    assertName(input.catalog, 'catalog');
    for (const c of input.channels ?? []) assertName(c, 'channel');
    if (input.name !== undefined) assertName(input.name, 'schedule');
    compileCron(input.cron, input.tz);
    if (input.url !== undefined) checkUrl(input.url);
    if (input.priority !== undefined && !Number.isSafeInteger(input.priority)) {
      throw new FeedmillError('FEEDMILL_SCHEDULE_INVALID', 'priority must be a whole number', { priority: input.priority });
    }
    const params: JsonObject = { catalog: input.catalog };
    if (input.channels !== undefined) params.channels = [...input.channels];
    if (input.url !== undefined) params.source = { url: input.url };
    const now = this.#clock.now();
    return this.#tasks.transaction(() => {
      const name = input.name ?? this.#freeName(input.catalog);
      if (this.#stmt.byName.get(name)) {
        throw new FeedmillError('FEEDMILL_SCHEDULE_INVALID', `a schedule named ${name} exists already; pick another --name`, { name });
      }
      const row = this.#stmt.insert.get({
        name,
        cron: input.cron,
        tz: input.tz,
        kind: 'pipeline',
        params: JSON.stringify(params),
        priority: input.priority ?? PRIORITY.nightly,
        lane: catalogLane(input.catalog),
        now,
      }) as ScheduleRow;
      return this.#toSchedule(row);
    });
  }

  list(): Schedule[] {
    return (this.#stmt.all.all() as ScheduleRow[]).map((r) => this.#toSchedule(r));
  }

  /** By numeric id or by name. */
  get(ref: string | number): Schedule {
    return this.#toSchedule(this.#find(ref));
  }

  remove(ref: string | number): Schedule {
    return this.#tasks.transaction(() => {
      const row = this.#find(ref);
      this.#stmt.removeOcc.run(row.id);
      this.#stmt.remove.run(row.id);
      return this.#toSchedule(row);
    });
  }

  /**
   * Enqueues the due occurrence of every enabled schedule (see the misfire policy above). Safe to
   * run from several processes at once.
   */
  tick(now: number = this.#clock.now(), log?: Logger): Fired[] {
    const fired: Fired[] = [];
    for (const s of this.#stmt.all.all() as ScheduleRow[]) {
      if (!s.enabled) continue;
      try {
        // Most ticks find nothing due: decide that without taking the write lock.
        const next = this.#next(s);
        if (next === null || next > now) continue;
        const f = this.#tickOne(s.id, now);
        if (f) fired.push(f);
      } catch (err) {
        // One broken schedule (its zone dropped from the tz database) must not stop the others.
        const e = toFeedmillError(err);
        log?.error('schedule tick failed', { schedule: s.name, code: e.code, message: e.message });
      }
    }
    return fired;
  }

  #tickOne(id: number, now: number): Fired | undefined {
    return this.#tasks.transaction(() => {
      // Re-read inside the write transaction: another scheduler may have moved the watermark.
      const row = this.#stmt.byId.get(id) as ScheduleRow | undefined;
      if (!row) return undefined;
      const fireAt = latestOccurrence(this.#cron(row), row.watermark, now);
      if (fireAt === null) return undefined;
      const occurrence = localKey(fireAt, row.tz);
      let task: Task | undefined;
      if (this.#stmt.occurrence.run(row.id, occurrence, fireAt, now).changes === 1) {
        task = this.#tasks.enqueueSync(
          { kind: row.kind, params: JSON.parse(row.params) as JsonObject, priority: row.priority, lane: row.lane, scheduleId: row.id },
          now,
        );
        this.#stmt.setTask.run(task.id, row.id, occurrence);
      }
      this.#stmt.watermark.run(fireAt, row.id, fireAt);
      return { scheduleId: row.id, occurrence, fireAt, task };
    });
  }

  /** The next occurrence after the row's watermark, remembered until the watermark moves. */
  #next(row: ScheduleRow): number | null {
    const key = `${row.id} ${row.watermark} ${row.tz} ${row.cron}`;
    let next = this.#nextCache.get(key);
    if (next === undefined) {
      if (this.#nextCache.size > 1_000) this.#nextCache.clear();
      next = nextOccurrence(this.#cron(row), row.watermark);
      this.#nextCache.set(key, next);
    }
    return next;
  }

  /** Compiled patterns, by zone and pattern: compiling is far dearer than a tick. */
  #cron(row: ScheduleRow): Cron {
    const key = `${row.tz} ${row.cron}`;
    let cron = this.#compiled.get(key);
    if (!cron) {
      cron = compileCron(row.cron, row.tz);
      this.#compiled.set(key, cron);
    }
    return cron;
  }

  #find(ref: string | number): ScheduleRow {
    const asId = typeof ref === 'number' ? ref : /^[0-9]+$/.test(ref) ? Number(ref) : undefined;
    const row = (asId !== undefined ? this.#stmt.byId.get(asId) : this.#stmt.byName.get(ref)) as ScheduleRow | undefined;
    if (!row) throw new FeedmillError('FEEDMILL_SCHEDULE_UNKNOWN', `no schedule ${ref}; 'feedmill schedule list' shows them`, { schedule: ref });
    return row;
  }

  #freeName(catalog: string): string {
    for (let n = 1; ; n++) {
      const name = `${catalog}-${n}`;
      if (!this.#stmt.byName.get(name)) return name;
    }
  }

  #toSchedule(row: ScheduleRow): Schedule {
    let next: number | null = null;
    try {
      next = this.#next(row);
    } catch {
      next = null;
    }
    return {
      id: row.id,
      name: row.name,
      cron: row.cron,
      tz: row.tz,
      kind: row.kind,
      params: JSON.parse(row.params) as JsonObject,
      priority: row.priority,
      lane: row.lane,
      enabled: row.enabled === 1,
      watermark: row.watermark,
      createdAt: row.created_at,
      next,
    };
  }
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new FeedmillError('FEEDMILL_SCHEDULE_INVALID', `--url ${JSON.stringify(url)} is not a URL`, { url }, { cause: err });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FeedmillError('FEEDMILL_SCHEDULE_INVALID', `--url must be http(s), got ${parsed.protocol}`, { url });
  }
}

export interface SchedulerOptions {
  clock?: Clock;
  /** Time between ticks. @default 15_000 */
  intervalMs?: number;
  log?: Logger;
  onFired?: (fired: Fired) => void;
}

/** Ticks `schedules` until stopped. Several schedulers may run against one DB. */
export function startScheduler(schedules: Schedules, options: SchedulerOptions = {}): { stop(): void } {
  const interval = options.intervalMs ?? 15_000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    for (const f of schedules.tick(options.clock?.now(), options.log)) {
      if (f.task) options.log?.info('schedule fired', { schedule: f.scheduleId, occurrence: f.occurrence, task: f.task.id });
      options.onFired?.(f);
    }
    timer = setTimeout(tick, interval);
  };
  tick();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
