/**
 * The whole path: a merchant uploads a catalog → the pipeline task runs (ingest, then export, in
 * the catalog's lane, by a real bot with the real stage functions) → its progress streams over SSE →
 * a marketplace pulls the feed and gets exactly the published bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { CatalogRegistry } from '../../src/catalogs/index.js';
import { ingestFile } from '../../src/ingest/index.js';
import { TokenStore } from '../../src/server/index.js';
import { HandlerRegistry, registerStageHandlers, runBot } from '../../src/tasks/index.js';
import { exportCatalog } from '../../src/transform/index.js';
import { silentLogger } from '../../src/log.js';
import { call, startTestServer } from './helpers.js';
import { openSse } from './sse.js';

const SAMPLE = fileURLToPath(new URL('../../samples/merchant.csv', import.meta.url));

test('upload → pipeline task DONE (ingest then export) → the feed is pulled with the published content', async (t) => {
  const ts = await startTestServer(t, {}, { transformWorkers: 1 });
  new CatalogRegistry(ts.env.db).add({ name: 'acme', profile: 'auto', channels: ['google-shopping'], currency: 'EUR' });
  const tokens = new TokenStore(ts.env.db);
  const upload = tokens.issue('acme', 'upload').token;
  const feed = tokens.issue('acme', 'feed').token;

  const handlers = registerStageHandlers(new HandlerRegistry(), {
    config: ts.env.config,
    db: ts.env.db,
    services: {
      ingest: async (p, ctx) => {
        const r = await ingestFile({ config: ts.env.config, db: ts.env.db, catalog: p.catalog, source: p.path, sourceName: p.sourceName, signal: ctx.signal, progress: (x) => ctx.progress(x.bytesRead, x.totalBytes) });
        return { version: r.version, accepted: r.accepted, rejected: r.rejected };
      },
      export: async (p, ctx) => {
        const catalog = new CatalogRegistry(ts.env.db).get(p.catalog);
        await ctx.assertFence();
        const r = await exportCatalog({ config: ts.env.config, db: ts.env.db, catalog: p.catalog, channels: p.channels ?? catalog.channels, gzip: true, rulesPath: null, signal: ctx.signal, progress: (d, n) => ctx.progress(d, n) });
        return { feeds: r.feeds.map((f) => ({ channel: f.channel, items: f.items, sha256: f.sha256 })) };
      },
    },
  });
  const stop = new AbortController();
  const bot = runBot({ store: ts.store, handlers, botId: 'test-bot', log: silentLogger, pollMs: 20, heartbeatMs: 1000 }, stop.signal);
  t.after(async () => {
    stop.abort();
    await bot;
  });

  const events = await openSse(ts.url, '/api/v1/events?catalog=acme', upload);
  t.after(() => events.close());
  assert.equal(events.status, 200);

  const put = await call(ts.url, '/api/v1/catalogs/acme/source', {
    method: 'PUT',
    token: upload,
    headers: { 'content-encoding': 'gzip', 'content-disposition': 'attachment; filename="merchant.csv.gz"' },
    body: gzipSync(readFileSync(SAMPLE)),
  });
  assert.equal(put.status, 202);
  const pipelineId = put.json<{ task: { id: number } }>().task.id;

  const exportDone = await events.waitFor((e) => e.data.kind === 'export' && e.data.status === 'DONE');
  const failed = events.events.find((e) => e.data.status === 'ERROR');
  assert.equal(failed, undefined, JSON.stringify(failed?.data));
  const kinds = events.events.filter((e) => e.data.status === 'DONE').map((e) => e.data.kind);
  assert.deepEqual(kinds, ['pipeline', 'ingest', 'export']);
  assert.ok(events.events.every((e) => e.data.lane === 'catalog:acme'));
  // Ids increase, so a client resumes with Last-Event-ID.
  const ids = events.events.map((e) => Number(e.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));

  const tasks = await call(ts.url, '/api/v1/tasks?catalog=acme&status=DONE', { token: upload });
  const done = tasks.json<{ tasks: { id: number; kind: string; parentId: number | null }[] }>().tasks;
  assert.equal(done.length, 3);
  assert.equal(done.find((x) => x.kind === 'ingest')?.parentId, pipelineId);
  assert.equal(done.find((x) => x.kind === 'export')?.id, exportDone.data.taskId);

  const listing = await call(ts.url, '/api/v1/catalogs/acme/feeds', { token: upload });
  const published = listing.json<{ feeds: { channel: string; items: number; files: { fileName: string; sha256: string }[] }[] }>().feeds;
  const gs = published.find((f) => f.channel === 'google-shopping');
  assert.ok(gs && gs.items > 0);
  const file = gs.files[0];
  assert.ok(file);
  assert.match(file.fileName, /\.gz$/);

  const pulled = await call(ts.url, `/feeds/acme/${feed}/${file.fileName}`);
  assert.equal(pulled.status, 200);
  assert.equal(createHash('sha256').update(pulled.body).digest('hex'), file.sha256);
  const xml = await call(ts.url, `/feeds/acme/${feed}/${file.fileName.replace(/\.gz$/, '')}`);
  assert.equal(xml.status, 200);
  assert.deepEqual(xml.body, gunzipSync(pulled.body));
  const text = xml.body.toString('utf8');
  assert.match(text, /SKU-1000-NOI-S/);
  assert.equal((text.match(/<item>/g) ?? []).length, gs.items);
});
