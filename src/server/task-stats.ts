/**
 * Aggregates over the task store that its interface does not offer (yet): the newest event id and
 * task counts by state. On the SQLite store they are one indexed query each; on another store they
 * fall back to the interface (paging events, listing tasks), which is slower but correct.
 */
import { SqliteTaskStore, TASK_STATUSES, type TaskStatus, type TaskStore } from '../tasks/index.js';

export async function latestEventId(store: TaskStore): Promise<number> {
  if (store instanceof SqliteTaskStore) {
    const row = store.db.prepare('SELECT coalesce(max(id), 0) AS id FROM task_events').get() as { id: number };
    return row.id;
  }
  let last = 0;
  for (;;) {
    const page = await store.eventsSince(last, 10_000);
    const tail = page.at(-1);
    if (!tail) return last;
    last = tail.id;
  }
}

export async function taskCounts(store: TaskStore): Promise<Record<TaskStatus, number>> {
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  if (store instanceof SqliteTaskStore) {
    for (const r of store.db.prepare('SELECT status, count(*) AS n FROM tasks GROUP BY status').all() as { status: TaskStatus; n: number }[]) {
      counts[r.status] = r.n;
    }
    return counts;
  }
  for (const s of TASK_STATUSES) counts[s] = (await store.list({ status: s, limit: 100_000 })).length;
  return counts;
}
