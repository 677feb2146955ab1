/**
 * The streaming decoder: any chunking of valid text decodes to the same string; invalid UTF-8 fails
 * with the offset of the first bad byte. A regression shows as a character broken at a chunk edge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeInPieces, DECODE_PIECE, DECODE_TARGET, detectEncoding, normalizeEncoding, StreamDecoder, firstInvalidUtf8 } from '../../src/ingest/decode.js';
import { FeedmillError } from '../../src/errors.js';

function decodeChunked(bytes: Buffer, cuts: number[]): string {
  const d = new StreamDecoder(detectEncoding(bytes));
  let out = '';
  let at = 0;
  const piece = (b: Buffer): string => {
    const text = d.decode(b);
    // When the decoder knows the UTF-8 length of its text (UTF-8 input), it must be exact: the CSV
    // engine carries byte offsets with it.
    if (d.textBytes !== undefined) assert.equal(d.textBytes, Buffer.byteLength(text));
    return text;
  };
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out += piece(bytes.subarray(at, c));
    at = c;
  }
  return out + piece(bytes.subarray(at)) + d.end();
}

test('UTF-8 and UTF-16 survive any chunking', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.array(fc.nat(), { maxLength: 8 }), fc.constantFrom('utf8', 'utf16le'), (text, seeds, enc) => {
      const body = Buffer.from(text, enc as BufferEncoding);
      const bytes = enc === 'utf8' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : Buffer.concat([Buffer.from([0xff, 0xfe]), body]);
      assert.equal(decodeChunked(bytes, seeds.map((s) => s % (bytes.length + 1))), text);
    }),
    { numRuns: 500 },
  );
});

test('invalid UTF-8 fails with the offset of the first bad byte, whatever the chunking', () => {
  const good = Buffer.from('abc é ü 漢字 ');
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good, Buffer.from([0xe9, 0x41])]);
  for (const cuts of [[], [5], [good.length + 3], [good.length + 4], [1, 2, 3, 4, 5, 6, 7]]) {
    assert.throws(
      () => decodeChunked(bytes, cuts),
      (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_ENCODING_INVALID' && e.details.byteOffset === good.length + 3,
      JSON.stringify(cuts),
    );
  }
  assert.throws(() => decodeChunked(Buffer.concat([Buffer.from('ok'), Buffer.from([0xe2, 0x82])]), []), (e: unknown) => e instanceof FeedmillError && e.details.byteOffset === 2);
});

test('firstInvalidUtf8 refuses overlongs and surrogates', () => {
  assert.equal(firstInvalidUtf8(Buffer.from([0x41, 0xc0, 0xaf]), false), 1);
  assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]), false), 0);
  assert.equal(firstInvalidUtf8(Buffer.from('ok ✓'), false), -1);
});

test('decodeInPieces: pieces end after a newline past DECODE_TARGET when one comes, never exceed DECODE_PIECE, and lose nothing', () => {
  const unit = fc.constantFrom('a', 'é', '€', '😀', ',', '"', '\n', '\r\n', 'x'.repeat(700), `${'y'.repeat(3000)}\n`);
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 400 }), fc.nat({ max: 20_000 }), (units, flat) => {
      // Some documents hold long runs with no newline at all: pieces then end at DECODE_PIECE.
      const text = units.join('') + 'z'.repeat(flat * 5);
      const bytes = Buffer.from(text);
      const d = new StreamDecoder(detectEncoding(bytes));
      const pieces: { text: string; bytes: number | undefined }[] = [];
      decodeInPieces(d, bytes, (t, n) => pieces.push({ text: t, bytes: n }));
      assert.equal(pieces.map((p) => p.text).join('') + d.end(), text);
      pieces.forEach((p, i) => {
        const n = p.bytes as number;
        assert.equal(n, Buffer.byteLength(p.text));
        // A character cut at a piece's end is carried into the next piece: up to 3 bytes either way.
        assert.ok(n <= DECODE_PIECE + 3, `piece of ${n} bytes`);
        if (i === pieces.length - 1) return;
        if (p.text.endsWith('\n')) {
          // The first newline past the target: none between the target and the piece's last byte.
          assert.ok(n > DECODE_TARGET - 3, `a piece of ${n} bytes ends at a newline before the target`);
          assert.ok(!Buffer.from(p.text).subarray(DECODE_TARGET + 3, n - 1).includes(0x0a), 'a piece runs past a newline after the target');
        } else {
          assert.ok(n >= DECODE_PIECE - 3, `a piece of ${n} bytes ends neither at a newline nor at DECODE_PIECE`);
          assert.ok(!Buffer.from(p.text).subarray(DECODE_TARGET + 3).includes(0x0a), 'a piece runs past a newline after the target');
        }
      });
    }),
    { numRuns: 150 },
  );
});

test('encoding names as written in the wild; ISO-8859-15 is its own encoding, not Windows-1252', () => {
  for (const name of ['ISO-8859-15', 'iso8859-15', 'ISO_8859-15', 'Latin9', ' l9 ']) assert.equal(normalizeEncoding(name), 'iso-8859-15', name);
  for (const name of ['ISO-8859-1', 'ISO8859-1', 'latin1', 'CP1252', 'US-ASCII']) assert.equal(normalizeEncoding(name), 'windows-1252', name);
  for (const name of ['ISO-8859-2', 'latin2']) assert.equal(normalizeEncoding(name), 'iso-8859-2', name);
  assert.equal(normalizeEncoding('cp1250'), 'windows-1250');
  assert.equal(normalizeEncoding('Windows-1251'), 'windows-1251');
  assert.throws(() => normalizeEncoding('ebcdic'), (e: unknown) => e instanceof FeedmillError && e.code === 'FEEDMILL_ENCODING_INVALID');
  const head = Buffer.from('<?xml version="1.0" encoding="ISO-8859-15"?><r>\xa4 \xbd</r>', 'latin1');
  const detected = detectEncoding(head);
  assert.deepEqual(detected, { encoding: 'iso-8859-15', bom: 0 });
  const d = new StreamDecoder(detected);
  assert.equal(d.decode(head) + d.end(), '<?xml version="1.0" encoding="ISO-8859-15"?><r>€ œ</r>');
});
