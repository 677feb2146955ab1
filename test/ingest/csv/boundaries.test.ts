/**
 * CsvBoundaryScanner must cut exactly where CsvEngine ends records: chunks cut at its boundaries and
 * parsed by separate engines give the records of one parse of the whole text. The oracle for the
 * boundaries is the engine itself (record byte offsets and raw lengths), not a second state machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CsvBoundaryScanner } from '../../../src/ingest/csv/boundaries.js';
import { CsvEngine, type CsvDialect } from '../../../src/ingest/csv/engine.js';
import { FeedmillError } from '../../../src/errors.js';

interface Rec {
  fields: string[];
  line: number;
}

interface Parsed {
  records: Rec[];
  /** Byte ranges [start, end) of each record's raw text. */
  spans: [number, number][];
  /** Set when the parse failed: its code and the byte offset of the failing record. */
  error?: { code: string; byteOffset: number };
}

function parseBytes(bytes: Buffer, dialect: CsvDialect, lineBase = 0): Parsed {
  const out: Parsed = { records: [], spans: [] };
  const e: CsvEngine = new CsvEngine(dialect, (fields, line, raw) => {
    out.records.push({ fields, line: line + lineBase });
    const at = e.recordByteOffset();
    out.spans.push([at, at + Buffer.byteLength(raw)]);
  });
  try {
    e.push(bytes.toString('utf8'));
    e.end();
  } catch (err) {
    assert.ok(err instanceof FeedmillError, String(err));
    out.error = { code: err.code, byteOffset: err.details.byteOffset as number };
  }
  return out;
}

/**
 * Offsets just past every LF where the engine ends a record or skips an empty line: the LFs outside
 * every record's raw text (which holds the LFs of its quoted fields), and before a failing record.
 */
function engineCuts(bytes: Buffer, parsed: Parsed): number[] {
  const cuts: number[] = [];
  let s = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) {
    if (parsed.error !== undefined && i >= parsed.error.byteOffset) break;
    while (s < parsed.spans.length && (parsed.spans[s] as [number, number])[1] <= i) s++;
    const span = parsed.spans[s];
    if (span === undefined || i < span[0]) cuts.push(i + 1);
  }
  return cuts;
}

function countLf(bytes: Buffer, end: number): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i !== -1 && i < end; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/** Scans `bytes` in the pieces ending at `ends`, each call given a buffer that may start before the piece. */
function scanPieces(scanner: CsvBoundaryScanner, bytes: Buffer, ends: number[], lookbacks: number[] = []): { end: number; cut: number }[] {
  const results: { end: number; cut: number }[] = [];
  let pos = 0;
  ends.forEach((end, n) => {
    const bufStart = Math.max(0, pos - (lookbacks[n] ?? 0));
    const r = scanner.scan(bytes.subarray(bufStart, end), pos - bufStart);
    results.push({ end, cut: r === -1 ? -1 : bufStart + r });
    pos = end;
  });
  return results;
}

/** Every offset the scanner returns when fed one byte at a time, i.e. all the boundaries. */
function allCuts(text: string, dialect: CsvDialect): number[] {
  const bytes = Buffer.from(text);
  const s = new CsvBoundaryScanner(dialect);
  const ends = Array.from({ length: bytes.length }, (_, i) => i + 1);
  return scanPieces(s, bytes, ends).filter((r) => r.cut !== -1).map((r) => r.cut);
}

const COMMA: CsvDialect = { delimiter: ',', quote: '"' };

test('a quoted field spanning lines holds no boundary', () => {
  const text = 'a,b\n"x\ny",z\nq\n';
  assert.deepEqual(allCuts(text, COMMA), [4, 12, 14]);
  const s = new CsvBoundaryScanner(COMMA);
  const bytes = Buffer.from(text);
  assert.equal(s.scan(bytes.subarray(0, 7)), 4); // up to the LF inside the quotes
  assert.equal(s.inQuotes, true);
  assert.equal(s.scan(bytes, 7), 14);
  assert.equal(s.inQuotes, false);
});

test('an escaped quote cut by the buffer end is decided by the next buffer', () => {
  const bytes = Buffer.from('"a""\nb"\nc\n');
  const s = new CsvBoundaryScanner(COMMA);
  assert.equal(s.scan(bytes.subarray(0, 3)), -1); // `"a"`: a close or half of `""`?
  assert.equal(s.inQuotes, false); // at EOF it would close the field, as the engine does
  assert.equal(s.scan(bytes.subarray(3, 6)), -1); // `""`: the LF is content
  assert.equal(s.inQuotes, true);
  assert.equal(s.scan(bytes.subarray(6)), 4); // i.e. 10, past `c\n`
  assert.deepEqual(allCuts('"a""\nb"\nc\n', COMMA), [8, 10]);
  // The same first buffer, then a close: the LF after it ends the record.
  const t = new CsvBoundaryScanner(COMMA);
  assert.equal(t.scan(Buffer.from('"a"')), -1);
  assert.equal(t.scan(Buffer.from('\nb\n')), 3);
  assert.equal(t.inQuotes, false);
});

