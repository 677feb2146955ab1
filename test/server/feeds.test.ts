/**
 * Feed pulls against the real server: validators, 304, ranges, gzip negotiation, auth through the
 * path and Basic, the fetch log, and path traversal attempts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { TokenStore } from '../../src/server/index.js';
import { ADMIN, addCatalog, call, errorCode, feedText, publishText, startTestServer } from './helpers.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const BODY = Array.from({ length: 200 }, (_, i) => `<item><id>${i}</id><title>Item ${i}</title></item>\n`).join('');

async function setup(t: Parameters<typeof startTestServer>[0]) {
  const ts = await startTestServer(t);
  addCatalog(ts.env, 'acme');
  addCatalog(ts.env, 'other');
  const tokens = new TokenStore(ts.env.db);
  const feed = tokens.issue('acme', 'feed').token;
  const otherFeed = tokens.issue('other', 'feed').token;
  const upload = tokens.issue('acme', 'upload').token;
  const gz = await publishText(ts.env, 'acme', 'google-shopping', BODY, { gzip: true });
  const plain = await publishText(ts.env, 'acme', 'idealo', BODY, { gzip: false, fileName: 'idealo.csv' });
  return { ...ts, feed, otherFeed, upload, gz, plain };
}

test('a .xml.gz URL serves the stored gzip bytes with a strong ETag from the manifest', async (t) => {
  const s = await setup(t);
  const r = await call(s.url, `/feeds/acme/${s.feed}/google-shopping.xml.gz`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/gzip');
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.headers.etag, `"${s.gz.manifest.sha256}"`);
  assert.equal(sha(r.body), s.gz.manifest.sha256);
  assert.equal(gunzipSync(r.body).toString(), feedText(BODY));
  assert.equal(r.headers['accept-ranges'], 'bytes');
  assert.ok(r.headers['last-modified']);
});

test('the plain .xml URL of a gzipped feed: gzip-encoded when accepted, decompressed on the fly otherwise', async (t) => {
  const s = await setup(t);
  const enc = await call(s.url, `/feeds/acme/${s.feed}/google-shopping.xml`, { headers: { 'accept-encoding': 'gzip, br' } });
  assert.equal(enc.status, 200);
  assert.equal(enc.headers['content-encoding'], 'gzip');
  assert.equal(enc.headers.vary, 'Accept-Encoding');
  assert.equal(enc.headers['content-type'], 'application/xml; charset=utf-8');
  assert.equal(sha(enc.body), s.gz.manifest.sha256);

  const ident = await call(s.url, `/feeds/acme/${s.feed}/google-shopping.xml`, { headers: { 'accept-encoding': 'gzip;q=0, identity' } });
  assert.equal(ident.status, 200);
  assert.equal(ident.headers['content-encoding'], undefined);
  assert.equal(ident.body.toString(), feedText(BODY));
  assert.equal(ident.headers.etag, `"${s.gz.manifest.sha256}-identity"`);
  assert.notEqual(ident.headers.etag, enc.headers.etag);

  const none = await call(s.url, `/feeds/acme/${s.feed}/google-shopping.xml`);
  assert.equal(none.body.toString(), feedText(BODY));
});

test('an uncompressed publish is served directly', async (t) => {
  const s = await setup(t);
  const r = await call(s.url, `/feeds/acme/${s.feed}/idealo.csv`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.body.toString(), feedText(BODY));
  assert.equal(r.headers['content-length'], String(r.body.length));
});

test('304 on If-None-Match (also weak and lists) and on If-Modified-Since; 200 when the tag is stale', async (t) => {
  const s = await setup(t);
  const path = `/feeds/acme/${s.feed}/google-shopping.xml.gz`;
  const first = await call(s.url, path);
  const etag = first.headers.etag as string;
  for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
    const r = await call(s.url, path, { headers: { 'if-none-match': inm } });
    assert.equal(r.status, 304, inm);
    assert.equal(r.body.length, 0);
    assert.equal(r.headers.etag, etag);
  }
  const stale = await call(s.url, path, { headers: { 'if-none-match': '"0000"' } });
  assert.equal(stale.status, 200);
  const ims = await call(s.url, path, { headers: { 'if-modified-since': first.headers['last-modified'] as string } });
  assert.equal(ims.status, 304);
  const older = await call(s.url, path, { headers: { 'if-modified-since': new Date(0).toUTCString() } });
  assert.equal(older.status, 200);
  // If-None-Match decides alone: a stale tag with a fresh date is a 200.
  const both = await call(s.url, path, { headers: { 'if-none-match': '"0000"', 'if-modified-since': first.headers['last-modified'] as string } });
  assert.equal(both.status, 200);
  const head = await call(s.url, path, { method: 'HEAD', headers: { 'if-none-match': etag } });
  assert.equal(head.status, 304);
});

test('ranges: 206 with Content-Range, suffix ranges, 416 outside the file, If-Range with a stale tag gives the whole file', async (t) => {
  const s = await setup(t);
  const path = `/feeds/acme/${s.feed}/google-shopping.xml.gz`;
  const whole = (await call(s.url, path)).body;
  const r = await call(s.url, path, { headers: { range: 'bytes=10-99' } });
  assert.equal(r.status, 206);
  assert.equal(r.headers['content-range'], `bytes 10-99/${whole.length}`);
  assert.deepEqual(r.body, whole.subarray(10, 100));
  const tail = await call(s.url, path, { headers: { range: 'bytes=-20' } });
  assert.equal(tail.status, 206);
  assert.deepEqual(tail.body, whole.subarray(whole.length - 20));
  const open = await call(s.url, path, { headers: { range: 'bytes=5-' } });
  assert.deepEqual(open.body, whole.subarray(5));
  const out = await call(s.url, path, { headers: { range: `bytes=${whole.length}-` } });
  assert.equal(out.status, 416);
  assert.equal(out.headers['content-range'], `bytes */${whole.length}`);
  assert.equal(errorCode(out), 'FEEDMILL_HTTP_RANGE_NOT_SATISFIABLE');
  const good = await call(s.url, path, { headers: { range: 'bytes=0-9', 'if-range': `"${s.gz.manifest.sha256}"` } });
  assert.equal(good.status, 206);
  const staleIfRange = await call(s.url, path, { headers: { range: 'bytes=0-9', 'if-range': '"old"' } });
  assert.equal(staleIfRange.status, 200);
  assert.deepEqual(staleIfRange.body, whole);
  const multi = await call(s.url, path, { headers: { range: 'bytes=0-1,5-6' } });
  assert.equal(multi.status, 200);
  // A range of the gzip-encoded representation of the .xml URL is a range of the stored bytes.
  const encRange = await call(s.url, `/feeds/acme/${s.feed}/google-shopping.xml`, { headers: { 'accept-encoding': 'gzip', range: 'bytes=0-9' } });
  assert.equal(encRange.status, 206);
  assert.deepEqual(encRange.body, whole.subarray(0, 10));
  const identRange = await call(s.url, `/feeds/acme/${s.feed}/google-shopping.xml`, { headers: { range: 'bytes=0-9' } });
  assert.equal(identRange.status, 200);
  assert.equal(identRange.headers['accept-ranges'], 'none');
});

test('auth: Basic and Bearer on the token-less URL; 401 without or with a wrong token; 403 for another merchant; upload tokens do not pull', async (t) => {
  const s = await setup(t);
  const basic = Buffer.from(`acme:${s.feed}`).toString('base64');
  assert.equal((await call(s.url, '/feeds/acme/google-shopping.xml.gz', { headers: { authorization: `Basic ${basic}` } })).status, 200);
  assert.equal((await call(s.url, '/feeds/acme/google-shopping.xml.gz', { token: s.feed })).status, 200);
  assert.equal((await call(s.url, '/feeds/acme/google-shopping.xml.gz', { token: ADMIN })).status, 200);
  const none = await call(s.url, '/feeds/acme/google-shopping.xml.gz');
  assert.equal(none.status, 401);
  assert.match(String(none.headers['www-authenticate']), /^Basic/);
  const wrong = await call(s.url, `/feeds/acme/${'A'.repeat(43)}/google-shopping.xml.gz`);
  assert.equal(wrong.status, 401);
  assert.equal(errorCode(wrong), 'FEEDMILL_HTTP_UNAUTHORIZED');
  const other = await call(s.url, `/feeds/acme/${s.otherFeed}/google-shopping.xml.gz`);
  assert.equal(other.status, 403);
  assert.equal(errorCode(other), 'FEEDMILL_HTTP_FORBIDDEN');
  assert.equal((await call(s.url, `/feeds/acme/${s.upload}/google-shopping.xml.gz`)).status, 403);
  const missing = await call(s.url, `/feeds/acme/${s.feed}/meta.xml.gz`);
  assert.equal(missing.status, 404);
  assert.equal(errorCode(missing), 'FEEDMILL_HTTP_NOT_FOUND');
  const revoked = new TokenStore(s.env.db);
  revoked.revokeSecret(s.feed);
  assert.equal((await call(s.url, `/feeds/acme/${s.feed}/google-shopping.xml.gz`)).status, 401);
});

test('traversal attempts never leave the feeds folder', async (t) => {
  const s = await setup(t);
  const attempts = [
    `/feeds/acme/${s.feed}/../../feedmill.db`,
    `/feeds/acme/${s.feed}/..%2f..%2ffeedmill.db`,
    `/feeds/acme/${s.feed}/%2e%2e/%2e%2e/feedmill.db`,
    `/feeds/acme/${s.feed}/%2e%2e%2f%2e%2e%2ffeedmill.db`,
    `/feeds/acme/${s.feed}/..\\..\\feedmill.db`,
    `/feeds/acme/${s.feed}/google-shopping.xml.gz%00.txt`,
    `/feeds/acme/${s.feed}/google-shopping.manifest.json`,
    `/feeds/acme/${s.feed}/versions`,
    `/feeds/..%2facme/${s.feed}/google-shopping.xml.gz`,
    `/feeds/%2e%2e/${s.feed}/feedmill.db`,
    `/feeds/acme/${s.feed}/.google-shopping.xml.gz.tmp`,
    `/feeds/acme/${s.feed}/GOOGLE-SHOPPING.XML.GZ`,
    `/feeds/acme/${s.feed}//etc/passwd`,
    `/api/v1/catalogs/..%2f..%2fetc/source`,
    `/api/v1/catalogs/acme%00/source`,
  ];
  for (const path of attempts) {
    const r = await call(s.url, path, { token: ADMIN });
    assert.ok(r.status === 404 || r.status === 400 || r.status === 405, `${path} → ${r.status}`);
    assert.ok(!r.body.includes('SQLite format'), path);
    assert.ok(!r.body.includes('root:'), path);
  }
  // The absolute form of a request target is refused outright.
  const abs = await call(s.url, `http://127.0.0.1/feeds/acme/${s.feed}/google-shopping.xml.gz`);
  assert.equal(abs.status, 400);
});

