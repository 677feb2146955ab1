/**
 * The TaskStore conformance suite: every backend (SQLite now, PostgreSQL later) must pass it.
 * Time only moves through the injected clock; jitter comes from the injected random source.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { FeedmillError } from '../../src/errors.js';
import { ManualClock, type BackoffPolicy, type Task, type TaskEvent, type TaskStore } from '../../src/tasks/index.js';

export interface StoreFactoryOptions {
  clock: ManualClock;
  leaseMs: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  random: () => number;
}

export interface StoreHarness {
  store: TaskStore;
  /** A second, independent connection to the same backend (another process in production). */
  another(): Promise<TaskStore>;
  cleanup(): Promise<void>;
}

export type StoreFactory = (options: StoreFactoryOptions) => Promise<StoreHarness>;

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
const LEASE = 10_000;
const BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 };

function isCode(code: string, details?: Record<string, unknown>) {
  return (err: unknown) => {
    assert.ok(err instanceof FeedmillError, `expected a FeedmillError, got ${String(err)}`);
    assert.equal(err.code, code);
    for (const [k, v] of Object.entries(details ?? {})) assert.deepEqual(err.details[k], v, `details.${k}`);
    return true;
  };
}

function retryable(code = 'FEEDMILL_REMOTE_UNAVAILABLE') {
  return new FeedmillError(code as 'FEEDMILL_REMOTE_UNAVAILABLE', 'remote down', { url: 'http://x' }, { retryable: true }).toJSON();
}

function permanent() {
  return new FeedmillError('FEEDMILL_SOURCE_NOT_FOUND', 'gone', { status: 404 }).toJSON();
}

