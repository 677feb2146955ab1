import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { FeedmillError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import {
  HandlerRegistry,
  catalogLane,
  registerStageHandlers,
  runBot,
  type ExportParams,
  type IngestParams,
  type StageServices,
  type Task,
} from '../../src/tasks/index.js';
import { tempApp, waitUntil } from './helpers.js';

/** Records the calls the stage areas would receive; ingest fails when the file says so. */
function recordingServices() {
  const calls: { stage: string; params: IngestParams | ExportParams; fence: number; content?: string }[] = [];
  const services: StageServices = {
    async ingest(params, ctx) {
      const content = readFileSync(params.path, 'utf8');
      calls.push({ stage: 'ingest', params, fence: ctx.fence, content });
      if (content.includes('broken')) throw new FeedmillError('FEEDMILL_CSV_NO_HEADER', 'no header', { path: params.path });
      return { offers: 1 };
    },
    async export(params, ctx) {
      await ctx.assertFence();
      calls.push({ stage: 'export', params, fence: ctx.fence });
      return { channels: params.channels ?? [] };
    },
  };
  return { calls, services };
}

async function settled(app: ReturnType<typeof tempApp>): Promise<Task[]> {
  await waitUntil(async () => (await app.store.list({ status: ['TO_DO', 'IS_PROCESSING', 'TO_CANCEL'], limit: 1 })).length === 0, 'all tasks to settle');
  return (await app.store.list({ limit: 1000 })).reverse();
}

/**
 * A catalog server on loopback that answers 304 to `If-None-Match: etag()`, and a bot running the
 * stage handlers over `services`; both stopped after the test.
 */
async function catalogServerAndBot(
  t: { after(fn: () => Promise<void>): void },
  app: ReturnType<typeof tempApp>,
  services: StageServices,
  body: () => string,
  etag: () => string,
): Promise<string> {
  const server = createServer((req, res) => {
    if (req.headers['if-none-match'] === etag()) res.writeHead(304).end();
    else res.writeHead(200, { etag: etag() }).end(body());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const handlers = registerStageHandlers(new HandlerRegistry(), { config: app.config, db: app.db, services });
  const ac = new AbortController();
  const bot = runBot({ store: app.store, handlers, botId: 'b', log: silentLogger, heartbeatMs: 50, pollMs: 5 }, ac.signal);
  t.after(async () => {
    ac.abort();
    await bot;
    server.closeAllConnections();
    server.close();
    app.cleanup();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/acme.csv`;
}

test('pipeline with a URL: fetch → ingest → export in the catalog lane; unchanged catalog stops after the fetch; failed ingest never enqueues the export', async (t) => {
  const app = tempApp();
  let body = 'id,price\n1,10\n';
  const { calls, services } = recordingServices();
  const url = await catalogServerAndBot(t, app, services, () => body, () => `"${body.length}"`);
  const lane = catalogLane('acme');
  await app.store.enqueue({ kind: 'pipeline', lane, params: { catalog: 'acme', channels: ['google-shopping', 'idealo'], source: { url } } });
  let tasks = await settled(app);
  assert.deepEqual(tasks.map((x) => [x.kind, x.status, x.lane]), [
    ['pipeline', 'DONE', lane],
    ['fetch', 'DONE', lane],
    ['ingest', 'DONE', lane],
    ['export', 'DONE', lane],
  ]);
  assert.deepEqual(tasks.slice(1).map((x) => x.parentId), tasks.slice(0, 3).map((x) => x.id));
  assert.deepEqual(calls.map((c) => [c.stage, c.content ?? null]), [['ingest', body], ['export', null]]);
  assert.deepEqual(calls[1]?.params, { catalog: 'acme', channels: ['google-shopping', 'idealo'] });

  // Same catalog again: the conditional GET says 304 and the pipeline ends there.
  await app.store.enqueue({ kind: 'pipeline', lane, params: { catalog: 'acme', source: { url } } });
  tasks = (await settled(app)).slice(4);
  assert.deepEqual(tasks.map((x) => [x.kind, x.status]), [['pipeline', 'DONE'], ['fetch', 'DONE']]);
  assert.equal((tasks[1]?.result as { changed: boolean }).changed, false);
  assert.equal(calls.length, 2);

  // A changed but broken catalog: the ingest fails, no export follows.
  body = 'broken\n';
  await app.store.enqueue({ kind: 'pipeline', lane, params: { catalog: 'acme', source: { url } } });
  tasks = (await settled(app)).slice(6);
  assert.deepEqual(tasks.map((x) => [x.kind, x.status]), [['pipeline', 'DONE'], ['fetch', 'DONE'], ['ingest', 'ERROR']]);
  assert.equal(tasks[2]?.error?.code, 'FEEDMILL_CSV_NO_HEADER');
});

test('an unchanged catalog is still ingested or exported again when the services find its feeds stale', async (t) => {
  const app = tempApp();
  const body = 'id,price\n1,10\n';
  const { calls, services } = recordingServices();
  let stale: { step: 'ingest' | 'export'; why: string } | undefined;
  const asked: (string[] | undefined)[] = [];
  services.staleness = async (_catalog, channels) => {
    asked.push(channels);
    return stale;
  };
  const url = await catalogServerAndBot(t, app, services, () => body, () => '"v1"');
  const run = async (from: number) => {
    await app.store.enqueue({ kind: 'pipeline', lane: catalogLane('acme'), params: { catalog: 'acme', channels: ['meta'], source: { url } } });
    return (await settled(app)).slice(from);
  };
  assert.equal((await run(0)).length, 4, 'first run: fetch, ingest, export');
  assert.deepEqual(asked, [], 'a changed source is not asked about');

  stale = { step: 'export', why: 'a dated sale price of meta started or ended at 2030-01-01T00:00:00.000Z' };
  let tasks = await run(4);
  assert.deepEqual(tasks.map((x) => [x.kind, x.status]), [['pipeline', 'DONE'], ['fetch', 'DONE'], ['export', 'DONE']]);
  assert.equal((tasks[1]?.result as { stale: string }).stale, stale.why);
  assert.deepEqual(calls.at(-1)?.params, { catalog: 'acme', channels: ['meta'] });

  stale = { step: 'ingest', why: "the catalog's profile options changed since version 1" };
  tasks = await run(7);
  assert.deepEqual(tasks.map((x) => [x.kind, x.status]), [['pipeline', 'DONE'], ['fetch', 'DONE'], ['ingest', 'DONE'], ['export', 'DONE']]);
  assert.equal(calls.at(-2)?.content, body, 'the kept source is ingested again');

  stale = undefined;
  tasks = await run(11);
  assert.deepEqual(tasks.map((x) => [x.kind, x.status]), [['pipeline', 'DONE'], ['fetch', 'DONE']]);
  assert.deepEqual(asked, [['meta'], ['meta'], ['meta']]);
});

test('pipeline without a source only exports; without stage services it fails early with KIND_UNKNOWN', async (t) => {
  const app = tempApp();
  const { calls, services } = recordingServices();
  const wired = registerStageHandlers(new HandlerRegistry(), { config: app.config, db: app.db, services });
  const ac = new AbortController();
  let bot = runBot({ store: app.store, handlers: wired, botId: 'b', log: silentLogger, heartbeatMs: 50, pollMs: 5 }, ac.signal);
  t.after(async () => {
    ac.abort();
    await bot;
    app.cleanup();
  });
  await app.store.enqueue({ kind: 'pipeline', params: { catalog: 'acme' } });
  const tasks = await settled(app);
  assert.deepEqual(tasks.map((x) => [x.kind, x.status]), [['pipeline', 'DONE'], ['export', 'DONE']]);
  assert.deepEqual(calls.map((c) => c.stage), ['export']);
  assert.equal(calls[0]?.fence, 1);
  ac.abort();
  await bot;

  const bare = registerStageHandlers(new HandlerRegistry(), { config: app.config, db: app.db });
  const ac2 = new AbortController();
  bot = runBot({ store: app.store, handlers: bare, botId: 'c', log: silentLogger, heartbeatMs: 50, pollMs: 5 }, ac2.signal);
  t.after(() => ac2.abort());
  const p = await app.store.enqueue({ kind: 'pipeline', params: { catalog: 'acme', source: { path: '/nowhere.csv' } } });
  const bad = await app.store.enqueue({ kind: 'pipeline', params: { catalog: 'acme', source: 'yes' } });
  await settled(app);
  const failed = await app.store.get(p.id);
  assert.deepEqual([failed.status, failed.error?.code, failed.error?.details.kind], ['ERROR', 'FEEDMILL_TASK_KIND_UNKNOWN', 'ingest']);
  const invalid = await app.store.get(bad.id);
  assert.deepEqual([invalid.status, invalid.error?.code, invalid.error?.details.field], ['ERROR', 'FEEDMILL_TASK_INVALID', 'source']);
  ac2.abort();
  await bot;
});