test('the fetch log records who pulled which version, the status and the bytes, without token secrets', async (t) => {
  const s = await setup(t);
  const path = `/feeds/acme/${s.feed}/google-shopping.xml.gz`;
  const full = await call(s.url, path, { headers: { 'user-agent': 'Googlebot-Feed/1.0' } });
  await call(s.url, path, { headers: { 'if-none-match': full.headers.etag as string, 'user-agent': 'Googlebot-Feed/1.0' } });
  await call(s.url, path, { headers: { range: 'bytes=0-9' } });
  const log = await call(s.url, '/api/v1/catalogs/acme/fetches', { token: s.upload });
  assert.equal(log.status, 200);
  const fetches = log.json<{ fetches: { status: number; bytesSent: number; userAgent: string | null; sequence: number; channel: string; sha256: string; complete: boolean }[] }>().fetches;
  assert.deepEqual(fetches.map((f) => f.status), [206, 304, 200]);
  assert.deepEqual(fetches.map((f) => f.bytesSent), [10, 0, full.body.length]);
  assert.equal(fetches[2]?.userAgent, 'Googlebot-Feed/1.0');
  assert.equal(fetches[2]?.channel, 'google-shopping');
  assert.equal(fetches[2]?.sequence, s.gz.manifest.sequence);
  assert.equal(fetches[2]?.sha256, s.gz.manifest.sha256);
  assert.equal(fetches[2]?.complete, true);
  assert.ok(!log.body.toString().includes(s.feed));
  const forbidden = await call(s.url, '/api/v1/catalogs/acme/fetches', { token: s.feed });
  assert.equal(forbidden.status, 403);
});

test('feeds are also served when no versions are kept (the hash of the public file proves the ETag)', async (t) => {
  const ts = await startTestServer(t);
  addCatalog(ts.env, 'acme');
  const feed = new TokenStore(ts.env.db).issue('acme', 'feed').token;
  const pub = await publishText(ts.env, 'acme', 'meta', BODY, { gzip: true, keepVersions: 0 });
  const r = await call(ts.url, `/feeds/acme/${feed}/meta.xml.gz`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.etag, `"${pub.manifest.sha256}"`);
  assert.equal(sha(r.body), pub.manifest.sha256);
});
