/**
 * Tables of the task manager in the app DB. Times are epoch milliseconds (integers), compared in
 * SQL without parsing. `lane_seq` orders a lane: a plain enqueue takes its own id, a follow-up
 * inherits its parent's so that a pipeline's next step runs before tasks queued after the pipeline.
 */
export const TASKS_DDL = `
CREATE TABLE IF NOT EXISTS tasks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('TO_DO', 'IS_PROCESSING', 'TO_CANCEL', 'DONE', 'ERROR', 'CANCELED')),
  priority INTEGER NOT NULL DEFAULT 0,
  lane TEXT,
  lane_seq INTEGER NOT NULL DEFAULT 0,
  run_after INTEGER NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 1,
  max_attempts INTEGER NOT NULL,
  fence INTEGER NOT NULL DEFAULT 0,
  bot_id TEXT,
  lease_until INTEGER,
  progress_done INTEGER,
  progress_total INTEGER,
  result TEXT,
  error TEXT,
  parent_id INTEGER,
  retry_of INTEGER,
  schedule_id INTEGER,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_ready ON tasks (priority DESC, id) WHERE status = 'TO_DO';
CREATE INDEX IF NOT EXISTS tasks_lane_active ON tasks (lane, lane_seq, id) WHERE status IN ('TO_DO', 'IS_PROCESSING', 'TO_CANCEL');
CREATE INDEX IF NOT EXISTS tasks_leased ON tasks (lease_until) WHERE status IN ('IS_PROCESSING', 'TO_CANCEL');
CREATE TABLE IF NOT EXISTS task_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('state', 'progress')),
  status TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  progress_done INTEGER,
  progress_total INTEGER,
  error TEXT
);
`;

export const SCHEDULES_DDL = `
CREATE TABLE IF NOT EXISTS schedules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  cron TEXT NOT NULL,
  tz TEXT NOT NULL,
  kind TEXT NOT NULL,
  params TEXT NOT NULL,
  priority INTEGER NOT NULL,
  lane TEXT,
  enabled INTEGER NOT NULL DEFAULT 1,
  watermark INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS schedule_occurrences (
  schedule_id INTEGER NOT NULL,
  occurrence TEXT NOT NULL,
  fire_at INTEGER NOT NULL,
  task_id INTEGER,
  enqueued_at INTEGER NOT NULL,
  UNIQUE (schedule_id, occurrence)
);
`;

export const FETCH_STATE_DDL = `
CREATE TABLE IF NOT EXISTS fetch_state (
  catalog TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  charset TEXT,
  sha256 TEXT NOT NULL,
  path TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  fetched_at INTEGER NOT NULL
);
`;
