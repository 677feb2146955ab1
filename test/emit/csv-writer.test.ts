// Regression: a row writer that forgets to quote a delimiter or a line break shifts every later
// column of the row (or starts a phantom row); these tests parse what the writer wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse as parseCsv } from 'csv-parse/sync';
import { compileCsvRow, csvHeaderLine } from '../../src/emit/index.js';

const value = fc.string({
  unit: fc.oneof(fc.constantFrom(',', ';', '|', '\t', '"', '\n', '\r', '\r\n', ' ', "'"), fc.string({ unit: 'grapheme', maxLength: 2 })),
  maxLength: 20,
});
const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8');

for (const delimiter of [',', ';', '|', '\t']) {
  test(`rfc4180 rows round-trip through csv-parse (delimiter ${JSON.stringify(delimiter)})`, () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.option(value), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 4 }), (rows) => {
        const write = compileCsvRow(3, delimiter, 'rfc4180');
        const text = csvHeaderLine(['a', 'b', 'c'], delimiter, 'rfc4180') + rows.map((r) => write(r.map((v) => v ?? undefined))).join('');
        const records = parseCsv(text, { delimiter, columns: true }) as Record<string, string>[];
        assert.deepEqual(
          records,
          rows.map((r) => ({ a: utf8(r[0] ?? ''), b: utf8(r[1] ?? ''), c: utf8(r[2] ?? '') })),
        );
      }),
      { numRuns: 500 },
    );
  });
}

test('unquoted TSV: one line per row whatever the values hold; tabs and line breaks become spaces', () => {
  fc.assert(
    fc.property(fc.array(fc.array(value, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 4 }), (rows) => {
      const write = compileCsvRow(2, '\t', 'none');
      const text = rows.map((r) => write(r)).join('');
      assert.equal(text.split('\n').length, rows.length + 1);
      const records = parseCsv(text, { delimiter: '\t', quote: false, record_delimiter: '\n' }) as string[][];
      assert.deepEqual(records, rows.map((r) => r.map((v) => utf8(v.replace(/\r\n|[\t\r\n]/g, ' ')))));
    }),
    { numRuns: 500 },
  );
});

test('empty and missing values are empty fields; rows end with LF', () => {
  assert.equal(compileCsvRow(3, ',', 'rfc4180')(['x', undefined, '']), 'x,,\n');
  assert.equal(compileCsvRow(2, ';', 'rfc4180')(['a;b', 'say "hi"']), '"a;b";"say ""hi"""\n');
});
