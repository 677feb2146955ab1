/**
 * Text clean-up for channel fields: HTML stripped (for channels that forbid it), character
 * references decoded, control and XML-forbidden characters removed, whitespace collapsed; and
 * length limits counted in characters (code points), with truncation at a word boundary.
 *
 * The fast path is one regex test: most titles and descriptions need no change and are returned
 * unchanged, without allocating.
 */
import { removeXmlForbidden } from '../../emit/escape.js';
import { decodeEntities } from './entities.js';

/**
 * Something to clean: a tag or reference, a control, a lone surrogate, whitespace other than a plain
 * space. Double, leading and trailing spaces are checked apart: anchors and alternations in one
 * regex made it several times slower.
 */
const NEEDS_CLEAN_HTML = /[<&\u0000-\u001f\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ud800-\udfff\ufeff\ufffe\uffff]/;
const NEEDS_CLEAN_TEXT = /[&\u0000-\u001f\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ud800-\udfff\ufeff\ufffe\uffff]/;

function needsClean(value: string, strip: boolean): boolean {
  return (
    (strip ? NEEDS_CLEAN_HTML : NEEDS_CLEAN_TEXT).test(value) ||
    value.charCodeAt(0) === 32 ||
    value.charCodeAt(value.length - 1) === 32 ||
    value.includes('  ')
  );
}

/** Controls that are not whitespace (C0 but tab/LF/VT/FF/CR, DEL, C1) and the two non-characters. */
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\ufffe\uffff]/g;
/**
 * What collapsing whitespace must replace: a run of two or more whitespace characters, or one that
 * is not a plain space. `/\s+/g` gives the same text but also matches every single space between
 * words and rebuilds the string from all of them: 1.9 µs for a generated description that needs
 * cleaning, 0.6 with this (docs/performance.md).
 */
const WHITESPACE_TO_COLLAPSE = /\s{2,}|[^\S ]/g;

/** Every run of whitespace (JavaScript's `\s`: tabs, line breaks, no-break spaces...) as one space. */
export function collapseWhitespace(s: string): string {
  return s.replace(WHITESPACE_TO_COLLAPSE, ' ');
}

/** Elements whose content is not text: removed with their content. */
const SCRIPT_LIKE = /<(script|style|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENT = /<!--[\s\S]*?-->|<!\[CDATA\[|\]\]>/g;
/** A tag: `<` directly followed by a name or `/name`, so that "a < b" stays text. */
const TAG = /<\/?([A-Za-z][A-Za-z0-9-]*)\b[^<>]*>/g;
const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table',
  'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);

export function stripHtml(html: string): string {
  let s = html;
  // Removing one tag can join the halves of another ("<<b>i>"): repeat until nothing changes.
  for (let prev = ''; s !== prev && s.includes('<'); ) {
    prev = s;
    s = s
      .replace(SCRIPT_LIKE, ' ')
      .replace(COMMENT, ' ')
      // Block elements separate words; inline ones (b, span, sub) do not: "H<sub>2</sub>O" stays "H2O".
      .replace(TAG, (_, name: string) => (BLOCK_TAGS.has(name.toLowerCase()) ? ' ' : ''));
  }
  return s;
}

/**
 * Cleans one text value. With `html: 'strip'`, tags are removed before and after decoding
 * references, because merchants often send HTML escaped (`&lt;p&gt;`).
 */
export function cleanText(value: string, html: 'strip' | 'keep'): string {
  const strip = html === 'strip';
  // An export renders every channel from the same item: the second and third channel clean the
  // very same title and description strings again. A small cache keyed by the string's identity
  // (slot by length; `===` on the same string object is a pointer compare) answers those repeats.
  const slot = (value.length & (MEMO_SLOTS - 1)) * 2 + (strip ? 1 : 0);
  if (memoIn[slot] === value) return memoOut[slot] as string;
  const out = clean(value, strip);
  memoIn[slot] = value;
  memoOut[slot] = out;
  return out;
}

const MEMO_SLOTS = 64;
const memoIn: (string | undefined)[] = new Array<string | undefined>(MEMO_SLOTS * 2).fill(undefined);
const memoOut: (string | undefined)[] = new Array<string | undefined>(MEMO_SLOTS * 2).fill(undefined);

function clean(value: string, strip: boolean): string {
  if (!needsClean(value, strip)) return value;
  // Controls go first so that "<\u0001b>" cannot become a tag after stripping. References are
  // decoded until none is left (merchant text escaped twice, `&amp;amp;`, is common); decoding can
  // produce controls (&#1;) and tags (&lt;b&gt;) again, hence the clean-up inside the loop. Each
  // round that changes something shortens the text, so the loop ends.
  let s = removeControls(value);
  if (strip) s = stripHtml(s);
  while (s.includes('&')) {
    const decoded = decodeEntities(s);
    if (decoded === s) break;
    s = removeControls(decoded);
    if (strip) s = stripHtml(s);
  }
  return collapseWhitespace(s).trim();
}

function removeControls(s: string): string {
  return removeXmlForbidden(s.replace(CONTROLS, ''));
}

const TAG_TEST = /<\/?[A-Za-z][A-Za-z0-9-]*\b[^<>]*>/;

/**
 * True when a value holds an HTML tag or a character reference that `cleanText` would decode (what
 * `validate` flags in HTML-free fields). `&TA;`, which no clean-up changes, is text.
 */
export function containsHtml(value: string): boolean {
  return TAG_TEST.test(value) || (value.includes('&') && decodeEntities(value) !== value);
}

const SURROGATE = /[\ud800-\udfff]/;

/** Length in characters (code points), the unit channel limits use; astral characters count once. */
export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const prev = s.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) n--;
    }
  }
  return n;
}

/** True when `s` has at most `max` characters; the UTF-16 length answers most calls alone. */
export function fitsLength(s: string, max: number): boolean {
  return s.length <= max || charLength(s) <= max;
}

/**
 * Shortens `s` to at most `max` characters at a word boundary: the last space before the limit when
 * it keeps at least half the allowance, else a hard cut (a long URL-like word would otherwise leave
 * nearly nothing). Never splits a surrogate pair. Trailing spaces and dangling separators are trimmed.
 */
export function truncateAtWord(s: string, max: number): string {
  if (fitsLength(s, max)) return s;
  // The UTF-16 index after `max` code points, without splitting the string into an array (that
  // cost most of a channel's render when every description passed its limit: 19 µs an item).
  let end = max;
  if (SURROGATE.test(s)) {
    end = 0;
    for (let n = 0; n < max && end < s.length; n++) {
      const c = s.charCodeAt(end);
      const d = s.charCodeAt(end + 1);
      end += c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
    }
  }
  const head = s.slice(0, end);
  let cut = head;
  if (s.charCodeAt(end) !== 0x20) {
    const space = head.lastIndexOf(' ');
    if (space >= head.length / 2) cut = head.slice(0, space);
  }
  return cut.replace(/[\s,;:\-–—]+$/u, '');
}
