/**
 * A charset declared over HTTP (`Content-Type: text/csv; charset=ISO-8859-2`, by the shop's server
 * or by the uploader) is a hint where the bytes cannot tell: Latin-2 bytes read as Windows-1252
 * turn "Łódź" into "£ód¼" without any error, and a file whose first 64 KiB are ASCII failed as
 * invalid UTF-8 at its first accented letter. A regression shows as mangled Polish text or
 * FEEDMILL_ENCODING_INVALID below; a hint that overrode real UTF-8 would mangle the UTF-8 case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { charsetOf, detectEncoding, singleByteHint } from '../../src/ingest/decode.js';
import { ingestFile, restageIfMissing } from '../../src/ingest/index.js';
import { CatalogRegistry } from '../../src/catalogs/index.js';
import { CatalogVersions } from '../../src/staging/index.js';
import { FeedmillError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { HandlerRegistry, registerStageHandlers, runBot, SqliteTaskStore } from '../../src/tasks/index.js';
import { createStageServices } from '../../src/tasks/stage-services.js';
import { pipelineTaskForUpload } from '../../src/server/upload-task.js';
import { cli } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';
import { stagedRows } from '../helpers/staging.js';

/** "Łódź" and "Żółć" in ISO-8859-2 (the bytes a Polish shop's PHP export writes). */
const LODZ = Buffer.from([0xa3, 0xf3, 0x64, 0xbc]);
const ZOLC = Buffer.from([0xaf, 0xf3, 0xb3, 0xe6]);
const latin2Csv = (asciiLines = 0): Buffer =>
  Buffer.concat([
    Buffer.from('id,title,price,link\n'),
    // ASCII rows first: past the 64 KiB the encoding is sniffed from.
    Buffer.from(Array.from({ length: asciiLines }, (_, i) => `A${i},Plain title ${i},10.00,https://shop.example/a${i}\n`).join('')),
    Buffer.from('PL1,'), LODZ, Buffer.from(' mug,12.50,https://shop.example/pl1\n'),
    Buffer.from('PL2,'), ZOLC, Buffer.from(' lamp,30.00,https://shop.example/pl2\n'),
  ]);
const titles = (env: ReturnType<typeof testEnv>, catalog = 'shop') =>
  (stagedRows(env, "SELECT title FROM offers WHERE offer_id LIKE 'PL%' ORDER BY offer_id", [], catalog) as { title: string }[]).map((r) => r.title);

test('charset parameters as servers write them; only single-byte charsets are hints', () => {
  assert.equal(charsetOf('text/csv; charset=ISO-8859-2'), 'ISO-8859-2');
  assert.equal(charsetOf('text/csv;charset="windows-1250"'), 'windows-1250');
  assert.equal(charsetOf('application/xml'), undefined);
  assert.equal(charsetOf(undefined), undefined);
  assert.equal(singleByteHint('ISO_8859-2'), 'iso-8859-2');
  assert.equal(singleByteHint('latin1'), 'windows-1252');
  // Unicode shows in the bytes; us-ascii is a server default, not a statement; unknown names are ignored.
  for (const name of ['UTF-8', 'utf-16', 'us-ascii', 'klingon', undefined]) assert.equal(singleByteHint(name), undefined, String(name));
});

test('a hint decides only what the bytes cannot: ASCII or non-UTF-8 heads, never a BOM, a declaration or real UTF-8', () => {
  const latin2 = singleByteHint('iso-8859-2');
  assert.equal(detectEncoding(Buffer.from('id,title\nA,plain\n'), undefined, latin2).encoding, 'iso-8859-2');
  assert.equal(detectEncoding(Buffer.concat([Buffer.from('id,title\nA,'), LODZ]), undefined, latin2).encoding, 'iso-8859-2');
  assert.notEqual(detectEncoding(Buffer.concat([Buffer.from('id,title\nA,'), LODZ])).encoding, 'iso-8859-2', 'without a hint: a Western guess');
  assert.equal(detectEncoding(Buffer.from('id,title\nA,Łódź\n'), undefined, latin2).encoding, 'utf-8');
  assert.equal(detectEncoding(Buffer.from('\ufeffid,title\n'), undefined, latin2).encoding, 'utf-8');
  assert.equal(detectEncoding(Buffer.from('<?xml version="1.0" encoding="windows-1250"?><rss/>'), undefined, latin2).encoding, 'windows-1250');
  assert.equal(detectEncoding(Buffer.from('id,title\n'), 'windows-1252', latin2).encoding, 'windows-1252', 'an explicit encoding wins');
});

