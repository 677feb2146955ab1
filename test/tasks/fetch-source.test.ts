import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readdirSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataPaths } from '../../src/config.js';
import { FeedmillError } from '../../src/errors.js';
import { FetchState, fetchSource, type FetchParams } from '../../src/tasks/index.js';
import { isFileSystemError, sourceStoreError } from '../../src/source-store-error.js';
import { tempApp } from './helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function setup(t: import('node:test').TestContext) {
  const app = tempApp();
  t.after(() => app.cleanup());
  const state = new FetchState(app.db);
  const dir = join(dataPaths(app.config).sources, 'acme');
  const run = (params: Omit<FetchParams, 'catalog'>, signal = new AbortController().signal, progress?: (d: number) => void) =>
    fetchSource({ catalog: 'acme', ...params }, { config: app.config, state, signal, now: () => Date.now(), ...(progress ? { progress } : {}) });
  return { app, state, dir, run };
}

async function rejectsWith(p: Promise<unknown>, code: string, details: Record<string, unknown>, retryable: boolean) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof FeedmillError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.retryable, retryable);
    for (const [k, v] of Object.entries(details)) assert.deepEqual(e.details[k], v, k);
    return true;
  });
}

test('fetch: 200 stores the file atomically; the next fetch is a conditional GET and an unchanged catalog costs nothing', async (t) => {
  const { dir, run } = setup(t);
  const seen: (string | undefined)[] = [];
  const body = 'id,title,price\n1,Hoodie,19.99 EUR\n';
  const srv = await serve((req, res) => {
    seen.push(req.headers['if-none-match']);
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { etag: '"v1"', 'content-type': 'text/csv' }).end(body);
  });
  t.after(() => srv.close());
  const first = await run({ url: `${srv.url}/exports/feed%20fr.csv?token=s3cret` });
  assert.equal(first.changed, true);
  assert.equal(first.status, 200);
  assert.equal(first.bytes, Buffer.byteLength(body));
  assert.equal(readFileSync(first.path, 'utf8'), body);
  assert.match(first.path, /feed_fr\.csv$/);
  assert.deepEqual(readdirSync(dir), [first.path.slice(dir.length + 1)], 'no temporary file is left');
  const second = await run({ url: `${srv.url}/exports/feed%20fr.csv?token=s3cret` });
  assert.deepEqual(second, { ...first, changed: false, status: 304 });
  assert.deepEqual(seen, [undefined, '"v1"']);
  assert.equal(readdirSync(dir).length, 1);
});

