/** Shared test helpers: a temp app DB and waiting on task events without timing assumptions. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { openAppDb, type AppDb } from '../../src/db/index.js';
import { SqliteTaskStore, type SqliteTaskStoreOptions, type Task, type TaskStore } from '../../src/tasks/index.js';

export interface TempApp {
  dir: string;
  config: Config;
  db: AppDb;
  store: SqliteTaskStore;
  cleanup(): void;
}

export function tempApp(storeOptions: SqliteTaskStoreOptions = {}): TempApp {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-tasks-'));
  const config = loadConfig({ dataDir: join(dir, 'data'), stagingDir: join(dir, 'staging'), logLevel: 'silent' }, {});
  const db = openAppDb(config);
  const store = new SqliteTaskStore(db, storeOptions);
  return {
    dir,
    config,
    db,
    store,
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Polls until `check` returns a task (a condition on durable state, so events written by other
 * processes count too). The deadline only turns a hang into a failure; no assertion depends on it.
 */
export async function waitForTask(store: TaskStore, id: number, check: (t: Task) => boolean, deadlineMs = 60_000): Promise<Task> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const t = await store.get(id);
    if (check(t)) return t;
    if (Date.now() > end) throw new Error(`task ${id} never reached the expected state; last ${JSON.stringify(t)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, deadlineMs = 60_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
