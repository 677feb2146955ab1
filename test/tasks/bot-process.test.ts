import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { silentLogger } from '../../src/log.js';
import { BotPool, spawnBotProcess } from '../../src/tasks/index.js';
import { tempApp, waitForTask, waitUntil } from './helpers.js';

const HANDLERS = new URL('./fixtures/handlers.ts', import.meta.url);

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

test('SIGKILL of a bot mid-task: after the lease expires the task completes once, on another bot', async (t) => {
  const app = tempApp();
  const children: ChildProcess[] = [];
  t.after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    app.cleanup();
  });
  const log = join(app.dir, 'handler.log');
  // Short real lease: the two bot processes run on the system clock.
  const settings = { config: app.config, handlersModule: HANDLERS, storeSettings: { leaseMs: 1_500, maxAttempts: 3, backoff: { baseMs: 10, maxMs: 10 } }, heartbeatMs: 100, pollMs: 50 };
  const task = await app.store.enqueue({ kind: 'hang-first', params: { log } });

  const first = spawnBotProcess(settings, 0);
  children.push(first.child);
  await waitForTask(app.store, task.id, (x) => x.status === 'IS_PROCESSING');
  await waitUntil(() => readLines(log).length === 1, 'the first bot to start the handler');
  first.child.kill('SIGKILL');
  await exited(first.child);

  const second = spawnBotProcess(settings, 1);
  children.push(second.child);
  const done = await waitForTask(app.store, task.id, (x) => x.status === 'DONE' || x.status === 'ERROR');
  assert.equal(done.status, 'DONE');
  assert.equal(done.attempt, 2);
  assert.equal(done.fence, 2);
  assert.equal(done.botId, second.botId);
  assert.deepEqual(done.result, { pid: second.child.pid });
  assert.deepEqual(readLines(log), [`start ${first.child.pid} 1`, `start ${second.child.pid} 2`, `done ${second.child.pid} 2`]);
  const states = (await app.store.eventsSince(0)).filter((e) => e.taskId === task.id && e.type === 'state');
  assert.deepEqual(
    states.map((e) => e.status),
    ['TO_DO', 'IS_PROCESSING', 'TO_DO', 'IS_PROCESSING', 'DONE'],
  );
  assert.equal(states[2]?.error?.code, 'FEEDMILL_TASK_LEASE_LOST');
});

test('the bot pool restarts a bot that crashed and its task runs again; the other bots go on', async (t) => {
  const app = tempApp();
  const pool = new BotPool({
    config: app.config,
    handlersModule: HANDLERS,
    store: app.store,
    concurrency: 2,
    log: silentLogger,
    storeSettings: { leaseMs: 60_000, maxAttempts: 3, backoff: { baseMs: 10, maxMs: 10 } },
    heartbeatMs: 200,
    pollMs: 50,
    restartDelayMs: 50,
  });
  t.after(async () => {
    await pool.stop();
    app.cleanup();
  });
  const crash = await app.store.enqueue({ kind: 'crash-once', priority: 5 });
  const echoes = await Promise.all([1, 2, 3, 4].map((n) => app.store.enqueue({ kind: 'echo', params: { n } })));
  pool.start();
  // The lease is a minute long: the task can only come back this soon because the pool saw its bot die.
  const c = await waitForTask(app.store, crash.id, (x) => x.status === 'DONE' || x.status === 'ERROR');
  assert.deepEqual([c.status, c.attempt, c.result], ['DONE', 2, { attempt: 2 }]);
  assert.equal(c.error?.code, 'FEEDMILL_TASK_LEASE_LOST');
  for (const e of echoes) assert.equal((await waitForTask(app.store, e.id, (x) => x.status === 'DONE')).status, 'DONE');
  assert.equal(pool.restarts, 1);
  assert.equal(pool.bots().length, 2);
  await pool.stop();
  assert.ok(pool.bots().every((b) => b.running === undefined));
});

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
