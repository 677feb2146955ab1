/**
 * The parallel XML load: records forwarded as text by the ingest thread's parser, parsed again and
 * mapped by two shard threads in small batches, must give exactly the staging of a one-thread load
 * (offers in source order, rejects with lines and paths), and fail the same way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestFile } from '../../src/ingest/index.js';
import { CatalogVersions } from '../../src/staging/index.js';
import { FeedmillError } from '../../src/errors.js';
import { testEnv, type TestEnv } from '../helpers/env.js';
import { OFFERS_SQL, stagedRows } from '../helpers/staging.js';
import { FIXTURES } from './profiles/helpers.js';

/** Small batches and segments of 4 offers (see test/ingest/parallel.test.ts). */
const PARALLEL = { shards: 2, batchRecords: 3, segmentOffers: 4 };

/** ~300 items: CDATA, entities, comments and other elements between items, CRLF, bad and repeated ids. */
function rss(items = 300): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\r\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>\n<title>Shop &amp; Co</title>'];
  for (let i = 0; i < items; i++) {
    if (i % 41 === 5) out.push(`<!-- batch ${i} --><title>between</title>`);
    const id = i % 37 === 20 ? `S${i - 10}` : `S${i}`;
    const price = i % 43 === 7 ? 'abc' : `${i}.5${i % 10} EUR`;
    const idTag = i % 47 === 11 ? '' : `<g:id>${id}</g:id>`;
    out.push(
      `  <item>${idTag}<g:title>Article ${i} &lt;${i}&gt; é</g:title>\r\n` +
        `    <g:description><![CDATA[<p>Desc ${i} & more</p>]]></g:description><g:link>https://s.example/${i}</g:link>` +
        `<g:price>${price}</g:price><g:availability>in stock</g:availability>${i % 13 === 0 ? '<g:shipping><g:price>3 EUR</g:price></g:shipping>' : ''}</item>${i % 5 === 0 ? '\n' : ''}`,
    );
  }
  out.push('</channel></rss>\n');
  return out.join('');
}

async function ingest(env: TestEnv, file: string, parallel: Parameters<typeof ingestFile>[0]['parallel']) {
  return ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: file, createCatalog: true, profile: 'google-feed', parallel });
}


const REJECTS_SQL = 'SELECT line, byte_offset, path, field, code, message, raw FROM rejects ORDER BY line, code';

test('RSS and Atom feeds loaded by two shard threads give the same staging as one thread', async (t) => {
  const one = testEnv();
  const two = testEnv();
  t.after(() => (one.cleanup(), two.cleanup()));
  // The same feed in Windows-1252 (é as 0xE9, € as 0x80), as PHP shops often write: the byte scanner
  // cuts it as it cuts UTF-8, and the shards decode its records in its own encoding.
  const cp1252 = rss().replace('encoding="UTF-8"', 'encoding="windows-1252"').replaceAll(' é</g:title>', ' é 5 €</g:title>');
  const latin9 = rss().replace('encoding="UTF-8"', 'encoding="ISO-8859-15"').replaceAll(' é</g:title>', ' é cœur 5 €</g:title>');
  const sources: [string, string | Buffer | undefined][] = [
    ['generated.xml', rss()],
    ['cp1252.xml', Buffer.from([...cp1252].map((c) => (c === '€' ? 0x80 : c.charCodeAt(0))))],
    // ISO-8859-15, as French shops declare it: € is 0xA4 and œ 0xBD there (¤ and ½ in Windows-1252).
    ['latin9.xml', Buffer.from([...latin9].map((c) => (c === '€' ? 0xa4 : c === 'œ' ? 0xbd : c.charCodeAt(0))))],
    ['rss.xml', undefined],
    ['atom.xml', undefined],
  ];
  for (const [name, text] of sources) {
    for (const env of [one, two]) {
      if (text === undefined) copyFileSync(join(FIXTURES, 'google-feed', name), env.path(name));
      else writeFileSync(env.path(name), text);
    }
    const a = await ingest(one, one.path(name), false);
    const b = await ingest(two, two.path(name), PARALLEL);
    const { seconds: _s1, version: _v1, ...ra } = a;
    const { seconds: _s2, version: _v2, ...rb } = b;
    assert.deepEqual(rb, ra, name);
    assert.deepEqual(stagedRows(two, OFFERS_SQL), stagedRows(one, OFFERS_SQL), name);
    assert.deepEqual(stagedRows(two, REJECTS_SQL), stagedRows(one, REJECTS_SQL), name);
    if (name === 'cp1252.xml') {
      assert.equal(b.encoding, 'windows-1252');
      assert.deepEqual(stagedRows(two, "SELECT title FROM offers WHERE offer_id = 'S1'"), [{ title: 'Article 1 <1> é 5 €' }]);
    }
    if (name === 'latin9.xml') {
      assert.equal(b.encoding, 'iso-8859-15');
      assert.deepEqual(stagedRows(two, "SELECT title FROM offers WHERE offer_id = 'S1'"), [{ title: 'Article 1 <1> é cœur 5 €' }]);
    }
    if (name === 'generated.xml' || name === 'cp1252.xml') {
      assert.ok(a.rejected > 10 && a.rejectsByCode.RECORD_DUPLICATE_ID !== undefined, 'rejects and duplicates');
      const top = (stagedRows(two, 'SELECT max(oid) AS top FROM offers')[0] as { top: number }).top;
      assert.ok(top > 1_000_000, 'the parallel load spaced its batches');
    }
  }
});

