/**
 * CSV files whose records end at a lone CR (classic Mac; Excel for Mac's "CSV (Macintosh)"): the
 * engine in its CR dialect must agree with csv-parse configured with `record_delimiter: '\r'` (what
 * csv-parse discovers on such a file), the sniffer must find the line end as csv-parse does, and an
 * ingest must stage every record with its line. Before, such a file read as one long header line
 * and failed with "no record accepted".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { CsvEngine } from '../../../src/ingest/csv/engine.js';
import { sniffDialect, sniffLineEnd } from '../../../src/ingest/sniff.js';
import { ingestFile } from '../../../src/ingest/index.js';
import { FeedmillError } from '../../../src/errors.js';
import { testEnv } from '../../helpers/env.js';
import { stagedRows } from '../../helpers/staging.js';

const CR_DIALECT = { delimiter: ',', quote: '"', lineEnd: 'cr' } as const;

function reference(text: string): string[][] {
  return parse(text, { delimiter: ',', relax_quotes: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: '\r' }) as string[][];
}

function engine(text: string, cuts: number[] = []): { fields: string[]; line: number; raw: string }[] {
  const out: { fields: string[]; line: number; raw: string }[] = [];
  const e = new CsvEngine(CR_DIALECT, (fields, line, raw) => out.push({ fields, line, raw }));
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    e.push(text.slice(at, c));
    at = c;
  }
  e.push(text.slice(at));
  e.end();
  return out;
}

const CORPUS: string[] = [
  'a,b,c\r1,2,3\r',
  'a,b\r"x, y",z\r',
  'a,b\r"multi\rline",z\r"x"\r',
  'a,b\r"multi\nline",z\r',
  'a,b\r1\n2,3\r',
  'a,b\r\r\r1,2\r\r',
  'a,b\r1,2',
  'a,b\r"abc"def,2"\r',
  'a,b\r"x"\n,y\r',
  'é,ü\r"ñ\r\nß",ø\r',
];

test('CR records: the hand-written corpus reads as csv-parse reads it', () => {
  for (const text of CORPUS) assert.deepEqual(engine(text).map((r) => r.fields), reference(text), JSON.stringify(text));
});

test('CR records: lines are counted in CRs, raw text keeps its LFs', () => {
  const recs = engine('h1,h2\r"a\rb",c\r\rd\ne,f\r');
  assert.deepEqual(recs.map((r) => r.line), [1, 2, 5]);
  assert.deepEqual(recs.map((r) => r.raw), ['h1,h2', '"a\rb",c', 'd\ne,f']);
});

test('CR records: random well-formed CSV, random chunking: same records as csv-parse', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r', 'é', ';', 'x'), maxLength: 8 });
  const quoteField = (f: string) => (/[",\n\r]/.test(f) || f === '' ? `"${f.replaceAll('"', '""')}"` : f);
  fc.assert(
    fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), (rows, cutSeeds) => {
      const text = `${rows.map((r) => r.map(quoteField).join(',')).join('\r')}\r`;
      assert.deepEqual(
        engine(text, cutSeeds.map((s) => s % (text.length + 1))).map((r) => r.fields),
        reference(text),
      );
    }),
    { numRuns: 400 },
  );
});

test('CR records: random, possibly malformed text: same records as csv-parse, or both fail', () => {
  const text = fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', 'é', ' '), maxLength: 40 });
  fc.assert(
    fc.property(text, fc.array(fc.nat(), { maxLength: 4 }), (t, cutSeeds) => {
      let expected: string[][] | 'error';
      try {
        expected = reference(t);
      } catch {
        expected = 'error';
      }
      let actual: string[][] | 'error';
      try {
        actual = engine(t, cutSeeds.map((s) => s % (t.length + 1))).map((r) => r.fields);
      } catch (e) {
        assert.ok(e instanceof FeedmillError, String(e));
        actual = 'error';
      }
      assert.deepEqual(actual, expected, JSON.stringify(t));
    }),
    { numRuns: 2000 },
  );
});

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