test('an ASCII head then Latin-2: fails as invalid UTF-8 without a hint, loads right with one, and a rebuild keeps it', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('c.csv'), latin2Csv(2000));
  await assert.rejects(
    ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: env.path('c.csv'), createCatalog: true }),
    (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_ENCODING_INVALID',
  );
  const r = await ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: env.path('c.csv'), encodingHint: 'ISO-8859-2' });
  assert.equal(r.encoding, 'iso-8859-2');
  assert.equal(r.accepted, 2002);
  assert.deepEqual(titles(env), ['Łódź mug', 'Żółć lamp']);
  assert.equal(new CatalogVersions(env.db, env.config).current('shop').loadSettings?.encodingHint, 'iso-8859-2');

  rmSync(env.config.stagingDir, { recursive: true, force: true }); // the reboot
  assert.equal((await restageIfMissing({ config: env.config, db: env.db, catalog: 'shop' }))?.encoding, 'iso-8859-2');
  assert.deepEqual(titles(env), ['Łódź mug', 'Żółć lamp']);
});

/** A shop server: the Latin-2 export with its charset, an ETag, and 304 when the client has it. */
async function shopServer(t: { after(fn: () => unknown): void }, contentType: string) {
  const body = latin2Csv();
  const server = createServer((req, res: ServerResponse) => {
    if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
    else res.writeHead(200, { 'content-type': contentType, etag: '"v1"' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/export/products.csv`;
}

test('feedmill ingest <url>: the Content-Type charset reaches the ingest', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const url = await shopServer(t, 'text/csv; charset=ISO-8859-2');
  const run = await cli(['ingest', url, '--catalog', 'shop', '--json', '--data-dir', env.config.dataDir, '--staging-dir', env.config.stagingDir]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal((JSON.parse(run.stdout) as { encoding: string }).encoding, 'iso-8859-2');
  assert.deepEqual(titles(env), ['Łódź mug', 'Żółć lamp']);
});

test('fetch tasks pass the charset to their ingest, also after a 304; an upload passes its own', async (t) => {
  const env = testEnv();
  const url = await shopServer(t, 'text/csv; charset=iso-8859-2');
  new CatalogRegistry(env.db).add({ name: 'shop', profile: 'auto', channels: ['google-shopping'], currency: 'PLN' });
  const store = new SqliteTaskStore(env.db);
  const services = createStageServices(env.config, env.db, silentLogger);
  const handlers = registerStageHandlers(new HandlerRegistry(), { config: env.config, db: env.db, services });
  const stop = new AbortController();
  const bot = runBot({ store, handlers, botId: 'test-bot', log: silentLogger, pollMs: 10, heartbeatMs: 1000 }, stop.signal);
  t.after(async () => {
    stop.abort();
    await bot;
    env.cleanup();
  });
  const ingests = async () => store.list({ kind: 'ingest' });
  const settle = async (count: number) => {
    for (let i = 0; i < 500; i++) {
      const done = (await ingests()).filter((x) => x.status === 'DONE' || x.status === 'ERROR');
      if (done.length >= count) return done;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the ingest tasks did not finish');
  };

  await store.enqueue({ kind: 'fetch', lane: 'catalog:shop', params: { catalog: 'shop', url, pipeline: {} } });
  const [first] = await settle(1);
  assert.equal(first?.status, 'DONE', JSON.stringify(first?.error));
  assert.equal(first?.params.encodingHint, 'iso-8859-2');
  assert.deepEqual(titles(env), ['Łódź mug', 'Żółć lamp']);

  // Unchanged (304), forced: the ingest reads the kept file with the charset kept from the first fetch.
  await store.enqueue({ kind: 'fetch', lane: 'catalog:shop', params: { catalog: 'shop', url, pipeline: { force: true } } });
  const second = (await settle(2)).find((x) => x.id !== first?.id);
  assert.equal(second?.status, 'DONE', JSON.stringify(second?.error));
  assert.equal(second?.params.encodingHint, 'iso-8859-2');
  assert.deepEqual(titles(env), ['Łódź mug', 'Żółć lamp']);

  // An upload sent with `Content-Type: text/csv; charset=ISO-8859-2`: its pipeline carries the hint.
  writeFileSync(env.path('upload.csv'), latin2Csv());
  const upload = pipelineTaskForUpload('shop', { path: env.path('upload.csv'), fileName: 'upload.csv', bytes: 1, kind: 'csv' }, undefined, 'ISO-8859-2');
  await store.enqueue(upload);
  const third = (await settle(3)).find((x) => x.id !== first?.id && x.id !== second?.id);
  assert.equal(third?.status, 'DONE', JSON.stringify(third?.error));
  assert.equal(third?.params.encodingHint, 'ISO-8859-2');
  assert.equal((third?.result as { encoding?: string } | null)?.encoding, 'iso-8859-2');
});
