/**
 * CSV dialects that real exports use and that once failed a load:
 * - records ending at a lone CR (classic Mac; Excel for Mac's "CSV (Macintosh)"): the sniffer must
 *   find the line end as csv-parse discovers it, and an ingest must stage every record with its line
 *   (the engine's CR records are checked against csv-parse in engine-conformance.test.ts). Such a
 *   file read as one long header line and failed with "no record accepted".
 * - Excel's `sep=;` hint line above the header: it names the delimiter and is not the header. It
 *   was taken for the header and failed with FEEDMILL_PROFILE_MISMATCH.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { excelSepDelimiter, sniffDialect, sniffLineEnd } from '../../../src/ingest/sniff.js';
import { ingestFile } from '../../../src/ingest/index.js';
import { testEnv } from '../../helpers/env.js';
import { stagedRows } from '../../helpers/staging.js';

test('the line end is the first one outside quotes, as csv-parse discovers it', () => {
  assert.equal(sniffLineEnd('a,b\r1,2\r'), '\r');
  assert.equal(sniffLineEnd('a,b\r\n1,2\r\n'), '\r\n');
  assert.equal(sniffLineEnd('a,b\n1,2\r3\n'), '\n');
  assert.equal(sniffLineEnd('"x\ny",b\r1,2\r'), '\r');
  assert.equal(sniffLineEnd('"x\ry",b\n1,2\n'), '\n');
  assert.equal(sniffLineEnd('a,b'), undefined);
  assert.equal(sniffLineEnd('a,b\r'), undefined, 'a CR that ends the sample may start a CR LF');
  assert.deepEqual(sniffDialect('\uFEFFid;title\r1;a\r2;b\r'), { delimiter: ';', quote: '"', lineEnd: 'cr' });
  assert.deepEqual(sniffDialect('id;title\r\n1;a\r\n'), { delimiter: ';', quote: '"' });
  assert.deepEqual(sniffDialect('id|title\r1|a\r', '|'), { delimiter: '|', quote: '"', lineEnd: 'cr' });
});

test('a CR-delimited catalog ingests with every record, reject lines counted in CRs, also when a parallel load is asked for', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const text = [
    'id,title,price,link',
    'M1,"Deux\nlignes",19.99,https://shop.example/m1',
    'M2,"Trois\rlignes\rici",5,https://shop.example/m2',
    'M3,Prix faux,abc,https://shop.example/m3',
    'M4,Pull,7.50,https://shop.example/m4',
    '',
  ].join('\r');
  writeFileSync(env.path('mac.csv'), text);
  for (const parallel of [false, true]) {
    const r = await ingestFile({ config: env.config, db: env.db, catalog: `mac-${parallel}`, source: env.path('mac.csv'), createCatalog: true, parallel });
    assert.equal(r.seen, 4);
    assert.equal(r.accepted, 3);
    assert.deepEqual(r.rejectsByCode, { RECORD_BAD_PRICE: 1 } as never);
    const rows = stagedRows(env, 'SELECT offer_id, title, price FROM offers ORDER BY oid', [], `mac-${parallel}`);
    assert.deepEqual(rows, [
      { offer_id: 'M1', title: 'Deux\nlignes', price: 1999 },
      { offer_id: 'M2', title: 'Trois\rlignes\rici', price: 500 },
      { offer_id: 'M4', title: 'Pull', price: 750 },
    ]);
    assert.deepEqual(stagedRows(env, 'SELECT line, field, code FROM rejects', [], `mac-${parallel}`), [{ line: 6, field: 'price', code: 'RECORD_BAD_PRICE' }]);
  }
});

test('an Excel sep= line names the delimiter', () => {
  assert.equal(excelSepDelimiter('sep=;\nid;title\n'), ';');
  assert.equal(excelSepDelimiter('\uFEFFSEP=|\r\nid|title\r\n'), '|');
  assert.equal(excelSepDelimiter('sep=\t\rid\ttitle\r'), '\t');
  assert.equal(excelSepDelimiter('sep=;x\nid;title\n'), undefined, 'more than the hint on its line: a header');
  assert.equal(excelSepDelimiter('id;sep=;\n'), undefined);
});

test('a catalog under an Excel sep= line loads on one thread and in parallel alike: lines and byte offsets count the hint line', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const rows = Array.from({ length: 400 }, (_, i) => `S${i};Article ${i} crème;${i % 50 === 7 ? 'abc' : `${i + 1},50`};https://shop.example/s${i}`);
  const text = ['sep=;', 'id;title;price;link', ...rows, ''].join('\n');
  writeFileSync(env.path('sep.csv'), text);
  const results = [];
  for (const parallel of [false, { shards: 2, chunkBytes: 2048 }] as const) {
    const catalog = parallel === false ? 'one' : 'two';
    const r = await ingestFile({ config: env.config, db: env.db, catalog, source: env.path('sep.csv'), createCatalog: true, parallel });
    assert.equal(r.seen, 400);
    assert.equal(r.rejected, 8);
    const offers = stagedRows(env, 'SELECT offer_id, title, price, line FROM offers ORDER BY oid', [], catalog) as { offer_id: string; line: number }[];
    assert.deepEqual(offers[0], { offer_id: 'S0', title: 'Article 0 crème', price: 150, line: 3 });
    const rejects = stagedRows(env, 'SELECT line, byte_offset, code, raw FROM rejects ORDER BY line', [], catalog) as { line: number; byte_offset: number }[];
    // The excerpt is the row as written, with its own delimiter (it once was the fields joined by commas).
    assert.deepEqual(rejects[0], { line: 10, byte_offset: Buffer.byteLength(text.slice(0, text.indexOf('S7;'))), code: 'RECORD_BAD_PRICE', raw: 'S7;Article 7 crème;abc;https://shop.example/s7' });
    results.push({ offers, rejects });
  }
  assert.deepEqual(results[1], results[0]);
});
