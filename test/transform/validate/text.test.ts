import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { charLength, cleanText, decodeEntities, truncateAtWord } from '../../../src/transform/index.js';
import { containsHtml } from '../../../src/transform/validate/index.js';
import { collapseWhitespace } from '../../../src/transform/validate/text.js';
import { removeXmlForbidden } from '../../../src/emit/index.js';

test('HTML is stripped where the channel forbids it; block tags separate words, inline ones do not', () => {
  assert.equal(cleanText('<p>Soft  <b>cotton</b></p><ul><li>M</li><li>L</li></ul>', 'strip'), 'Soft cotton M L');
  assert.equal(cleanText('H<sub>2</sub>O', 'strip'), 'H2O');
  assert.equal(cleanText('<script>alert(1)</script>ok<!-- c -->', 'strip'), 'ok');
  assert.equal(cleanText('a < b and c > d', 'strip'), 'a < b and c > d');
});

test('HTML escaped once or twice is decoded and then stripped too', () => {
  assert.equal(cleanText('&lt;p&gt;Hello&lt;/p&gt; AT&amp;T', 'strip'), 'Hello AT&T');
  assert.equal(cleanText('&amp;lt;b&amp;gt;Bold&amp;lt;/b&amp;gt; AT&amp;amp;T', 'strip'), 'Bold AT&T');
  assert.equal(cleanText('AT&amp;amp;T &TA; &', 'keep'), 'AT&T &TA; &');
});

test('text that may hold HTML keeps its tags but still decodes references and collapses whitespace', () => {
  assert.equal(cleanText('  <b>AT&amp;T</b>\n\n  phone ', 'keep'), '<b>AT&T</b> phone');
});

test('entities: named, decimal, hex; unknown names stay; one pass only', () => {
  assert.equal(decodeEntities('caf&eacute; &#233; &#xE9; &euro;&nbsp;5 &bogus; &amp;amp;'), 'café é é €\u00a05 &bogus; &amp;');
  assert.equal(decodeEntities('&#x110000; &#xD800;x'), ' x');
});

test('controls, XML-forbidden characters and non-breaking spaces are cleaned', () => {
  assert.equal(cleanText('a\u0000b\u0007c\u0085d\ufffee\u00a0f\u2003g\ud800h', 'keep'), 'abcde f gh');
  assert.equal(cleanText('x &#1; y', 'keep'), 'x y');
});

test('clean text has no doubled or edge spaces, no XML-forbidden characters and, stripped, no tags', () => {
  const TAG_LIKE = /<\/?[A-Za-z][A-Za-z0-9-]*\b[^<>]*>/;
  fc.assert(
    fc.property(
      fc.string({ unit: fc.oneof(fc.constantFrom('<b>', '</p>', '<', '>', 'i', '&amp;', '&#1;', '\u0001', '&lt;i&gt;', ' ', '\n', '\t', '\u0001', '\ud800', '\u00a0'), fc.string({ unit: 'grapheme', maxLength: 2 })) }),
      fc.constantFrom('strip' as const, 'keep' as const),
      (s, mode) => {
        const once = cleanText(s, mode);
        assert.equal(/\s\s|^\s|\s$/.test(once), false);
        assert.equal(removeXmlForbidden(once), once);
        if (mode === 'strip') assert.equal(TAG_LIKE.test(once) || containsHtml(once), false, once);
        assert.equal(cleanText(once, mode), once);
      },
    ),
    { numRuns: 2000 },
  );
  assert.equal(cleanText('<<b>i>x', 'strip'), 'x');
  assert.equal(cleanText('<\u0001b>x', 'strip'), 'x');
});

test('property: whitespace collapses as replacing every run of \\s by one space would', () => {
  // Whitespace-heavy strings: every kind JavaScript's \s covers, runs of them, and plain text.
  const piece = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u202f', '\u2003', '\u3000', '\ufeff', 'a', 'é', 'mot', '&', '');
  fc.assert(
    fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 4 })), { maxLength: 40 }), (pieces) => {
      const s = pieces.join('');
      assert.equal(collapseWhitespace(s), s.replace(/\s+/g, ' '));
    }),
    { numRuns: 2000 },
  );
  assert.equal(collapseWhitespace('a b'), 'a b');
  assert.equal(collapseWhitespace(' a\u00a0\tb  c\n'), ' a b c ');
});

test('the fast path returns the same string', () => {
  const s = 'Organic cotton hoodie, size M';
  assert.equal(cleanText(s, 'strip'), s);
});

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

test('truncation at a word boundary, within the limit, never splitting a surrogate pair', () => {
  assert.equal(truncateAtWord('The quick brown fox jumps', 15), 'The quick brown');
  assert.equal(truncateAtWord('The quick brown fox jumps', 13), 'The quick');
  assert.equal(truncateAtWord('Supercalifragilistic', 5), 'Super');
  assert.equal(truncateAtWord('ab, cd', 4), 'ab');
  assert.equal(truncateAtWord('😀😀😀 😀', 2), '😀😀');
  fc.assert(
    fc.property(fc.string({ unit: fc.oneof(fc.constant(' '), fc.string({ unit: 'grapheme', maxLength: 1 })) }), fc.integer({ min: 1, max: 30 }), (s, max) => {
      const t = truncateAtWord(s, max);
      assert.ok(charLength(t) <= max);
      assert.ok(s.startsWith(t));
      if (!LONE_SURROGATE.test(s)) assert.equal(LONE_SURROGATE.test(t), false);
    }),
  );
});

test('truncation agrees with cutting the code point array (the plain reading of the rule)', () => {
  const reference = (s: string, max: number): string => {
    const chars = Array.from(s);
    if (chars.length <= max) return s;
    const head = chars.slice(0, max).join('');
    let cut = head;
    if (chars[max] !== ' ') {
      const space = head.lastIndexOf(' ');
      if (space >= head.length / 2) cut = head.slice(0, space);
    }
    return cut.replace(/[\s,;:\-–—]+$/u, '');
  };
  // Lone surrogates and pairs mixed with spaces and separators, around the limit.
  const unit = fc.constantFrom('a', 'é', ' ', ',', '-', '😀', '\ud83d', '\ude00', '日');
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 40 }), fc.integer({ min: 1, max: 30 }), (s, max) => {
      assert.equal(truncateAtWord(s, max), reference(s, max), JSON.stringify([s, max]));
    }),
    { numRuns: 3000 },
  );
});

test('characters are code points: an emoji counts once', () => {
  assert.equal(charLength('a😀b'), 3);
});

test('containsHtml flags tags and references, not comparison signs', () => {
  assert.equal(containsHtml('<p>x</p>'), true);
  assert.equal(containsHtml('AT&amp;T'), true);
  assert.equal(containsHtml('a < b & c > d'), false);
  assert.equal(containsHtml('AT&TA; x&y;'), false);
});
