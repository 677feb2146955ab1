/** Catalog and token admin, tasks, event stream resume, metrics, health, logs and shutdown, through the real server. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createLogger, silentLogger } from '../../src/log.js';
import { CatalogVersions } from '../../src/staging/index.js';
import type { HandlerContext } from '../../src/tasks/index.js';
import { createStageServices } from '../../src/tasks/stage-services.js';
import { TokenStore } from '../../src/server/index.js';
import { ADMIN, addCatalog, call, errorCode, publishText, startTestServer } from './helpers.js';
import { openSse } from './sse.js';

test('catalog admin: the admin token adds, shows, updates and removes; catalog tokens see only their catalog', async (t) => {
  const ts = await startTestServer(t);
  const add = await call(ts.url, '/api/v1/catalogs', { method: 'POST', token: ADMIN, body: JSON.stringify({ name: 'acme', profile: 'generic', channels: ['google-shopping'], currency: 'EUR' }) });
  assert.equal(add.status, 201);
  assert.deepEqual(add.json<{ catalog: { name: string; channels: string[] } }>().catalog.channels, ['google-shopping']);
  assert.equal(errorCode(await call(ts.url, '/api/v1/catalogs', { method: 'POST', token: ADMIN, body: JSON.stringify({ name: 'acme' }) })), 'FEEDMILL_CATALOG_EXISTS');
  const bad = await call(ts.url, '/api/v1/catalogs', { method: 'POST', token: ADMIN, body: JSON.stringify({ name: 'Bad/Name' }) });
  assert.equal(bad.status, 400);
  assert.equal(errorCode(bad), 'FEEDMILL_NAME_INVALID');
  assert.equal(errorCode(await call(ts.url, '/api/v1/catalogs', { method: 'POST', token: ADMIN, body: JSON.stringify({ name: 'x', channels: ['nosuch'] }) })), 'FEEDMILL_CHANNEL_UNKNOWN');
  assert.equal(errorCode(await call(ts.url, '/api/v1/catalogs', { method: 'POST', token: ADMIN, body: '{not json' })), 'FEEDMILL_HTTP_BAD_REQUEST');
  await call(ts.url, '/api/v1/catalogs', { method: 'POST', token: ADMIN, body: JSON.stringify({ name: 'other', rules: 'version: 1\n' }) });

  const issued = await call(ts.url, '/api/v1/catalogs/acme/tokens', { method: 'POST', token: ADMIN, body: JSON.stringify({ scope: 'admin', label: 'ops' }) });
  assert.equal(issued.status, 201);
  const acmeAdmin = issued.json<{ token: { token: string; id: number; scope: string } }>().token;
  assert.equal(acmeAdmin.scope, 'admin');
  // The secret is stored only hashed.
  const row = ts.env.db.prepare('SELECT hash FROM api_tokens WHERE id = ?').get(acmeAdmin.id) as { hash: string };
  assert.notEqual(row.hash, acmeAdmin.token);
  assert.ok(!JSON.stringify(ts.env.db.prepare('SELECT * FROM api_tokens').all()).includes(acmeAdmin.token));

  const list = await call(ts.url, '/api/v1/catalogs', { token: acmeAdmin.token });
  assert.deepEqual(list.json<{ catalogs: { name: string }[] }>().catalogs.map((c) => c.name), ['acme']);
  assert.equal((await call(ts.url, '/api/v1/catalogs', { token: ADMIN })).json<{ catalogs: unknown[] }>().catalogs.length, 2);
  assert.equal((await call(ts.url, '/api/v1/catalogs/other', { token: acmeAdmin.token })).status, 403);
  assert.equal((await call(ts.url, '/api/v1/catalogs', { method: 'POST', token: acmeAdmin.token, body: '{}' })).status, 403);

  const upload = await call(ts.url, '/api/v1/catalogs/acme/tokens', { method: 'POST', token: acmeAdmin.token, body: JSON.stringify({ scope: 'upload' }) });
  const uploadToken = upload.json<{ token: { token: string; id: number } }>().token;
  assert.equal((await call(ts.url, '/api/v1/catalogs/acme', { token: uploadToken.token })).status, 403);
  assert.equal(errorCode(await call(ts.url, '/api/v1/catalogs/acme/tokens', { method: 'POST', token: ADMIN, body: JSON.stringify({ scope: 'root' }) })), 'FEEDMILL_HTTP_BAD_REQUEST');

  const patched = await call(ts.url, '/api/v1/catalogs/acme', { method: 'PATCH', token: acmeAdmin.token, body: JSON.stringify({ channels: ['google-shopping', 'idealo'] }) });
  assert.deepEqual(patched.json<{ catalog: { channels: string[] } }>().catalog.channels, ['google-shopping', 'idealo']);
  const shown = await call(ts.url, '/api/v1/catalogs/acme', { token: acmeAdmin.token });
  const details = shown.json<{ catalog: { name: string }; tokens: { id: number; scope: string }[] }>();
  assert.deepEqual(details.tokens.map((x) => x.scope).sort(), ['admin', 'upload']);
  assert.ok(!shown.body.toString().includes(uploadToken.token));

  const revoked = await call(ts.url, `/api/v1/catalogs/acme/tokens/${uploadToken.id}`, { method: 'DELETE', token: acmeAdmin.token });
  assert.equal(revoked.status, 200);
  assert.equal((await call(ts.url, '/api/v1/tasks', { token: uploadToken.token })).status, 401);

  const removed = await call(ts.url, '/api/v1/catalogs/acme', { method: 'DELETE', token: ADMIN });
  assert.equal(removed.status, 204);
  assert.equal((await call(ts.url, '/api/v1/catalogs/acme', { token: ADMIN })).status, 404);
  // Its tokens went with it.
  assert.equal((await call(ts.url, '/api/v1/catalogs', { token: acmeAdmin.token })).status, 401);
});

test("a catalog's profile options are checked when set and apply to the loads that run as tasks", async (t) => {
  const ts = await startTestServer(t);
  const post = (body: unknown) => call(ts.url, '/api/v1/catalogs', { method: 'POST', token: ADMIN, body: JSON.stringify(body) });
  const patch = (body: unknown) => call(ts.url, '/api/v1/catalogs/luma', { method: 'PATCH', token: ADMIN, body: JSON.stringify(body) });
  const misspelled = await post({ name: 'luma', profile: 'magento2', profileOptions: { 'base-ulr': 'https://luma.example' } });
  assert.equal(misspelled.status, 400);
  assert.equal(errorCode(misspelled), 'FEEDMILL_PROFILE_OPTION_UNKNOWN');
  assert.equal(errorCode(await post({ name: 'luma', profile: 'magento2', profileOptions: { 'base-url': 'ftp://luma.example' } })), 'FEEDMILL_PROFILE_OPTION_INVALID');
  assert.equal(errorCode(await post({ name: 'luma', profile: 'magento2', profileOptions: ['base-url'] })), 'FEEDMILL_HTTP_BAD_REQUEST');
  const added = await post({ name: 'luma', profile: 'magento2', profileOptions: { 'base-url': 'https://luma.example' } });
  assert.equal(added.status, 201);
  assert.deepEqual(added.json<{ catalog: { profileOptions: unknown } }>().catalog.profileOptions, { 'base-url': 'https://luma.example' });
  // The options must suit the profile the catalog ends with.
  assert.equal(errorCode(await patch({ profile: 'google-feed' })), 'FEEDMILL_PROFILE_OPTION_UNKNOWN');
  const patched = await patch({ profileOptions: { 'base-url': 'https://luma.example/', 'url-suffix': 'none' } });
  assert.equal(patched.status, 200, patched.body.toString());

  // An upload's ingest task gets no options of its own: the catalog's apply.
  const services = createStageServices(ts.env.config, ts.env.db, silentLogger);
  const source = fileURLToPath(new URL('../fixtures/profiles/magento2/store-views.csv', import.meta.url));
  const ctx = { signal: new AbortController().signal, progress: () => {} } as unknown as HandlerContext;
  await services.ingest({ catalog: 'luma', path: source, sourceName: 'export.csv' }, ctx);
  const staged = new Database(new CatalogVersions(ts.env.db, ts.env.config).current('luma').stagingPath, { readonly: true });
  t.after(() => staged.close());
  assert.deepEqual(staged.prepare("SELECT link FROM offers WHERE offer_id = 'TS01-S-Red'").get(), { link: 'https://luma.example/tee' }, 'the parent page, no suffix');
});

test('tasks: list by catalog and status, show, cancel; another merchant\'s task does not exist for them', async (t) => {
  const ts = await startTestServer(t);
  addCatalog(ts.env, 'acme');
  addCatalog(ts.env, 'other');
  const tokens = new TokenStore(ts.env.db);
  const acme = tokens.issue('acme', 'upload').token;
  const other = tokens.issue('other', 'upload').token;
  const a = await ts.store.enqueue({ kind: 'pipeline', lane: 'catalog:acme', params: { catalog: 'acme' } });
  const b = await ts.store.enqueue({ kind: 'pipeline', lane: 'catalog:other', params: { catalog: 'other' } });
  const mine = await call(ts.url, '/api/v1/tasks', { token: acme });
  assert.deepEqual(mine.json<{ tasks: { id: number }[] }>().tasks.map((x) => x.id), [a.id]);
  assert.equal((await call(ts.url, '/api/v1/tasks?catalog=other', { token: acme })).status, 403);
  assert.equal((await call(ts.url, `/api/v1/tasks/${b.id}`, { token: acme })).status, 404);
  assert.equal(errorCode(await call(ts.url, '/api/v1/tasks?status=NOPE', { token: acme })), 'FEEDMILL_HTTP_BAD_REQUEST');
  assert.equal((await call(ts.url, '/api/v1/tasks?status=TO_DO', { token: ADMIN })).json<{ tasks: unknown[] }>().tasks.length, 2);
  const cancel = await call(ts.url, `/api/v1/tasks/${a.id}/cancel`, { method: 'POST', token: acme });
  assert.equal(cancel.status, 202);
  assert.equal(cancel.json<{ task: { status: string } }>().task.status, 'CANCELED');
  assert.equal((await call(ts.url, `/api/v1/tasks/${b.id}/cancel`, { method: 'POST', token: acme })).status, 404);
  assert.equal((await ts.store.get(b.id)).status, 'TO_DO');
  assert.equal((await call(ts.url, `/api/v1/tasks/${b.id}/cancel`, { method: 'POST', token: other })).status, 202);
  const again = await call(ts.url, `/api/v1/tasks/0/cancel`, { method: 'POST', token: ADMIN });
  assert.equal(again.status, 404);
});

test('events: filtered by catalog, resumed after Last-Event-ID with exactly the missed events', async (t) => {
  const ts = await startTestServer(t);
  addCatalog(ts.env, 'acme');
  addCatalog(ts.env, 'other');
  const token = new TokenStore(ts.env.db).issue('acme', 'upload').token;
  assert.equal((await openSse(ts.url, '/api/v1/events?catalog=other', token).then((s) => (s.close(), s.status))), 403);
  const first = await openSse(ts.url, '/api/v1/events', token);
  const t1 = await ts.store.enqueue({ kind: 'pipeline', lane: 'catalog:acme', params: { catalog: 'acme' } });
  await ts.store.enqueue({ kind: 'pipeline', lane: 'catalog:other', params: { catalog: 'other' } });
  const seen = await first.waitFor((e) => e.data.taskId === t1.id);
  first.close();
  // While disconnected: more events of both catalogs.
  await ts.store.requestCancel(t1.id);
  const t2 = await ts.store.enqueue({ kind: 'pipeline', lane: 'catalog:acme', params: { catalog: 'acme' } });
  await ts.store.enqueue({ kind: 'pipeline', lane: 'catalog:other', params: { catalog: 'other' } });
  const resumed = await openSse(ts.url, '/api/v1/events', token, seen.id);
  t.after(() => resumed.close());
  await resumed.waitFor((e) => e.data.taskId === t2.id);
  const t3 = await ts.store.enqueue({ kind: 'pipeline', lane: 'catalog:acme', params: { catalog: 'acme' } });
  await resumed.waitFor((e) => e.data.taskId === t3.id);
  assert.deepEqual(
    resumed.events.map((e) => [e.data.taskId, e.data.status]),
    [
      [t1.id, 'CANCELED'],
      [t2.id, 'TO_DO'],
      [t3.id, 'TO_DO'],
    ],
  );
  assert.ok(resumed.events.every((e) => Number(e.id) > Number(seen.id)));
});

test('metrics in Prometheus text and /healthz', async (t) => {
  const ts = await startTestServer(t);
  addCatalog(ts.env, 'acme');
  const feed = new TokenStore(ts.env.db).issue('acme', 'feed').token;
  await publishText(ts.env, 'acme', 'meta', 'hello\n', { gzip: true });
  await ts.store.enqueue({ kind: 'pipeline', lane: 'catalog:acme', params: { catalog: 'acme' } });
  const pulled = await call(ts.url, `/feeds/acme/${feed}/meta.xml.gz`);
  await call(ts.url, `/feeds/acme/${feed}/meta.xml.gz`, { headers: { 'if-none-match': pulled.headers.etag as string } });
  const health = await call(ts.url, '/healthz');
  assert.equal(health.status, 200);
  assert.equal(health.json<{ status: string }>().status, 'ok');
  const m = await call(ts.url, '/metrics');
  assert.equal(m.status, 200);
  assert.match(String(m.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = m.body.toString();
  assert.match(text, /^# TYPE feedmill_tasks gauge$/m);
  assert.match(text, /^feedmill_tasks\{state="TO_DO"\} 1$/m);
  assert.match(text, /^feedmill_feed_requests_total\{status="200"\} 1$/m);
  assert.match(text, /^feedmill_feed_requests_total\{status="304"\} 1$/m);
  assert.match(text, new RegExp(`^feedmill_feed_bytes_sent_total ${pulled.body.length}$`, 'm'));
  assert.match(text, /^feedmill_feed_items\{catalog="acme",channel="meta"\} 2$/m);
  assert.match(text, /^feedmill_http_requests_total\{route="\/feeds\/:catalog\/:token\/:file",status="200"\} 1$/m);
  assert.ok(!text.includes(feed));
});

test('logs never contain tokens, whatever the route', async (t) => {
  const lines: string[] = [];
  const log = createLogger('debug', {}, (l) => lines.push(l));
  const ts = await startTestServer(t, { log });
  addCatalog(ts.env, 'acme');
  const tokens = new TokenStore(ts.env.db);
  const feed = tokens.issue('acme', 'feed').token;
  const upload = tokens.issue('acme', 'upload').token;
  await publishText(ts.env, 'acme', 'meta', 'hello\n', { gzip: true });
  await call(ts.url, `/feeds/acme/${feed}/meta.xml.gz`);
  await call(ts.url, `/feeds/acme/${feed}/nosuch.xml`);
  await call(ts.url, '/api/v1/catalogs/acme/source', { method: 'PUT', token: upload, body: 'id,title\n1,a\n' });
  await call(ts.url, '/api/v1/catalogs', { method: 'POST', token: ADMIN, body: JSON.stringify({ name: 'zeta' }) });
  await call(ts.url, '/api/v1/catalogs/zeta/tokens', { method: 'POST', token: ADMIN, body: JSON.stringify({ scope: 'feed' }) });
  await ts.close();
  assert.ok(lines.length > 5);
  const all = lines.join('');
  for (const secret of [feed, upload, ADMIN]) assert.ok(!all.includes(secret));
  assert.ok(!/"token":"[A-Za-z0-9_-]{43}"/.test(all));
});

test('graceful shutdown: new requests are refused, an in-flight upload finishes and is queued', async (t) => {
  const ts = await startTestServer(t, { shutdownGraceMs: 30_000 });
  addCatalog(ts.env, 'acme');
  const token = new TokenStore(ts.env.db).issue('acme', 'upload').token;
  const url = new URL(ts.url);
  const body = 'id,title\n1,a\n2,b\n';
  const req = request({ host: url.hostname, port: url.port, path: '/api/v1/catalogs/acme/source', method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-length': String(body.length) } });
  const answered = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 5));
  while (ts.server.context.uploads.inFlight === 0) await new Promise((r) => setTimeout(r, 10));
  const closing = ts.server.close();
  await assert.rejects(call(ts.url, '/healthz'));
  req.end(body.slice(5));
  assert.equal(await answered, 202);
  await closing;
  assert.equal((await ts.store.list({})).length, 1);
});