test('malformed XML fails a parallel load with the error of a one-thread load, and the previous version stays', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('good.xml'), rss(20));
  assert.equal((await ingest(env, env.path('good.xml'), PARALLEL)).version, 1);
  const doc = rss(200);
  const cases: [string, Buffer][] = [
    ['inside a record', Buffer.from(doc.replace('<g:title>Article 150 ', '<g:title>Article 150 <b>'))],
    ['mismatched record end', Buffer.from(doc.replace('<g:link>https://s.example/120</g:link>', '<g:link>https://s.example/120</g:lnk>'))],
    ['outside records', Buffer.from(doc.replace('<title>between</title>', '<title>between</titel>'))],
    ['an item never closed', Buffer.from(doc.replace(/<\/channel><\/rss>\n$/, '<item><g:id>X</g:id>\n'))],
    ['a DOCTYPE', Buffer.from(doc.replace('<rss ', '<!DOCTYPE rss [<!ENTITY x "y">]>\n<rss '))],
    ['bad UTF-8 in a record', Buffer.concat([Buffer.from(doc.slice(0, doc.indexOf('Article 170'))), Buffer.from([0xc3, 0x28]), Buffer.from(doc.slice(doc.indexOf('Article 170')))])],
    ['an HTML entity in a record', Buffer.from(doc.replace('<g:title>Article 150 ', '<g:title>Article&nbsp;150 '))],
    ['an ampersand in a record', Buffer.from(doc.replace('Desc 99 & more', 'Desc 99 & more').replace('<g:link>https://s.example/99<', '<g:link>https://s.example/99?a=1&b=2<'))],
  ];
  for (const [name, bytes] of cases) {
    writeFileSync(env.path('bad.xml'), bytes);
    const errors: unknown[] = [];
    for (const mode of [false, PARALLEL] as const) errors.push(await ingest(env, env.path('bad.xml'), mode).then(() => undefined, (e: unknown) => e));
    const [sequential, parallel] = errors as FeedmillError[];
    assert.ok(sequential instanceof FeedmillError, `${name}: the one-thread load fails`);
    assert.ok(parallel instanceof FeedmillError, `${name}: the parallel load fails`);
    assert.equal(parallel.code, sequential.code, name);
    assert.deepEqual(parallel.details, sequential.details, name);
    assert.equal(parallel.message, sequential.message, name);
  }
  const current = new CatalogVersions(env.db, env.config).current('shop');
  assert.equal(current.version, 1);
  assert.deepEqual(readdirSync(current.stagingPath.replace(/\/[^/]+$/, '')), ['v1.sqlite']);
});