test('a quote inside an unquoted field is literal', () => {
  assert.deepEqual(allCuts('a,5" screen\nb,"c\nd"\n', COMMA), [12, 20]);
  assert.deepEqual(allCuts('x"y,z""\n"w\n"\n', COMMA), [8, 13]);
});

test('a quoted part followed by text goes on unquoted (relax_quotes)', () => {
  assert.deepEqual(allCuts('"abc"def,x\ny\n', COMMA), [11, 13]);
  assert.deepEqual(allCuts('"a\nbc"de"f\ny\n', COMMA), [11, 13]); // the third quote is literal
  assert.deepEqual(allCuts('"abc"\rx\n"\n"\n', COMMA), [8, 12]);
});

test('CRLF line ends', () => {
  assert.deepEqual(allCuts('"a"\r\nb\r\n\r\n"c\r\nd"\r\n', COMMA), [5, 8, 10, 18]);
});

test('quoting disabled: every LF is a boundary', () => {
  const dialect = { delimiter: '\t', quote: null };
  assert.deepEqual(allCuts('"a\nb"\t"\n\nc', dialect), [3, 8, 9]);
  const s = new CsvBoundaryScanner(dialect);
  assert.equal(s.scan(Buffer.from('x\n"y\nz'), 2), 5);
  assert.equal(s.scan(Buffer.from('x\n"y\nz'), 6), -1);
  assert.equal(s.inQuotes, false);
});

test('an unclosed quote at EOF leaves the scanner in quotes', () => {
  const s = new CsvBoundaryScanner(COMMA);
  assert.equal(s.scan(Buffer.from('a,b\n1,"never\nclosed\n')), 4);
  assert.equal(s.inQuotes, true);
  const t = new CsvBoundaryScanner(COMMA);
  t.scan(Buffer.from('a\n"ab""'));
  assert.equal(t.inQuotes, true);
});

test('a BOM is skipped by starting the first scan past it', () => {
  const bytes = Buffer.from('\uFEFF"a\nb",c\nd\n');
  assert.equal(new CsvBoundaryScanner(COMMA).scan(bytes, 3), bytes.length);
  const s = new CsvBoundaryScanner(COMMA);
  assert.equal(s.scan(bytes.subarray(0, 6), 3), -1); // the LF inside the quotes
  assert.equal(s.scan(bytes.subarray(6)), bytes.length - 6);
  // Scanned as bytes of the first field, the BOM would make the quote literal and the LF a cut.
  const wrong = new CsvBoundaryScanner(COMMA);
  assert.equal(wrong.scan(bytes.subarray(0, 6)), 6);
});

test('no boundary is ever returned inside quotes, on a larger file scanned in small buffers', () => {
  const rows = ['sku,title,desc'];
  for (let i = 0; i < 500; i++) {
    rows.push(i % 3 === 0 ? `${i},"t ""${i}""","line one\r\nline two, é"` : i % 3 === 1 ? `${i},5" screen,x` : `${i},"a\n\nb"z,"c"`);
    if (i % 50 === 0) rows.push('');
  }
  const text = rows.join('\n') + '\n';
  const bytes = Buffer.from(text);
  const expected = engineCuts(bytes, parseBytes(bytes, COMMA));
  for (const step of [1, 7, 64, 4096]) {
    const ends: number[] = [];
    for (let e = step; e < bytes.length + step; e += step) ends.push(Math.min(e, bytes.length));
    const s = new CsvBoundaryScanner(COMMA);
    let pos = 0;
    for (const { end, cut } of scanPieces(s, bytes, ends)) {
      assert.equal(cut, expected.filter((c) => c > pos && c <= end).at(-1) ?? -1, `step ${step}, piece ${pos}..${end}`);
      pos = end;
    }
    assert.equal(s.inQuotes, false);
  }
  assert.ok(expected.length > 500 && expected.length < text.split('\n').length - 1, 'some LFs are inside quotes');
});

