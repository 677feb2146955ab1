// Regression: a value that the escaping layer lets through unescaped (`AT&T` as `&T`, a raw `<`,
// a control character) makes the whole feed malformed and the marketplace drops every item.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import sax from 'sax';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  escapeXmlText,
  escapeXmlAttr,
  removeXmlForbidden,
  csvQuoter,
  escapeCsvField,
  escapeTsvField,
} from '../../src/emit/index.js';

/** Any UTF-16 string, lone surrogates and XML-forbidden controls included, biased toward specials. */
const nasty = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('&', '<', '>', '"', "'", '\r', '\n', '\t', '\r\n', ',', ';', '|', ' ', '&amp;', ']]>', '\u0000', '\u0001', '\u000b', '\ufffe', '\uffff', '\ud800', '\udc00', '😀', 'é', '\u00a0') },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 2 }) },
  ),
  maxLength: 40,
});

/** What a UTF-8 file makes of a string: lone surrogates cannot be encoded and read back as U+FFFD. */
const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8');

function parseXml(doc: string): { text: string; attr: string | undefined } {
  const parser = sax.parser(true);
  let text = '';
  let attr: string | undefined;
  parser.onopentag = (tag) => {
    if (tag.name === 'v') attr = tag.attributes.a as string;
  };
  parser.ontext = (t) => {
    text += t;
  };
  parser.write(doc).close();
  return { text, attr };
}

test('XML text and attribute escaping round-trip through sax, forbidden characters removed', () => {
  fc.assert(
    fc.property(nasty, (s) => {
      const doc = `<?xml version="1.0"?><v a="${escapeXmlAttr(s)}">${escapeXmlText(s)}</v>`;
      const back = parseXml(doc);
      const expected = removeXmlForbidden(s);
      assert.equal(back.text, expected);
      assert.equal(back.attr, expected);
    }),
    { numRuns: 2000 },
  );
});

/** The escaping as a plain char-by-char loop: the slow path must give exactly these bytes. */
function referenceEscape(s: string, attr: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x26) out += '&amp;';
    else if (c === 0x3c) out += '&lt;';
    else if (c === 0x3e) out += '&gt;';
    else if (c === 0x22) out += '&quot;';
    else if (c === 0x0d) out += '&#13;';
    else if (attr && c === 0x09) out += '&#9;';
    else if (attr && c === 0x0a) out += '&#10;';
    else if (c >= 0xd800 && c <= 0xdbff && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += s.slice(i, i + 2);
      i++;
    } else if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) continue;
    else out += s.charAt(i);
  }
  return out;
}

test('XML escaping gives exactly what a char-by-char reading gives', () => {
  fc.assert(
    fc.property(fc.oneof(nasty, fc.string({ unit: 'binary', maxLength: 600 }), fc.tuple(fc.string({ maxLength: 300 }), nasty).map(([a, b]) => a + b + a)), (s) => {
      assert.equal(escapeXmlText(s), referenceEscape(s, false));
      assert.equal(escapeXmlAttr(s), referenceEscape(s, true));
    }),
    { numRuns: 3000 },
  );
  assert.equal(escapeXmlText('\ud83d\ude00&\ud83d\ude00\ud800'), '\ud83d\ude00&amp;\ud83d\ude00');
});

test('entity-like text is escaped, not trusted', () => {
  assert.equal(escapeXmlText('AT&amp;T'), 'AT&amp;amp;T');
  assert.equal(parseXml(`<v>${escapeXmlText('AT&amp;T')}</v>`).text, 'AT&amp;T');
  assert.equal(escapeXmlText('AT&T <b>'), 'AT&amp;T &lt;b&gt;');
  assert.equal(escapeXmlText(']]>'), ']]&gt;');
});

test('the fast path returns the very same string when nothing needs escaping', () => {
  const s = 'Plain title 123, with accents é and emoji-free';
  assert.equal(escapeXmlText(s), s);
  assert.equal(escapeCsvField(s.replace(',', '')), s.replace(',', ''));
});

test('XML-forbidden characters are removed, valid surrogate pairs kept', () => {
  assert.equal(removeXmlForbidden('a\u0000b\u0008c\u000bd\u001fe\ufffef\uffff'), 'abcdef');
  assert.equal(removeXmlForbidden('x\ud800y\udc00z'), 'xyz');
  assert.equal(removeXmlForbidden('ok 😀\t\n\r'), 'ok 😀\t\n\r');
  assert.equal(escapeXmlText('a\u0001&'), 'a&amp;');
});

for (const delimiter of [',', ';', '|', '\t']) {
  test(`CSV quoting round-trips through csv-parse (delimiter ${JSON.stringify(delimiter)})`, () => {
    const quote = csvQuoter(delimiter);
    fc.assert(
      fc.property(fc.array(nasty, { minLength: 1, maxLength: 5 }), (row) => {
        const line = `${row.map(quote).join(delimiter)}\n`;
        const records = parseCsv(line, { delimiter, relax_column_count: false, skip_empty_lines: false }) as string[][];
        // A single empty field is an empty line, which csv-parse reads as no record.
        if (row.length === 1 && row[0] === '') return;
        assert.deepEqual(records, [row.map(utf8)]);
      }),
      { numRuns: 1000 },
    );
  });
}

test('TSV fields never hold a tab or line break; everything else passes unchanged', () => {
  fc.assert(
    fc.property(fc.array(nasty, { minLength: 2, maxLength: 5 }), (row) => {
      const line = `${row.map(escapeTsvField).join('\t')}\n`;
      const records = parseCsv(line, { delimiter: '\t', quote: false, record_delimiter: '\n' }) as string[][];
      assert.deepEqual(records, [row.map((v) => utf8(v.replace(/\r\n|[\t\r\n]/g, ' ')))]);
    }),
    { numRuns: 1000 },
  );
  assert.equal(escapeTsvField('a\tb\r\nc\nd'), 'a b c d');
});
