import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FeedmillError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { HandlerRegistry, ManualClock, runBot, type TaskEvent } from '../../src/tasks/index.js';
import { tempApp, waitForTask, waitUntil } from './helpers.js';

const T0 = Date.UTC(2025, 5, 1);

function startBot(app: ReturnType<typeof tempApp>, handlers: HandlerRegistry, botId = 'bot-1') {
  const controller = new AbortController();
  const done = runBot({ store: app.store, handlers, botId, log: silentLogger, heartbeatMs: 5, pollMs: 5 }, controller.signal);
  return { stop: async () => (controller.abort(), done), controller };
}

test('a handler result completes the task; follow-ups and progress reach the store', async (t) => {
  const app = tempApp();
  t.after(() => app.cleanup());
  const events: TaskEvent[] = [];
  app.store.subscribe((e) => events.push(e));
  const handlers = new HandlerRegistry()
    .register('first', async (ctx) => {
      ctx.progress(1, 2);
      ctx.progress(2, 2);
      ctx.followUp({ kind: 'second', params: { from: ctx.task.id } });
      return { ok: true };
    })
    .register('second', async (ctx) => ({ got: ctx.task.params.from ?? null }));
  const bot = startBot(app, handlers);
  const first = await app.store.enqueue({ kind: 'first', lane: 'L' });
  await waitForTask(app.store, first.id, (x) => x.status === 'DONE');
  await waitUntil(async () => (await app.store.list({ kind: 'second', status: 'DONE' })).length === 1, 'the follow-up');
  await bot.stop();
  assert.deepEqual((await app.store.get(first.id)).result, { ok: true });
  const [second] = await app.store.list({ kind: 'second' });
  assert.deepEqual(second?.result, { got: first.id });
  assert.equal(second?.parentId, first.id);
  const progress = events.filter((e) => e.type === 'progress' && e.taskId === first.id);
  assert.deepEqual(progress.at(-1) && [progress.at(-1)?.progressDone, progress.at(-1)?.progressTotal], [2, 2]);
});

test('retryable and permanent handler errors; an unknown kind is a permanent KIND_UNKNOWN', async (t) => {
  const clock = new ManualClock(T0);
  const app = tempApp({ clock, backoff: { baseMs: 1_000, maxMs: 10_000 } });
  t.after(() => app.cleanup());
  const handlers = new HandlerRegistry()
    .register('down', async () => {
      throw new FeedmillError('FEEDMILL_REMOTE_UNAVAILABLE', 'server said 503', { status: 503 }, { retryable: true });
    })
    .register('broken', async () => {
      throw new FeedmillError('FEEDMILL_SOURCE_NOT_FOUND', 'server said 404', { status: 404 });
    })
    .register('bug', async () => {
      throw new TypeError('undefined is not a function');
    });
  const bot = startBot(app, handlers);
  const down = await app.store.enqueue({ kind: 'down' });
  const broken = await app.store.enqueue({ kind: 'broken' });
  const bug = await app.store.enqueue({ kind: 'bug' });
  const nobody = await app.store.enqueue({ kind: 'nobody-handles-this' });
  const d = await waitForTask(app.store, down.id, (x) => x.attempt === 2);
  assert.equal(d.status, 'TO_DO', 'waits for its backoff: the manual clock does not move');
  assert.equal(d.error?.code, 'FEEDMILL_REMOTE_UNAVAILABLE');
  const b = await waitForTask(app.store, broken.id, (x) => x.status === 'ERROR');
  assert.deepEqual([b.error?.code, b.error?.details], ['FEEDMILL_SOURCE_NOT_FOUND', { status: 404 }]);
  const g = await waitForTask(app.store, bug.id, (x) => x.status === 'ERROR');
  assert.equal(g.error?.code, 'FEEDMILL_INTERNAL');
  const n = await waitForTask(app.store, nobody.id, (x) => x.status === 'ERROR');
  assert.equal(n.error?.code, 'FEEDMILL_TASK_KIND_UNKNOWN');
  assert.equal(n.error?.details.kind, 'nobody-handles-this');
  await bot.stop();
});

test('cancel of a running task aborts its handler, which removes its partial output; the task ends CANCELED', async (t) => {
  const app = tempApp();
  t.after(() => app.cleanup());
  const partial = join(app.dir, 'partial.out');
  const handlers = new HandlerRegistry().register('write', async ({ signal }) => {
    writeFileSync(partial, 'half');
    await new Promise((_, reject) =>
      signal.addEventListener(
        'abort',
        () => {
          rmSync(partial, { force: true });
          reject(signal.reason as Error);
        },
        { once: true },
      ),
    );
  });
  const bot = startBot(app, handlers);
  const task = await app.store.enqueue({ kind: 'write' });
  await waitUntil(() => existsSync(partial), 'the handler to start writing');
  assert.equal((await app.store.requestCancel(task.id)).status, 'TO_CANCEL');
  const ended = await waitForTask(app.store, task.id, (x) => x.status === 'CANCELED');
  assert.equal(existsSync(partial), false);
  assert.equal(ended.attempt, 1);
  await bot.stop();
});

test('stopping a bot releases its running task back to TO_DO without counting the attempt', async (t) => {
  const app = tempApp();
  t.after(() => app.cleanup());
  let started = false;
  const handlers = new HandlerRegistry().register('long', async ({ signal }) => {
    started = true;
    await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
  });
  const bot = startBot(app, handlers);
  const task = await app.store.enqueue({ kind: 'long' });
  await waitUntil(() => started, 'the handler to start');
  assert.equal(await bot.stop(), 1);
  const after = await app.store.get(task.id);
  assert.deepEqual([after.status, after.attempt, after.botId], ['TO_DO', 1, null]);
});

test('a runner whose lease was taken over is aborted and writes nothing', async (t) => {
  const clock = new ManualClock(T0);
  const app = tempApp({ clock, leaseMs: 1_000, backoff: { baseMs: 10, maxMs: 10 } });
  t.after(() => app.cleanup());
  let aborted: unknown;
  let running = false;
  const handlers = new HandlerRegistry().register('slow', async ({ signal }) => {
    running = true;
    await new Promise((_, reject) =>
      signal.addEventListener('abort', () => {
        aborted = signal.reason;
        reject(signal.reason as Error);
      }),
    );
  });
  const bot = startBot(app, handlers, 'stalled');
  const task = await app.store.enqueue({ kind: 'slow' });
  await waitUntil(() => running, 'the handler to start');
  // The bot "stalls" past its lease and another bot takes over, all between two heartbeats.
  clock.advance(5_000);
  const [back] = await app.store.reclaimExpired();
  clock.set(back?.runAfter ?? 0);
  const taken = await app.store.claim('other');
  assert.equal(taken?.id, task.id);
  await waitUntil(() => aborted !== undefined, 'the stalled handler to be aborted');
  assert.equal((aborted as FeedmillError).code, 'FEEDMILL_TASK_LEASE_LOST');
  await bot.stop();
  const now = await app.store.get(task.id);
  assert.deepEqual([now.status, now.botId, now.fence], ['IS_PROCESSING', 'other', 2]);
});