test('dialects the byte scan cannot mirror are refused, and so is a bad from', () => {
  for (const dialect of [
    { delimiter: '§', quote: '"' },
    { delimiter: '\n', quote: '"' },
    { delimiter: ',', quote: '\r' },
    { delimiter: ',,', quote: '"' },
    { delimiter: '"', quote: '"' },
  ]) {
    assert.throws(() => new CsvBoundaryScanner(dialect), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_INTERNAL', JSON.stringify(dialect));
  }
  const s = new CsvBoundaryScanner(COMMA);
  assert.throws(() => s.scan(Buffer.from('ab'), 3), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_INTERNAL');
  assert.equal(s.scan(Buffer.from('ab'), 2), -1);
});

test('random text, random buffers: cuts are the engine record ends, chunks parse to the same records', () => {
  const unit = fc.constantFrom('a', 'é', ',', ';', '"', '""', '\n', '\r\n', '\r', '\n\n', '\r\n\r\n');
  fc.assert(
    fc.property(
      fc.string({ unit, maxLength: 60 }),
      fc.constantFrom(',', ';'),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 10 }),
      fc.array(fc.nat({ max: 12 }), { maxLength: 12 }),
      fc.nat(),
      (text, delimiter, quoted, endSeeds, lookbacks, chunkMask) => {
        const dialect: CsvDialect = { delimiter, quote: quoted ? '"' : null };
        const bytes = Buffer.from(text);
        const whole = parseBytes(bytes, dialect);
        const expected = engineCuts(bytes, whole);

        // 1. The scanner, fed in random pieces, returns the last engine boundary of each piece.
        const ends = [...new Set([...endSeeds.map((s) => s % (bytes.length + 1)), bytes.length])].sort((a, b) => a - b);
        const scanner = new CsvBoundaryScanner(dialect);
        let pos = 0;
        const returned: number[] = [];
        for (const { end, cut } of scanPieces(scanner, bytes, ends, lookbacks)) {
          const inPiece = expected.filter((c) => c > pos && c <= end);
          assert.equal(cut, inPiece.at(-1) ?? -1, `piece ${pos}..${end} of ${JSON.stringify(text)}`);
          if (cut !== -1) returned.push(cut);
          pos = end;
        }
        assert.equal(scanner.inQuotes, whole.error !== undefined, JSON.stringify(text));

        // 2. Chunks cut at some of the returned boundaries parse, each on its own, to the same records.
        const cuts = returned.filter((_, i) => ((chunkMask >>> i % 31) & 1) === 1);
        const records: Rec[] = [];
        let error: string | undefined;
        let at = 0;
        for (const end of [...cuts, bytes.length]) {
          const chunk = bytes.subarray(at, end);
          const part = parseBytes(chunk, dialect, countLf(bytes, at));
          records.push(...part.records);
          if (part.error !== undefined) {
            error = part.error.code;
            break;
          }
          at = end;
        }
        if (whole.error !== undefined) {
          assert.equal(error, whole.error.code, JSON.stringify(text));
          assert.deepEqual(records, whole.records, JSON.stringify(text)); // the records before the failing one
        } else {
          assert.equal(error, undefined, JSON.stringify(text));
          assert.deepEqual(records, whole.records, JSON.stringify(text));
        }
      },
    ),
    { numRuns: 300 },
  );
});

/** The text's UTF-16 code units as the scanner reads them (a Uint16Array over bytes in that order). */
function utf16Units(text: string, encoding: 'utf-16le' | 'utf-16be'): Uint16Array {
  const bytes = Buffer.from(text, 'utf16le');
  if (encoding === 'utf-16be') bytes.swap16();
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

test('UTF-16, either byte order: the unit scan cuts where the byte scan cuts the same text in UTF-8', () => {
  // Characters whose UTF-16 units hold the bytes of LF, quote or comma (U+0A0A, U+220A, U+2C22, U+010A)
  // and a surrogate pair: none of them may be taken for one.
  const unit = fc.constantFrom('a', 'é', '\u0a0a', '\u220a', '\u2c22', '\u010a', '\u{1F600}', ',', '"', '""', '\n', '\r\n', '\n\n');
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 60 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom('utf-16le', 'utf-16be'), (text, quoted, endSeeds, encoding) => {
      const dialect: CsvDialect = { delimiter: ',', quote: quoted ? '"' : null };
      const bytes = Buffer.from(text);
      // Engine cuts in UTF-8 bytes, as code-unit offsets of the same text.
      const expected = engineCuts(bytes, parseBytes(bytes, dialect)).map((b) => bytes.subarray(0, b).toString('utf8').length);
      const units = utf16Units(text, encoding);
      const ends = [...new Set([...endSeeds.map((s) => s % (units.length + 1)), units.length])].sort((a, b) => a - b);
      const scanner = new CsvBoundaryScanner(dialect, encoding);
      let pos = 0;
      for (const end of ends) {
        const cut = scanner.scan(units.subarray(0, end), pos);
        assert.equal(cut, expected.filter((c) => c > pos && c <= end).at(-1) ?? -1, `${encoding} piece ${pos}..${end} of ${JSON.stringify(text)}`);
        pos = end;
      }
    }),
    { numRuns: 300 },
  );
});
