/**
 * CSV files whose records end at a lone CR (classic Mac; Excel for Mac's "CSV (Macintosh)"): the
 * sniffer must find the line end as csv-parse discovers it, and an ingest must stage every record
 * with its line (the engine's CR records are checked against csv-parse in engine-conformance.test.ts).
 * Before, such a file read as one long header line and failed with "no record accepted".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { sniffDialect, sniffLineEnd } from '../../../src/ingest/sniff.js';
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