test('fetch: without validators, identical bytes are unchanged too; If-Modified-Since is sent when known', async (t) => {
  const { run, dir } = setup(t);
  const modifiedSince: (string | undefined)[] = [];
  let body = 'a,b\n1,2\n';
  const srv = await serve((req, res) => {
    modifiedSince.push(req.headers['if-modified-since']);
    res.writeHead(200, { 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' }).end(body);
  });
  t.after(() => srv.close());
  const first = await run({ url: `${srv.url}/f.csv` });
  const same = await run({ url: `${srv.url}/f.csv` });
  assert.equal(same.changed, false);
  assert.equal(same.path, first.path);
  body = 'a,b\n1,3\n';
  const changed = await run({ url: `${srv.url}/f.csv` });
  assert.equal(changed.changed, true);
  assert.notEqual(changed.path, first.path);
  assert.deepEqual(modifiedSince, [undefined, 'Wed, 01 Jan 2025 00:00:00 GMT', 'Wed, 01 Jan 2025 00:00:00 GMT']);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.tmp')).length, 0);
});

test('fetch: a missing previous file forces a full download even when the server would say 304', async (t) => {
  const { run } = setup(t);
  const srv = await serve((req, res) => {
    if (req.headers['if-none-match']) res.writeHead(304).end();
    else res.writeHead(200, { etag: '"x"' }).end('x,y\n');
  });
  t.after(() => srv.close());
  const first = await run({ url: `${srv.url}/c.csv` });
  rmSync(first.path);
  const again = await run({ url: `${srv.url}/c.csv` });
  assert.equal(again.changed, true);
  assert.ok(existsSync(again.path));
});

test('fetch: HTTP 5xx/429 are retryable REMOTE_UNAVAILABLE; 404 and 403 are permanent; the query never shows', async (t) => {
  const { run, dir } = setup(t);
  const srv = await serve((req, res) => {
    const status = Number(req.url?.split('/')[1]?.split('?')[0]);
    res.writeHead(status).end('nope');
  });
  t.after(() => srv.close());
  await rejectsWith(run({ url: `${srv.url}/503?key=secret` }), 'FEEDMILL_REMOTE_UNAVAILABLE', { status: 503, url: `${srv.url}/503` }, true);
  await rejectsWith(run({ url: `${srv.url}/429` }), 'FEEDMILL_REMOTE_UNAVAILABLE', { status: 429 }, true);
  await rejectsWith(run({ url: `${srv.url}/404` }), 'FEEDMILL_SOURCE_NOT_FOUND', { status: 404 }, false);
  await rejectsWith(run({ url: `${srv.url}/403` }), 'FEEDMILL_SOURCE_FETCH_FAILED', { status: 403 }, false);
  await rejectsWith(run({ url: 'ftp://example.invalid/x' }), 'FEEDMILL_SOURCE_FETCH_FAILED', { protocol: 'ftp:' }, false);
  assert.deepEqual(readdirSync(dir), []);
});

test('fetch: credentials in the URL (basic auth) go in an Authorization header, never into a message; wrong ones are permanent', async (t) => {
  const { run } = setup(t);
  const good = `Basic ${Buffer.from('shop:p@ss:word').toString('base64')}`;
  const srv = await serve((req, res) => {
    if (req.headers.authorization !== good) res.writeHead(401, { 'www-authenticate': 'Basic' }).end();
    else res.writeHead(200).end('id,title,price\n1,Hoodie,19.99 EUR\n');
  });
  t.after(() => srv.close());
  const host = srv.url.slice('http://'.length);
  const ok = await run({ url: `http://shop:p%40ss%3Aword@${host}/private/feed.csv` });
  assert.equal(ok.status, 200);
  await assert.rejects(run({ url: `http://shop:s3cret-wrong@${host}/private/feed.csv`, force: true }), (e: unknown) => {
    assert.ok(e instanceof FeedmillError && e.code === 'FEEDMILL_SOURCE_FETCH_FAILED' && !e.retryable, String(e));
    assert.equal(e.details.status, 401);
    assert.ok(!JSON.stringify({ message: e.message, details: e.details }).includes('s3cret'), e.message);
    return true;
  });
});

test('fetch: connection refused and a silent server (timeout) are retryable', async (t) => {
  const { run, dir } = setup(t);
  const closed = await serve(() => undefined);
  const refusedUrl = `${closed.url}/feed.csv`;
  await closed.close();
  await rejectsWith(run({ url: refusedUrl }), 'FEEDMILL_REMOTE_UNAVAILABLE', { reason: 'network', errno: 'ECONNREFUSED' }, true);
  const silent = await serve(() => undefined);
  t.after(() => silent.close());
  await rejectsWith(run({ url: `${silent.url}/feed.csv`, timeoutMs: 200 }), 'FEEDMILL_REMOTE_UNAVAILABLE', { reason: 'timeout', timeoutMs: 200 }, true);
  assert.deepEqual(readdirSync(dir), []);
});

test('fetch: an abort in the middle of the body leaves no file behind', async (t) => {
  const { run, dir } = setup(t);
  const srv = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': '1000000' });
    res.write(Buffer.alloc(64 * 1024, 97));
    // ...and the rest never comes.
  });
  t.after(() => srv.close());
  const ac = new AbortController();
  const reason = new FeedmillError('FEEDMILL_TASK_CANCELED', 'canceled', { reason: 'canceled' });
  await assert.rejects(
    run({ url: `${srv.url}/big.csv` }, ac.signal, () => ac.abort(reason)),
    (e: unknown) => e === reason,
  );
  assert.deepEqual(readdirSync(dir), []);
});

test('fetch: a data dir that cannot store the file fails as the disk, not as the shop, and is not retried', async (t) => {
  const { run, dir } = setup(t);
  const srv = await serve((_req, res) => res.writeHead(200).end('id,title,price\n1,a,1\n'));
  t.after(() => srv.close());
  // A file where the catalog's sources folder should be: mkdir fails, as a full or read-only disk would.
  mkdirSync(join(dir, '..'), { recursive: true });
  writeFileSync(dir, '');
  await rejectsWith(run({ url: `${srv.url}/feed.csv` }), 'FEEDMILL_SOURCE_STORE_FAILED', { errno: 'EEXIST', op: 'mkdir', dir }, false);
  // What a full disk says.
  const full = sourceStoreError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' }), dir, 'the downloaded catalog');
  assert.match(full.message, /\(ENOSPC\): the data disk is full/);
  // A socket's error is no disk error.
  assert.equal(isFileSystemError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' })), false);
});
