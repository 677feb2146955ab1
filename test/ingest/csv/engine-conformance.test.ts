/**
 * Conformance: the fast CSV engine must agree with csv-parse (the reference) configured with
 * relax_quotes, relax_column_count and skip_empty_lines, on a hand-written corpus and on random
 * inputs cut into random chunks. A regression shows as a field or line number differing from csv-parse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { CsvEngine } from '../../../src/ingest/csv/engine.js';
import { FeedmillError } from '../../../src/errors.js';

/** LF records (LF or CR LF ends them), or CR records (classic Mac: a lone CR ends them, LF is content). */
type LineEnd = 'lf' | 'cr';

function reference(text: string, delimiter: string, lineEnd: LineEnd = 'lf'): { fields: string[]; line: number }[] {
  const rows = parse(text, {
    delimiter,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    // What csv-parse discovers from the first line end; the engine's dialect says it up front.
    record_delimiter: lineEnd === 'cr' ? ['\r'] : ['\n', '\r\n'],
  }) as unknown as { record: string[]; info: { lines: number } }[];
  return rows.map((r) => ({ fields: r.record, line: 0 }));
}

function engine(text: string, delimiter: string, cuts: number[] = [], lineEnd: LineEnd = 'lf'): { fields: string[]; line: number; raw: string }[] {
  const out: { fields: string[]; line: number; raw: string }[] = [];
  const dialect = { delimiter, quote: '"', ...(lineEnd === 'cr' ? { lineEnd: 'cr' as const } : {}) };
  const e = new CsvEngine(dialect, (fields, line, raw) => out.push({ fields, line, raw }));
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
  'a,b,c\n1,2,3\n',
  'a,b,c\r\n1,2,3\r\n',
  'a,b\n"x, y",z\n',
  'a,b\n"multi\nline",z\n"x"\n',
  'a,b\n"he said ""hi""",2\n',
  'a,b\n5" screen,2\n',
  'a,b\n"abc"def,2"\n',
  'a,b\n\n\n1,2\n\n',
  'a,b\n1,2',
  'a,b\n1,',
  'a,b\n"",""\n',
  'é,ü\n"ñ\r\nß",ø\n',
  'a;b;c\n1;"2;3";4\n',
  'only\n',
  'a,b\n"x"\r\n"y",\n',
];

test('hand-written corpus: same records as csv-parse', () => {
  for (const text of CORPUS) {
    const delimiter = text.includes(';') ? ';' : ',';
    assert.deepEqual(
      engine(text, delimiter).map((r) => r.fields),
      reference(text, delimiter).map((r) => r.fields),
      JSON.stringify(text),
    );
  }
});

test('records report the line where they start', () => {
  const recs = engine('h1,h2\n"a\nb",c\n\nd,e\n"x""\ny",z\n', ',');
  assert.deepEqual(
    recs.map((r) => r.line),
    [1, 2, 5, 6],
  );
});

/** Classic Mac files: records end at a lone CR, LF is content (csv-parse with record_delimiter '\r'). */
const CR_CORPUS: string[] = [
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

test('CR records: the hand-written corpus reads as csv-parse reads it; lines count CRs, raw text keeps its LFs', () => {
  for (const text of CR_CORPUS) assert.deepEqual(engine(text, ',', [], 'cr').map((r) => r.fields), reference(text, ',', 'cr').map((r) => r.fields), JSON.stringify(text));
  const recs = engine('h1,h2\r"a\rb",c\r\rd\ne,f\r', ',', [], 'cr');
  assert.deepEqual(recs.map((r) => r.line), [1, 2, 5]);
  assert.deepEqual(recs.map((r) => r.raw), ['h1,h2', '"a\rb",c', 'd\ne,f']);
});

for (const lineEnd of ['lf', 'cr'] as const) {
  test(`random well-formed CSV, random chunking: same records as csv-parse (${lineEnd} records)`, () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r\n', '\r', 'é', ';', '\t', 'x'), maxLength: 8 });
    const quoteField = (f: string) => (/[",\n\r]/.test(f) || f === '' ? `"${f.replaceAll('"', '""')}"` : f);
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
        lineEnd === 'cr' ? fc.constant('\r') : fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(), { maxLength: 6 }),
        (rows, eol, cutSeeds) => {
          const text = rows.map((r) => r.map(quoteField).join(',')).join(eol) + eol;
          const cuts = cutSeeds.map((s) => s % (text.length + 1));
          assert.deepEqual(
            engine(text, ',', cuts, lineEnd).map((r) => r.fields),
            reference(text, ',', lineEnd).map((r) => r.fields),
          );
        },
      ),
      { numRuns: 400 },
    );
  });
}

test('a Ctrl-Z ending the input (the DOS end-of-file mark) is dropped; anywhere else it is data, as in csv-parse', () => {
  assert.deepEqual(engine('a,b\r\n1,2\r\n\u001a', ',').map((r) => r.fields), [['a', 'b'], ['1', '2']]);
  assert.deepEqual(engine('a,b\n1,2\u001a', ',', [7]).map((r) => r.fields), [['a', 'b'], ['1', '2']]);
  assert.deepEqual(engine('a,b\r1,"2"\r\u001a', ',', [], 'cr').map((r) => r.fields), [['a', 'b'], ['1', '2']]);
  const inside = 'a,b\n\u001a\n1,x\u001ay\n';
  assert.deepEqual(engine(inside, ',').map((r) => r.fields), reference(inside, ',').map((r) => r.fields));
});

