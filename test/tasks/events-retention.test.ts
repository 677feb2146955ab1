/**
 * The task event log keeps a week: events older than that are pruned as new ones are written, so a
 * box running nightly tasks for years does not grow the table forever. A regression shows as old
 * events still there after a thousand new ones, or recent ones missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppDbAt } from '../../src/db/index.js';
import { ManualClock, SqliteTaskStore } from '../../src/tasks/index.js';

test('events older than the retention are pruned, recent ones kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-events-'));
  const db = openAppDbAt(join(dir, 'app.db'));
  t.after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const day = 24 * 3600 * 1000;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const store = new SqliteTaskStore(db, { clock });
  for (let i = 0; i < 300; i++) await store.enqueue({ kind: 'old' });
  clock.set(Date.UTC(2026, 0, 1) + 8 * day);
  for (let i = 0; i < 1000; i++) await store.enqueue({ kind: 'new' });
  const events = await store.eventsSince(0, 5000);
  assert.equal(events.filter((e) => e.kind === 'old').length, 0);
  assert.equal(events.filter((e) => e.kind === 'new').length, 1000);
});