export function taskStoreConformance(name: string, factory: StoreFactory): void {
  describe(`TaskStore conformance: ${name}`, () => {
    let clock: ManualClock;
    let h: StoreHarness;
    let store: TaskStore;
    let randomValue: number;

    beforeEach(async () => {
      clock = new ManualClock(T0);
      randomValue = 0.5;
      h = await factory({ clock, leaseMs: LEASE, maxAttempts: 3, backoff: BACKOFF, random: () => randomValue });
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    const claimIds = async (bot = 'bot-1') => {
      const ids: number[] = [];
      for (;;) {
        const t = await store.claim(bot);
        if (!t) return ids;
        ids.push(t.id);
      }
    };

    test('enqueue stores a TO_DO task with defaults; get of an unknown id is TASK_UNKNOWN', async () => {
      const t = await store.enqueue({ kind: 'export', params: { catalog: 'acme' } });
      assert.equal(t.status, 'TO_DO');
      assert.equal(t.attempt, 1);
      assert.equal(t.maxAttempts, 3);
      assert.equal(t.fence, 0);
      assert.equal(t.runAfter, T0);
      assert.deepEqual(t.params, { catalog: 'acme' });
      assert.deepEqual(await store.get(t.id), t);
      assert.equal(await store.find(999_999), undefined);
      await assert.rejects(store.get(999_999), isCode('FEEDMILL_TASK_UNKNOWN', { taskId: 999_999 }));
      await assert.rejects(store.enqueue({ kind: 'Bad Kind' }), isCode('FEEDMILL_TASK_INVALID', { field: 'kind' }));
      await assert.rejects(store.enqueue({ kind: 'x', maxAttempts: 0 }), isCode('FEEDMILL_TASK_INVALID', { field: 'maxAttempts' }));
    });

    test('claims follow priority (higher first), then insertion order', async () => {
      const low = await store.enqueue({ kind: 'a', priority: -10 });
      const n1 = await store.enqueue({ kind: 'a' });
      const high = await store.enqueue({ kind: 'a', priority: 10 });
      const n2 = await store.enqueue({ kind: 'a' });
      assert.deepEqual(await claimIds(), [high.id, n1.id, n2.id, low.id]);
    });

    test('a claim sets IS_PROCESSING with bot, lease and a new fence', async () => {
      const t = await store.enqueue({ kind: 'a' });
      const c = await store.claim('bot-7');
      assert.ok(c);
      assert.equal(c.id, t.id);
      assert.equal(c.status, 'IS_PROCESSING');
      assert.equal(c.botId, 'bot-7');
      assert.equal(c.leaseUntil, T0 + LEASE);
      assert.equal(c.fence, 1);
      assert.equal(c.startedAt, T0);
      assert.equal(await store.claim('bot-8'), null);
    });

    test('run-after is never early', async () => {
      const t = await store.enqueue({ kind: 'a', runAfter: T0 + 5_000 });
      assert.equal(await store.claim('b'), null);
      clock.set(T0 + 4_999);
      assert.equal(await store.claim('b'), null);
      clock.set(T0 + 5_000);
      assert.equal((await store.claim('b'))?.id, t.id);
    });

    test('a lane runs strictly one task after another, in insertion order', async () => {
      const a1 = await store.enqueue({ kind: 'a', lane: 'catalog:acme', priority: -5 });
      const a2 = await store.enqueue({ kind: 'a', lane: 'catalog:acme', priority: 10 });
      const b1 = await store.enqueue({ kind: 'a', lane: 'catalog:beta' });
      const free = await store.enqueue({ kind: 'a' });
      // a2's higher priority does not let it pass a1: lanes are ordered by insertion only.
      const first = await claimIds();
      assert.deepEqual(first.sort(), [a1.id, b1.id, free.id].sort());
      const c1 = await store.get(a1.id);
      await store.complete(a1.id, c1.fence, { ok: true });
      assert.deepEqual(await claimIds(), [a2.id]);
    });

    test('a lane stays blocked while its head waits for a retry (backoff)', async () => {
      const a1 = await store.enqueue({ kind: 'fetch', lane: 'L' });
      const a2 = await store.enqueue({ kind: 'export', lane: 'L' });
      const other = await store.enqueue({ kind: 'x', lane: 'M' });
      const c = await store.claim('b');
      assert.equal(c?.id, a1.id);
      const failed = await store.fail(a1.id, c.fence, retryable());
      assert.equal(failed.status, 'TO_DO');
      assert.ok(failed.runAfter > T0);
      assert.deepEqual(await claimIds(), [other.id]);
      clock.set(failed.runAfter - 1);
      assert.equal(await store.claim('b'), null, 'a2 must not pass its head during the backoff');
      clock.set(failed.runAfter);
      const again = await store.claim('b');
      assert.equal(again?.id, a1.id);
      assert.equal(again.attempt, 2);
      assert.equal(await store.claim('b'), null);
      await store.complete(a1.id, again.fence, null);
      assert.equal((await store.claim('b'))?.id, a2.id);
    });

    test('a lane whose head ends in ERROR continues with the next task', async () => {
      const a1 = await store.enqueue({ kind: 'a', lane: 'L' });
      const a2 = await store.enqueue({ kind: 'a', lane: 'L' });
      const c = await store.claim('b');
      assert.equal(c?.id, a1.id);
      const ended = await store.fail(a1.id, c.fence, permanent());
      assert.equal(ended.status, 'ERROR');
      assert.equal((await store.claim('b'))?.id, a2.id);
    });

    test('retryable errors come back with exponential backoff and jitter, up to maxAttempts', async () => {
      const t = await store.enqueue({ kind: 'fetch' });
      randomValue = 0;
      let c = await store.claim('b');
      assert.ok(c);
      let r = await store.fail(t.id, c.fence, retryable());
      assert.equal(r.status, 'TO_DO');
      assert.equal(r.attempt, 2);
      assert.equal(r.runAfter, T0 + BACKOFF.baseMs / 2, 'first retry: base delay, half of it jittered away with random()=0');
      assert.equal(r.error?.code, 'FEEDMILL_REMOTE_UNAVAILABLE');
      clock.set(r.runAfter);
      randomValue = 0.999;
      c = await store.claim('b');
      assert.ok(c);
      const second = clock.now();
      r = await store.fail(t.id, c.fence, retryable());
      assert.equal(r.attempt, 3);
      const delay = r.runAfter - second;
      assert.ok(delay >= BACKOFF.baseMs && delay < 2 * BACKOFF.baseMs, `second retry waits about twice as long (${delay})`);
      clock.set(r.runAfter);
      c = await store.claim('b');
      assert.ok(c);
      r = await store.fail(t.id, c.fence, retryable());
      assert.equal(r.status, 'ERROR', 'past maxAttempts a retryable error is final');
      assert.equal(r.attempt, 3);
      assert.equal(r.error?.code, 'FEEDMILL_REMOTE_UNAVAILABLE');
      assert.equal(r.finishedAt, clock.now());
    });

    test('a permanent error ends the task in ERROR at once, with the coded error', async () => {
      const t = await store.enqueue({ kind: 'fetch' });
      const c = await store.claim('b');
      assert.ok(c);
      const r = await store.fail(t.id, c.fence, permanent());
      assert.equal(r.status, 'ERROR');
      assert.equal(r.attempt, 1);
      assert.deepEqual(r.error, permanent());
      assert.equal(await store.claim('b'), null);
    });

    test('cancel: a queued task is CANCELED at once and never claimed', async () => {
      const t = await store.enqueue({ kind: 'a' });
      const r = await store.requestCancel(t.id);
      assert.equal(r.status, 'CANCELED');
      assert.equal(await store.claim('b'), null);
      assert.equal((await store.requestCancel(t.id)).status, 'CANCELED', 'idempotent');
    });

    test('cancel: a running task goes TO_CANCEL, the heartbeat reports it, then CANCELED', async () => {
      const t = await store.enqueue({ kind: 'a' });
      const c = await store.claim('b');
      assert.ok(c);
      assert.equal((await store.heartbeat(t.id, c.fence)).cancelRequested, false);
      assert.equal((await store.requestCancel(t.id)).status, 'TO_CANCEL');
      assert.equal((await store.heartbeat(t.id, c.fence)).cancelRequested, true);
      assert.equal((await store.markCanceled(t.id, c.fence)).status, 'CANCELED');
      await assert.rejects(store.requestCancel(t.id).then(() => store.retry(999_999)), isCode('FEEDMILL_TASK_UNKNOWN'));
    });

    test('cancel: a failure after a cancel request ends CANCELED, not retried; DONE cannot be canceled', async () => {
      const t = await store.enqueue({ kind: 'a' });
      const c = await store.claim('b');
      assert.ok(c);
      await store.requestCancel(t.id);
      assert.equal((await store.fail(t.id, c.fence, retryable())).status, 'CANCELED');
      const d = await store.enqueue({ kind: 'a' });
      const cd = await store.claim('b');
      assert.ok(cd);
      await store.complete(d.id, cd.fence, 1);
      await assert.rejects(store.requestCancel(d.id), isCode('FEEDMILL_TASK_STATE', { taskId: d.id, status: 'DONE' }));
    });

    test('an expired lease returns the task to another bot with a new fence; the old runner is fenced off', async () => {
      const t = await store.enqueue({ kind: 'a' });
      const c1 = await store.claim('bot-1');
      assert.ok(c1);
      clock.advance(LEASE - 1);
      assert.equal(await store.claim('bot-2'), null, 'the lease still holds');
      await store.heartbeat(t.id, c1.fence);
      clock.advance(LEASE - 1);
      assert.equal(await store.claim('bot-2'), null, 'the heartbeat renewed the lease');
      clock.advance(2);
      // Expired: back to TO_DO with a backoff, attempt + 1.
      const reclaimed = await store.reclaimExpired();
      assert.deepEqual(reclaimed.map((r) => [r.id, r.status, r.attempt]), [[t.id, 'TO_DO', 2]]);
      assert.equal(reclaimed[0]?.error?.code, 'FEEDMILL_TASK_LEASE_LOST');
      clock.set(reclaimed[0]?.runAfter ?? 0);
      const c2 = await store.claim('bot-2');
      assert.equal(c2?.id, t.id);
      assert.equal(c2.fence, c1.fence + 1);
      await assert.rejects(store.heartbeat(t.id, c1.fence), isCode('FEEDMILL_TASK_LEASE_LOST', { taskId: t.id, fence: c1.fence }));
      await assert.rejects(store.complete(t.id, c1.fence, 'late'), isCode('FEEDMILL_TASK_LEASE_LOST'));
      await assert.rejects(store.assertFence(t.id, c1.fence), isCode('FEEDMILL_PUBLISH_FENCED', { currentFence: c2.fence }));
      await store.assertFence(t.id, c2.fence);
      const done = await store.complete(t.id, c2.fence, 'once');
      assert.equal(done.status, 'DONE');
      assert.equal(done.result, 'once');
      assert.equal(done.botId, 'bot-2');
    });

    test('claim itself reclaims expired leases; past maxAttempts an expired task ends in ERROR', async () => {
      const t = await store.enqueue({ kind: 'a', maxAttempts: 2 });
      const c1 = await store.claim('bot-1');
      assert.ok(c1);
      clock.advance(LEASE + 1);
      assert.equal(await store.claim('bot-2'), null, 'returned to TO_DO with a backoff');
      const waiting = await store.get(t.id);
      assert.equal(waiting.status, 'TO_DO');
      clock.set(waiting.runAfter);
      const c2 = await store.claim('bot-2');
      assert.equal(c2?.attempt, 2);
      clock.advance(LEASE + 1);
      assert.equal(await store.claim('bot-3'), null);
      const ended = await store.get(t.id);
      assert.equal(ended.status, 'ERROR');
      assert.equal(ended.error?.code, 'FEEDMILL_TASK_LEASE_LOST');
    });

    test('assertFence: an expired lease that nobody took yet is LEASE_LOST; a good one is extended', async () => {
      const t = await store.enqueue({ kind: 'a' });
      const c = await store.claim('b');
      assert.ok(c);
      clock.advance(LEASE - 1);
      await store.assertFence(t.id, c.fence);
      clock.advance(LEASE - 1);
      await store.assertFence(t.id, c.fence);
      clock.advance(LEASE + 1);
      await assert.rejects(store.assertFence(t.id, c.fence), isCode('FEEDMILL_TASK_LEASE_LOST', { taskId: t.id }));
    });

    test('an expired lease of a task asked to cancel ends CANCELED', async () => {
      const t = await store.enqueue({ kind: 'a' });
      const c = await store.claim('b');
      assert.ok(c);
      await store.requestCancel(t.id);
      clock.advance(LEASE + 1);
      await store.reclaimExpired();
      assert.equal((await store.get(t.id)).status, 'CANCELED');
    });

    test('release (bot shutdown) requeues without counting the attempt; abandon counts it', async () => {
      const t = await store.enqueue({ kind: 'a' });
      let c = await store.claim('b');
      assert.ok(c);
      const released = await store.release(t.id, c.fence);
      assert.equal(released.status, 'TO_DO');
      assert.equal(released.attempt, 1);
      c = await store.claim('b');
      assert.ok(c);
      const abandoned = await store.abandon(t.id, c.fence);
      assert.equal(abandoned.status, 'TO_DO');
      assert.equal(abandoned.attempt, 2);
      assert.equal(abandoned.error?.code, 'FEEDMILL_TASK_LEASE_LOST');
      await assert.rejects(store.abandon(t.id, c.fence), isCode('FEEDMILL_TASK_LEASE_LOST'));
    });

    test('follow-ups are enqueued with the completion, in the same lane, ahead of later lane tasks', async () => {
      const p = await store.enqueue({ kind: 'fetch', lane: 'L', priority: -10 });
      const later = await store.enqueue({ kind: 'export', lane: 'L' });
      const c = await store.claim('b');
      assert.equal(c?.id, p.id);
      await store.complete(p.id, c.fence, { changed: true }, [{ kind: 'ingest', params: { path: 'x' } }]);
      const next = await store.claim('b');
      assert.ok(next);
      assert.equal(next.kind, 'ingest');
      assert.equal(next.parentId, p.id);
      assert.equal(next.lane, 'L');
      assert.equal(next.priority, -10);
      assert.deepEqual(next.params, { path: 'x' });
      assert.equal(await store.claim('b'), null, 'the later task waits for the follow-up');
      await store.fail(next.id, next.fence, permanent());
      assert.equal((await store.claim('b'))?.id, later.id);
    });

    test('retry re-runs an ERROR task as a new task; other states are refused', async () => {
      const t = await store.enqueue({ kind: 'a', params: { n: 1 }, lane: 'L', priority: 3 });
      const c = await store.claim('b');
      assert.ok(c);
      await assert.rejects(store.retry(t.id), isCode('FEEDMILL_TASK_STATE', { status: 'IS_PROCESSING' }));
      await store.fail(t.id, c.fence, permanent());
      const r = await store.retry(t.id);
      assert.notEqual(r.id, t.id);
      assert.equal(r.retryOf, t.id);
      assert.equal(r.status, 'TO_DO');
      assert.deepEqual([r.kind, r.params, r.lane, r.priority, r.attempt], ['a', { n: 1 }, 'L', 3, 1]);
    });

    test('progress updates the task and is an event; state changes are events, persisted in order', async () => {
      const seen: TaskEvent[] = [];
      const off = store.subscribe((e) => seen.push(e));
      const before = await store.eventsSince(0);
      const start = before.at(-1)?.id ?? 0;
      const t = await store.enqueue({ kind: 'ingest', lane: 'L' });
      const c = await store.claim('b');
      assert.ok(c);
      await store.progress(t.id, c.fence, 50, 200);
      assert.deepEqual([(await store.get(t.id)).progressDone, (await store.get(t.id)).progressTotal], [50, 200]);
      await store.complete(t.id, c.fence, null);
      off();
      await store.enqueue({ kind: 'after-unsubscribe' });
      const persisted = await store.eventsSince(start);
      const shape = (e: TaskEvent) => [e.taskId, e.type, e.status, e.progressDone, e.progressTotal];
      const expected = [
        [t.id, 'state', 'TO_DO', null, null],
        [t.id, 'state', 'IS_PROCESSING', null, null],
        [t.id, 'progress', 'IS_PROCESSING', 50, 200],
        [t.id, 'state', 'DONE', 50, 200],
      ];
      assert.deepEqual(seen.map(shape), expected);
      assert.deepEqual(persisted.slice(0, 4).map(shape), expected);
      assert.deepEqual(seen.map((e) => e.id), persisted.slice(0, 4).map((e) => e.id));
      assert.ok(persisted.every((e, i) => i === 0 || e.id > (persisted[i - 1]?.id ?? 0)));
      assert.equal(persisted[0]?.kind, 'ingest');
      assert.equal(persisted[0]?.lane, 'L');
      assert.equal(persisted.length, 5);
      assert.deepEqual(await store.eventsSince(persisted[3]?.id ?? 0), persisted.slice(4));
    });

    test('list filters by status, kind and lane, newest first', async () => {
      const a = await store.enqueue({ kind: 'fetch', lane: 'L' });
      const b = await store.enqueue({ kind: 'export', lane: 'L' });
      const c = await store.enqueue({ kind: 'export' });
      await store.requestCancel(c.id);
      assert.deepEqual((await store.list()).map((t) => t.id), [c.id, b.id, a.id]);
      assert.deepEqual((await store.list({ kind: 'export' })).map((t) => t.id), [c.id, b.id]);
      assert.deepEqual((await store.list({ status: 'TO_DO', lane: 'L' })).map((t) => t.id), [b.id, a.id]);
      assert.deepEqual((await store.list({ status: ['CANCELED'] })).map((t) => t.id), [c.id]);
      assert.deepEqual((await store.list({ limit: 1, beforeId: c.id })).map((t) => t.id), [b.id]);
      await assert.rejects(store.list({ status: 'DONE?' as 'DONE' }), isCode('FEEDMILL_TASK_INVALID'));
    });

    test('two connections claiming concurrently take each task exactly once', async () => {
      const other = await h.another();
      try {
        const ids = new Set<number>();
        for (let i = 0; i < 40; i++) ids.add((await store.enqueue({ kind: 'a', lane: i % 4 === 0 ? `l${i % 8}` : null })).id);
        const taken: number[] = [];
        const bot = async (s: TaskStore, name: string) => {
          for (;;) {
            const t: Task | null = await s.claim(name);
            if (!t) {
              if ((await s.list({ status: ['TO_DO', 'IS_PROCESSING'], limit: 1 })).length === 0) return;
              await new Promise((r) => setImmediate(r));
              continue;
            }
            taken.push(t.id);
            await s.complete(t.id, t.fence, name);
          }
        };
        await Promise.all([bot(store, 'one'), bot(other, 'two')]);
        assert.equal(taken.length, ids.size);
        assert.deepEqual(new Set(taken), ids);
      } finally {
        await other.close();
      }
    });
  });
}