test('an unclosed quote fails with the line where the field opened', () => {
  assert.throws(
    () => engine('a,b\n1,2\n3,"never closed\nmore\n', ','),
    (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_CSV_UNCLOSED_QUOTE' && e.details.line === 3,
  );
  assert.throws(() => parse('a,b\n1,2\n3,"never closed\nmore\n', { relax_quotes: true, relax_column_count: true }), /Quote Not Closed/i);
});

test('a runaway record is bounded', () => {
  const e = new CsvEngine({ delimiter: ',', quote: '"' }, () => {}, { maxRecordChars: 1000 });
  e.push('a,b\n"');
  assert.throws(
    () => e.push('x'.repeat(2000)),
    (err: unknown) => err instanceof FeedmillError && err.code === 'FEEDMILL_CSV_UNCLOSED_QUOTE' && err.details.line === 2,
  );
});

test('byte offsets count UTF-8 bytes of the decoded stream', () => {
  const text = 'h\né1\n"x\ny"\nz\n';
  const recs: number[] = [];
  const e: CsvEngine = new CsvEngine({ delimiter: ',', quote: '"' }, () => recs.push(e.recordByteOffset()));
  e.push(text);
  e.end();
  const buf = Buffer.from(text);
  assert.deepEqual(recs, [0, 2, buf.indexOf('"x'), buf.indexOf('z')]);
});

for (const lineEnd of ['lf', 'cr'] as const) {
  test(`random, possibly malformed text: same records or both fail (${lineEnd} records)`, () => {
    const units = lineEnd === 'cr' ? ['a', ',', '"', '\r', '\n', 'é', ' '] : ['a', ',', '"', '\n', '\r\n', 'é', ' '];
    const text = fc.string({ unit: fc.constantFrom(...units), maxLength: 40 });
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 4 }), (t, cutSeeds) => {
        let expected: string[][] | 'error';
        try {
          expected = reference(t, ',', lineEnd).map((r) => r.fields);
        } catch {
          expected = 'error';
        }
        let actual: string[][] | 'error';
        try {
          actual = engine(t, ',', cutSeeds.map((s) => s % (t.length + 1)), lineEnd).map((r) => r.fields);
        } catch (e) {
          assert.ok(e instanceof FeedmillError, String(e));
          actual = 'error';
        }
        assert.deepEqual(actual, expected, JSON.stringify(t));
      }),
      { numRuns: 2000 },
    );
  });
}

test('byte offsets are the same whether the caller gives each chunk\'s UTF-8 length or the engine measures it', () => {
  const text = fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r\n', 'é', '😀', ' '), maxLength: 60 });
  fc.assert(
    fc.property(text, fc.array(fc.nat(), { maxLength: 5 }), (t, cutSeeds) => {
      const offsets = (chunks: readonly string[], given: boolean): number[] | 'error' => {
        const out: number[] = [];
        const e: CsvEngine = new CsvEngine({ delimiter: ',', quote: '"' }, () => out.push(e.recordByteOffset()), { firstByte: 7 });
        try {
          for (const c of chunks) e.push(c, given ? Buffer.byteLength(c) : undefined);
          e.end();
        } catch {
          return 'error';
        }
        return out;
      };
      const cuts = [...new Set(cutSeeds.map((s) => s % (t.length + 1)))].sort((a, b) => a - b);
      // Cut between code units only where a character does not straddle: a decoder never splits one.
      const safe = cuts.filter((c) => !(t.charCodeAt(c - 1) >= 0xd800 && t.charCodeAt(c - 1) <= 0xdbff));
      const chunks = [0, ...safe].map((c, i) => t.slice(c, [...safe, t.length][i]));
      assert.deepEqual(offsets(chunks, true), offsets([t], false), JSON.stringify(chunks));
    }),
    { numRuns: 2000 },
  );
});

test('byte offsets asked for only now and then are the same as when asked for every record', () => {
  const text = 'h,x\n' + Array.from({ length: 300 }, (_, i) => `${i},"é ${'ü'.repeat(i % 7)}\nz"\n`).join('');
  const every: number[] = [];
  const e1: CsvEngine = new CsvEngine({ delimiter: ',', quote: '"' }, () => every.push(e1.recordByteOffset()));
  for (let i = 0; i < text.length; i += 97) e1.push(text.slice(i, i + 97));
  e1.end();
  const sparse: [number, number][] = [];
  let n = 0;
  const e2: CsvEngine = new CsvEngine({ delimiter: ',', quote: '"' }, () => {
    if (n % 37 === 0) sparse.push([n, e2.recordByteOffset()]);
    n++;
  });
  for (let i = 0; i < text.length; i += 61) e2.push(text.slice(i, i + 61));
  e2.end();
  for (const [i, off] of sparse) assert.equal(off, every[i]);
  assert.equal(every[every.length - 1], Buffer.byteLength(text.slice(0, text.lastIndexOf('299,"'))));
});
