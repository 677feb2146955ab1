import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/run.js';
import { loadConfig } from '../../src/config.js';
import { openAppDb } from '../../src/db/index.js';
import { SqliteTaskStore } from '../../src/tasks/index.js';
import { waitForTask } from './helpers.js';

function io(signal = new AbortController().signal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { io: { stdout, stderr, signal }, out: () => out, err: () => err };
}

async function cli(dir: string, ...args: string[]) {
  const h = io();
  const code = await main([...args, '--data-dir', join(dir, 'data'), '--staging-dir', join(dir, 'staging'), '--json'], h.io);
  const lines = h.out().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, json: lines.at(-1) ?? {}, stderr: h.err() };
}

function withDir(t: import('node:test').TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'feedmill-tasks-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('schedule add|list|remove with --json; a bad time zone is a coded error with exit 1', async (t) => {
  const dir = withDir(t);
  const added = await cli(dir, 'schedule', 'add', '--catalog', 'acme', '--channels', 'google-shopping,idealo', '--cron', '0 2 * * *', '--tz', 'Europe/Paris');
  assert.equal(added.code, 0);
  const s = added.json.schedule as Record<string, unknown>;
  assert.deepEqual([s.name, s.cron, s.tz, s.kind, s.params], ['acme-1', '0 2 * * *', 'Europe/Paris', 'pipeline', { catalog: 'acme', channels: ['google-shopping', 'idealo'] }]);
  const listed = await cli(dir, 'schedule', 'list');
  assert.deepEqual((listed.json.schedules as { name: string }[]).map((x) => x.name), ['acme-1']);
  const bad = await cli(dir, 'schedule', 'add', '--catalog', 'acme', '--cron', '0 2 * * *', '--tz', 'Mars/Olympus');
  assert.equal(bad.code, 1);
  assert.deepEqual((bad.json.error as { code: string; details: unknown }).code, 'FEEDMILL_SCHEDULE_INVALID');
  assert.equal((await cli(dir, 'schedule', 'remove', 'acme-1')).code, 0);
  const gone = await cli(dir, 'schedule', 'remove', 'acme-1');
  assert.equal((gone.json.error as { code: string }).code, 'FEEDMILL_SCHEDULE_UNKNOWN');
  assert.equal((await cli(dir, 'schedule', 'frobnicate')).code, 2);
});

test('tasks list|show|cancel|retry with --json', async (t) => {
  const dir = withDir(t);
  const config = loadConfig({ dataDir: join(dir, 'data'), stagingDir: join(dir, 'staging') }, {});
  const db = openAppDb(config);
  t.after(() => db.close());
  const store = new SqliteTaskStore(db);
  const a = await store.enqueue({ kind: 'export', lane: 'catalog:acme', params: { catalog: 'acme' } });
  await store.enqueue({ kind: 'fetch', lane: 'catalog:beta', params: { catalog: 'beta' } });
  const listed = await cli(dir, 'tasks', 'list', '--catalog', 'acme');
  assert.deepEqual((listed.json.tasks as { id: number }[]).map((x) => x.id), [a.id]);
  const shown = await cli(dir, 'tasks', 'show', String(a.id));
  assert.equal((shown.json.task as { status: string }).status, 'TO_DO');
  const canceled = await cli(dir, 'tasks', 'cancel', String(a.id));
  assert.equal((canceled.json.task as { status: string }).status, 'CANCELED');
  const retried = await cli(dir, 'tasks', 'retry', String(a.id));
  assert.deepEqual([(retried.json.task as { retryOf: number }).retryOf, (retried.json.task as { status: string }).status], [a.id, 'TO_DO']);
  const byStatus = await cli(dir, 'tasks', 'list', '--status', 'canceled');
  assert.deepEqual((byStatus.json.tasks as { id: number }[]).map((x) => x.id), [a.id]);
  const unknown = await cli(dir, 'tasks', 'show', '999');
  assert.deepEqual([unknown.code, (unknown.json.error as { code: string }).code], [1, 'FEEDMILL_TASK_UNKNOWN']);
  assert.equal((await cli(dir, 'tasks', 'list', '--status', 'DONE?')).code, 2);
  assert.equal((await cli(dir, 'tasks', 'show')).code, 2);
});

test('worker runs bot processes that execute queued tasks, and stops cleanly on the signal', async (t) => {
  const dir = withDir(t);
  const server = createServer((_req, res) => res.writeHead(200, { etag: '"1"' }).end('id,price\n1,10\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const config = loadConfig({ dataDir: join(dir, 'data'), stagingDir: join(dir, 'staging') }, {});
  const db = openAppDb(config);
  t.after(() => db.close());
  const store = new SqliteTaskStore(db);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme.csv`;
  const fetchTask = await store.enqueue({ kind: 'fetch', lane: 'catalog:acme', params: { catalog: 'acme', url } });
  const controller = new AbortController();
  const h = io(controller.signal);
  const running = main(['worker', '--concurrency', '1', '--data-dir', join(dir, 'data'), '--staging-dir', join(dir, 'staging'), '--json'], h.io);
  const done = await waitForTask(store, fetchTask.id, (x) => x.status === 'DONE' || x.status === 'ERROR');
  assert.equal(done.status, 'DONE');
  assert.equal((done.result as { changed: boolean }).changed, true);
  controller.abort();
  assert.equal(await running, 0);
  const lines = h.out().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, { concurrency?: number }>);
  assert.equal(lines[0]?.worker?.concurrency, 1);
  assert.ok('stopped' in (lines.at(-1) ?? {}));
});
