/**
 * Catalog uploads against the real server: stored whole then queued, or refused with the right code
 * and no trace (no file, no task) — too large (declared and undeclared), not a catalog, bad token,
 * unknown catalog, another merchant's token, a client that goes away mid-body.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dataPaths } from '../../src/config.js';
import { TokenStore } from '../../src/server/index.js';
import { waitUntil } from '../tasks/helpers.js';
import { ADMIN, addCatalog, call, errorCode, startTestServer, type TestServer } from './helpers.js';

const CSV = 'id,title,price,link\n1,Blue shirt,19.90,https://shop.example/1\n2,Red shirt,21.00,https://shop.example/2\n';

async function setup(t: Parameters<typeof startTestServer>[0], maxUploadBytes = 64 * 1024) {
  const ts = await startTestServer(t, {}, { maxUploadBytes });
  addCatalog(ts.env, 'acme');
  addCatalog(ts.env, 'other');
  const tokens = new TokenStore(ts.env.db);
  return { ...ts, upload: tokens.issue('acme', 'upload').token, otherUpload: tokens.issue('other', 'upload').token, feed: tokens.issue('acme', 'feed').token };
}

function sourcesOf(s: TestServer, catalog = 'acme'): string[] {
  const dir = join(dataPaths(s.env.config).sources, catalog);
  return existsSync(dir) ? readdirSync(dir) : [];
}

test('an upload is stored whole and a pipeline task is queued in the catalog lane: 202 with the task URL', async (t) => {
  const s = await setup(t);
  const r = await call(s.url, '/api/v1/catalogs/acme/source?name=export.csv', { method: 'PUT', token: s.upload, body: CSV });
  assert.equal(r.status, 202);
  const body = r.json<{ task: { id: number; kind: string; status: string; catalog: string }; taskUrl: string }>();
  assert.equal(body.task.kind, 'pipeline');
  assert.equal(body.task.status, 'TO_DO');
  assert.equal(body.task.catalog, 'acme');
  assert.equal(body.taskUrl, `/api/v1/tasks/${body.task.id}`);
  assert.equal(r.headers.location, body.taskUrl);
  const task = await s.store.get(body.task.id);
  assert.equal(task.lane, 'catalog:acme');
  const source = task.params.source as { path: string; sourceName: string; bytes: number };
  assert.equal(source.sourceName, 'export.csv');
  assert.equal(source.bytes, Buffer.byteLength(CSV));
  assert.equal(readFileSync(source.path, 'utf8'), CSV);
  assert.deepEqual(sourcesOf(s).filter((n) => n.startsWith('.')), []);
  const shown = await call(s.url, body.taskUrl, { token: s.upload });
  assert.equal(shown.status, 200);
  assert.equal(shown.json<{ task: { id: number } }>().task.id, body.task.id);
  assert.equal((task.params.source as { encodingHint?: string }).encodingHint, undefined);

  // A declared charset travels with the task, as the ingest's encoding hint.
  const latin2 = await call(s.url, '/api/v1/catalogs/acme/source', { method: 'PUT', token: s.upload, body: CSV, headers: { 'content-type': 'text/csv; charset=ISO-8859-2' } });
  assert.equal(latin2.status, 202);
  const hinted = await s.store.get(latin2.json<{ task: { id: number } }>().task.id);
  assert.equal((hinted.params.source as { encodingHint?: string }).encodingHint, 'ISO-8859-2');
});

test('gzip, zip and Content-Encoding: gzip bodies are stored as they are', async (t) => {
  const s = await setup(t);
  const gz = gzipSync(CSV);
  const r1 = await call(s.url, '/api/v1/catalogs/acme/source', { method: 'PUT', token: s.upload, body: gz });
  assert.equal(r1.status, 202);
  const r2 = await call(s.url, '/api/v1/catalogs/acme/source', { method: 'PUT', token: s.upload, body: gz, headers: { 'content-encoding': 'gzip' } });
  assert.equal(r2.status, 202);
  const zipHead = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]);
  const r3 = await call(s.url, '/api/v1/catalogs/acme/source', { method: 'PUT', token: s.upload, body: zipHead });
  assert.equal(r3.status, 202);
  const stored = (await s.store.list({ kind: 'pipeline' })).map((t) => (t.params.source as { path: string; kind: string }));
  assert.deepEqual(stored.map((x) => x.kind).sort(), ['gzip', 'gzip', 'zip']);
  for (const x of stored.filter((x) => x.kind === 'gzip')) assert.deepEqual(readFileSync(x.path), gz);
  const xml = await call(s.url, '/api/v1/catalogs/acme/source', { method: 'PUT', token: s.upload, body: '\uFEFF<?xml version="1.0"?><products/>' });
  assert.equal(xml.status, 202);
});

test('413 for a declared length over the limit, and for a chunked body that grows past it: nothing stored, no task', async (t) => {
  const s = await setup(t, 4096);
  const declared = await call(s.url, '/api/v1/catalogs/acme/source', {
    method: 'PUT',
    token: s.upload,
    headers: { 'content-length': '5000', expect: '100-continue' },
    body: undefined,
  }).catch((e: unknown) => e as Error);
  assert.ok(!(declared instanceof Error), String(declared));
  assert.equal((declared as { status: number }).status, 413);

  const status = await new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
    const url = new URL(s.url);
    const req = request({ host: url.hostname, port: url.port, path: '/api/v1/catalogs/acme/source', method: 'PUT', headers: { authorization: `Bearer ${s.upload}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(Buffer.concat(chunks).toString()) as { error: { code: string } }).error.code }));
    });
    req.on('error', (err) => {
      // The server may close the socket while we still write; the answer has then been read or not.
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE' && (err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    const line = Buffer.from('1,a shirt,10.00,https://shop.example/x\n');
    req.write('id,title,price,link\n');
    let sent = 0;
    const pump = () => {
      while (sent < 8192) {
        sent += line.length;
        if (!req.write(line)) return void req.once('drain', pump);
      }
    };
    pump();
  });
  assert.equal(status.status, 413);
  assert.equal(status.code, 'FEEDMILL_HTTP_TOO_LARGE');
  await waitUntil(() => s.server.context.uploads.inFlight === 0, 'the upload to end');
  assert.deepEqual(sourcesOf(s), []);
  assert.equal((await s.store.list({})).length, 0);
});

test('415 for bodies that are not catalogs (PDF, PNG, binary, a false Content-Encoding, another encoding)', async (t) => {
  const s = await setup(t);
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  const cases: { body: Buffer | string; headers?: Record<string, string> }[] = [
    { body: '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n' },
    { body: png },
    { body: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]) },
    { body: CSV, headers: { 'content-encoding': 'gzip' } },
    { body: CSV, headers: { 'content-encoding': 'br' } },
  ];
  for (const c of cases) {
    const r = await call(s.url, '/api/v1/catalogs/acme/source', { method: 'PUT', token: s.upload, body: c.body, headers: c.headers ?? {} });
    assert.equal(r.status, 415, JSON.stringify(c.headers ?? c.body.slice(0, 8)));
    assert.equal(errorCode(r), 'FEEDMILL_HTTP_UNSUPPORTED_TYPE');
  }
  assert.deepEqual(sourcesOf(s), []);
  assert.equal((await s.store.list({})).length, 0);
});

test('401 without or with a wrong token, 403 with another merchant\'s or a feed token, 404 for an unknown catalog', async (t) => {
  const s = await setup(t);
  const put = (path: string, token?: string) => call(s.url, path, { method: 'PUT', body: CSV, ...(token === undefined ? {} : { token }) });
  const none = await put('/api/v1/catalogs/acme/source');
  assert.equal(none.status, 401);
  assert.equal(errorCode(none), 'FEEDMILL_HTTP_UNAUTHORIZED');
  assert.equal((await put('/api/v1/catalogs/acme/source', 'x'.repeat(43))).status, 401);
  const other = await put('/api/v1/catalogs/acme/source', s.otherUpload);
  assert.equal(other.status, 403);
  assert.equal(errorCode(other), 'FEEDMILL_HTTP_FORBIDDEN');
  assert.equal((await put('/api/v1/catalogs/acme/source', s.feed)).status, 403);
  // A merchant's token does not even learn whether another catalog exists.
  assert.equal((await put('/api/v1/catalogs/nosuch/source', s.upload)).status, 403);
  const unknown = await put('/api/v1/catalogs/nosuch/source', ADMIN);
  assert.equal(unknown.status, 404);
  assert.equal(errorCode(unknown), 'FEEDMILL_CATALOG_UNKNOWN');
  assert.equal((await call(s.url, '/api/v1/catalogs/acme/source', { method: 'POST', token: s.upload, body: CSV })).status, 405);
  assert.equal((await s.store.list({})).length, 0);
  assert.deepEqual(sourcesOf(s), []);
});

test('an upload cut in the middle leaves no file and no task', async (t) => {
  const s = await setup(t);
  const url = new URL(s.url);
  await new Promise<void>((resolve) => {
    const req = request({
      host: url.hostname,
      port: url.port,
      path: '/api/v1/catalogs/acme/source',
      method: 'PUT',
      headers: { authorization: `Bearer ${s.upload}`, 'content-length': '20000' },
    });
    req.on('error', () => resolve());
    req.on('response', () => resolve());
    req.write(CSV.repeat(20).slice(0, 9000), () => {
      // The server has the first half; wait until it is storing it, then drop the connection.
      void waitUntil(() => sourcesOf(s).some((n) => n.startsWith('.upload-')), 'the temporary file').then(() => req.destroy());
    });
  });
  await waitUntil(() => s.server.context.uploads.inFlight === 0, 'the cut upload to be cleaned up');
  assert.deepEqual(sourcesOf(s), []);
  assert.equal((await s.store.list({})).length, 0);
  // The server is fine afterwards.
  assert.equal((await call(s.url, '/api/v1/catalogs/acme/source', { method: 'PUT', token: s.upload, body: CSV })).status, 202);
});

test('uploads beyond the concurrency cap get 503 with Retry-After', async (t) => {
  const ts = await startTestServer(t, { maxConcurrentUploads: 1 });
  addCatalog(ts.env, 'acme');
  const token = new TokenStore(ts.env.db).issue('acme', 'upload').token;
  const url = new URL(ts.url);
  const slow = request({ host: url.hostname, port: url.port, path: '/api/v1/catalogs/acme/source', method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-length': String(CSV.length) } });
  slow.on('error', () => {});
  slow.write(CSV.slice(0, 10));
  await waitUntil(() => ts.server.context.uploads.inFlight === 1, 'the first upload to start');
  const busy = await call(ts.url, '/api/v1/catalogs/acme/source', { method: 'PUT', token, body: CSV });
  assert.equal(busy.status, 503);
  assert.equal(errorCode(busy), 'FEEDMILL_HTTP_BUSY');
  assert.equal(busy.headers['retry-after'], '5');
  const done = new Promise<number>((resolve) => slow.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); }));
  slow.end(CSV.slice(10));
  assert.equal(await done, 202);
});

test('an upload the data dir cannot store answers 507 FEEDMILL_SOURCE_STORE_FAILED, and no task is queued', async (t) => {
  const s = await setup(t);
  // A file where the catalog's sources folder should be, as a full or read-only data disk would fail.
  const dir = join(dataPaths(s.env.config).sources, 'acme');
  mkdirSync(join(dir, '..'), { recursive: true });
  writeFileSync(dir, '');
  const r = await call(s.url, '/api/v1/catalogs/acme/source', { method: 'PUT', token: s.upload, body: CSV });
  assert.equal(r.status, 507);
  assert.equal(errorCode(r), 'FEEDMILL_SOURCE_STORE_FAILED');
  assert.deepEqual(await s.store.list({}), []);
});
