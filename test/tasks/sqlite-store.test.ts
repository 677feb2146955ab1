import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppDbAt } from '../../src/db/index.js';
import { SqliteTaskStore } from '../../src/tasks/index.js';
import { taskStoreConformance } from './conformance.js';

taskStoreConformance('SqliteTaskStore', async (options) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-tasks-'));
  const path = join(dir, 'app.db');
  const dbs = [openAppDbAt(path)];
  const store = new SqliteTaskStore(dbs[0]!, options);
  return {
    store,
    async another() {
      const db = openAppDbAt(path);
      dbs.push(db);
      return new SqliteTaskStore(db, options);
    },
    async cleanup() {
      await store.close();
      for (const db of dbs) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
