import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeedmillError } from '../../src/errors.js';
import { openAppDbAt } from '../../src/db/index.js';
import { join } from 'node:path';
import { localKey, ManualClock, Schedules, SqliteTaskStore, catalogLane, PRIORITY } from '../../src/tasks/index.js';
import { tempApp } from './helpers.js';

const MINUTE = 60_000;

/** Two schedulers (two connections, as two processes would have) ticking the same DB. */
function twoSchedulers(start: string) {
  const clock = new ManualClock(new Date(start));
  const app = tempApp({ clock });
  const db2 = openAppDbAt(join(app.config.dataDir, 'feedmill.db'));
  const a = new Schedules(app.store);
  const b = new Schedules(new SqliteTaskStore(db2, { clock }));
  return {
    clock,
    app,
    a,
    b,
    cleanup() {
      db2.close();
      app.cleanup();
    },
    /** Advances step by step (5 min: every occurrence in these tests is on one) to `until`, both schedulers ticking at every step. */
    run(until: string, stepMs = 5 * MINUTE) {
      const end = new Date(until).getTime();
      while (clock.now() < end) {
        clock.advance(stepMs);
        a.tick();
        b.tick();
      }
    },
    async fired(tz: string) {
      const tasks = await app.store.list({ kind: 'pipeline', limit: 1000 });
      return tasks.map((t) => localKey(t.createdAt, tz)).reverse();
    },
  };
}

async function dstCase(tz: string, cron: string, start: string, until: string, expected: string[]) {
  const s = twoSchedulers(start);
  try {
    s.a.add({ catalog: 'acme', cron, tz, channels: ['google-shopping', 'idealo'] });
    s.run(until);
    // Each task was enqueued on the tick at its occurrence, so its creation time is the occurrence.
    assert.deepEqual(await s.fired(tz), expected);
  } finally {
    s.cleanup();
  }
}

test('DST Europe/Paris spring forward: a 02:30 job still runs once on the night 02:00 → 03:00', () =>
  dstCase('Europe/Paris', '30 2 * * *', '2025-03-28T12:00:00Z', '2025-04-01T00:00:00Z', [
    '2025-03-29T02:30:00',
    '2025-03-30T03:30:00',
    '2025-03-31T02:30:00',
  ]));

test('DST Europe/Paris fall back: a 02:30 job runs once although 02:30 happens twice', () =>
  dstCase('Europe/Paris', '30 2 * * *', '2025-10-25T12:00:00Z', '2025-10-28T00:00:00Z', [
    '2025-10-26T02:30:00',
    '2025-10-27T02:30:00',
  ]));

test('DST America/New_York spring forward: a 02:30 job still runs once', () =>
  dstCase('America/New_York', '30 2 * * *', '2025-03-08T12:00:00Z', '2025-03-11T00:00:00Z', [
    '2025-03-09T03:30:00',
    '2025-03-10T02:30:00',
  ]));

test('DST America/New_York fall back: a 01:30 job runs once although 01:30 happens twice', () =>
  dstCase('America/New_York', '30 1 * * *', '2025-11-01T12:00:00Z', '2025-11-04T00:00:00Z', [
    '2025-11-02T01:30:00',
    '2025-11-03T01:30:00',
  ]));

test('two schedulers ticking at the same instants enqueue each occurrence exactly once', async () => {
  const s = twoSchedulers('2025-06-01T00:00:00Z');
  try {
    const sch = s.a.add({ catalog: 'acme', cron: '*/5 * * * *', tz: 'UTC', url: 'https://merchant.example/feed.csv' });
    s.run('2025-06-01T02:00:00Z');
    const tasks = await s.app.store.list({ limit: 1000 });
    assert.equal(tasks.length, 24);
    assert.equal(new Set(tasks.map((t) => t.createdAt)).size, 24);
    const t = tasks[0];
    assert.ok(t);
    assert.deepEqual(
      [t.kind, t.lane, t.priority, t.scheduleId, t.params],
      ['pipeline', catalogLane('acme'), PRIORITY.nightly, sch.id, { catalog: 'acme', source: { url: 'https://merchant.example/feed.csv' } }],
    );
    const occ = s.app.db.prepare('SELECT COUNT(*) AS n, COUNT(task_id) AS withTask FROM schedule_occurrences').get() as { n: number; withTask: number };
    assert.deepEqual(occ, { n: 24, withTask: 24 });
  } finally {
    s.cleanup();
  }
});

test('misfire: occurrences missed while down → the latest runs once, older ones are skipped', async () => {
  const s = twoSchedulers('2025-06-01T00:00:00Z');
  try {
    s.a.add({ catalog: 'acme', cron: '0 * * * *', tz: 'Europe/Paris' });
    s.clock.set(new Date('2025-06-03T05:20:00Z'));
    const fired = s.b.tick();
    assert.equal(fired.length, 1);
    assert.equal(fired[0]?.fireAt, Date.parse('2025-06-03T05:00:00Z'));
    assert.deepEqual(s.a.tick(), []);
    assert.equal((await s.app.store.list()).length, 1);
    assert.equal(s.a.list()[0]?.next, Date.parse('2025-06-03T06:00:00Z'));
  } finally {
    s.cleanup();
  }
});

test('schedules: validation, names, list and remove', () => {
  const s = twoSchedulers('2025-06-01T00:00:00Z');
  try {
    const code = (c: string, d: Record<string, unknown>) => (e: unknown) =>
      e instanceof FeedmillError && e.code === c && Object.entries(d).every(([k, v]) => e.details[k] === v);
    assert.throws(() => s.a.add({ catalog: 'acme', cron: 'every night', tz: 'UTC' }), code('FEEDMILL_SCHEDULE_INVALID', { cron: 'every night' }));
    assert.throws(() => s.a.add({ catalog: 'acme', cron: '0 2 * * *', tz: 'Europe/Pariss' }), code('FEEDMILL_SCHEDULE_INVALID', { tz: 'Europe/Pariss' }));
    assert.throws(() => s.a.add({ catalog: '../x', cron: '0 2 * * *', tz: 'UTC' }), code('FEEDMILL_NAME_INVALID', { what: 'catalog' }));
    assert.throws(() => s.a.add({ catalog: 'acme', cron: '0 2 * * *', tz: 'UTC', url: 'file:///etc/passwd' }), code('FEEDMILL_SCHEDULE_INVALID', { url: 'file:///etc/passwd' }));
    const one = s.a.add({ catalog: 'acme', cron: '0 2 * * *', tz: 'UTC' });
    const two = s.a.add({ catalog: 'acme', cron: '0 3 * * *', tz: 'UTC' });
    assert.deepEqual([one.name, two.name], ['acme-1', 'acme-2']);
    assert.throws(() => s.a.add({ catalog: 'acme', cron: '0 3 * * *', tz: 'UTC', name: 'acme-1' }), code('FEEDMILL_SCHEDULE_INVALID', { name: 'acme-1' }));
    assert.equal(s.b.get('acme-2').id, two.id);
    assert.equal(s.b.get(String(one.id)).name, 'acme-1');
    assert.equal(one.next, Date.parse('2025-06-01T02:00:00Z'));
    s.b.remove('acme-1');
    assert.deepEqual(s.a.list().map((x) => x.name), ['acme-2']);
    assert.throws(() => s.a.remove('acme-1'), code('FEEDMILL_SCHEDULE_UNKNOWN', { schedule: 'acme-1' }));
  } finally {
    s.cleanup();
  }
});
