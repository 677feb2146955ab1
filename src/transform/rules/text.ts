/**
 * Text clean-up used by the `clean` rule: HTML stripping with entity decoding, whitespace
 * collapsing, case changes and length limits. Every function is a single linear pass (no
 * backtracking regular expressions over merchant text) and locale-independent, so output does not
 * depend on the machine it runs on.
 */

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', shy: '\u00ad',
  euro: '€', pound: '£', yen: '¥', cent: '¢', copy: '©', reg: '®', trade: '™', deg: '°',
  times: '×', divide: '÷', plusmn: '±', micro: 'µ', middot: '·', bull: '•', hellip: '…',
  ndash: '–', mdash: '—', lsquo: '‘', rsquo: '’', sbquo: '‚', ldquo: '“', rdquo: '”', bdquo: '„',
  laquo: '«', raquo: '»', sect: '§', para: '¶', frac12: '½', frac14: '¼', frac34: '¾',
  sup2: '²', sup3: '³', iexcl: '¡', iquest: '¿', szlig: 'ß', aelig: 'æ', AElig: 'Æ',
  oslash: 'ø', Oslash: 'Ø', oelig: 'œ', OElig: 'Œ', eth: 'ð', ETH: 'Ð', thorn: 'þ', THORN: 'Þ',
  ordf: 'ª', ordm: 'º', hyphen: '‐', minus: '−', prime: '′', Prime: '″', larr: '←', rarr: '→',
};

/** Accent suffixes of HTML's named letters (`eacute`, `Uuml`, `ccedil`) → combining mark. */
const ACCENTS: Record<string, string> = {
  acute: '\u0301', grave: '\u0300', circ: '\u0302', tilde: '\u0303', uml: '\u0308', ring: '\u030a',
  cedil: '\u0327', caron: '\u030c',
};

function namedEntity(name: string): string | undefined {
  const direct = NAMED[name];
  if (direct !== undefined) return direct;
  const m = /^([A-Za-z])(acute|grave|circ|tilde|uml|ring|cedil|caron)$/.exec(name);
  if (!m) return undefined;
  const composed = `${m[1]}${ACCENTS[m[2] as string]}`.normalize('NFC');
  // Only names that compose to one letter exist in HTML (eacute yes, qacute no).
  return [...composed].length === 1 ? composed : undefined;
}

function numericEntity(body: string): string | undefined {
  const hex = body[1] === 'x' || body[1] === 'X';
  const digits = body.slice(hex ? 2 : 1);
  if (digits === '' || digits.length > 7 || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) return undefined;
  const cp = parseInt(digits, hex ? 16 : 10);
  // NUL, surrogates and out-of-range points are not characters; HTML maps them to U+FFFD.
  if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(cp);
}

/** Decodes `&amp;`, `&#233;`, `&#xE9;` and common named entities; unknown ones stay as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const amp = s.indexOf('&', i);
    if (amp < 0) break;
    out += s.slice(i, amp);
    const semi = s.indexOf(';', amp + 1);
    const body = semi > amp && semi - amp <= 12 ? s.slice(amp + 1, semi) : '';
    const decoded = body.startsWith('#') ? numericEntity(body) : body === '' ? undefined : namedEntity(body);
    if (decoded === undefined) {
      out += '&';
      i = amp + 1;
    } else {
      out += decoded;
      i = semi + 1;
    }
  }
  return out + s.slice(i);
}

/** Elements whose content is not text. */
const SKIP_CONTENT = new Set(['script', 'style', 'template', 'noscript']);
/** Elements that separate words, so `a<br>b` reads "a b" and not "ab". */
const BREAKING = new Set([
  'br', 'p', 'div', 'li', 'ul', 'ol', 'tr', 'td', 'th', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'section', 'article', 'header', 'footer', 'blockquote', 'dd', 'dt', 'dl', 'hr', 'pre',
]);

/**
 * Removes tags, comments and script/style content, turns block boundaries into spaces and decodes
 * entities. A `<` that does not open a tag (`a < b`) is kept as text.
 */
export function stripHtml(s: string): string {
  if (!s.includes('<')) return decodeEntities(s);
  let out = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    const lt = s.indexOf('<', i);
    if (lt < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, lt);
    const next = s[lt + 1] ?? '';
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (!/[A-Za-z/!?]/.test(next)) {
      out += '<';
      i = lt + 1;
      continue;
    }
    const gt = s.indexOf('>', lt + 1);
    if (gt < 0) {
      // An unclosed tag at the end: drop it rather than leak markup.
      i = n;
      break;
    }
    const nameMatch = /^\/?([A-Za-z][A-Za-z0-9-]*)/.exec(s.slice(lt + 1, Math.min(gt, lt + 40)));
    const name = nameMatch ? (nameMatch[1] as string).toLowerCase() : '';
    i = gt + 1;
    if (next !== '/' && SKIP_CONTENT.has(name)) {
      // `name` is letters, digits and '-' only, so it is safe inside a pattern.
      const closeTag = new RegExp(`</${name}`, 'gi');
      closeTag.lastIndex = i;
      const close = closeTag.exec(s)?.index ?? -1;
      const closeEnd = close < 0 ? -1 : s.indexOf('>', close);
      i = closeEnd < 0 ? n : closeEnd + 1;
      continue;
    }
    if (BREAKING.has(name)) out += ' ';
  }
  return decodeEntities(out);
}

/** Every run of whitespace (spaces, tabs, newlines, no-break spaces) becomes one space. */
export function collapseSpaces(s: string): string {
  // Only runs of two or more, or a single non-space whitespace, need replacing: most text has none.
  return NEEDS_COLLAPSE.test(s) ? s.replace(COLLAPSE, ' ') : s;
}

const NEEDS_COLLAPSE = /\s\s|[^\S ]/;
const COLLAPSE = /\s{2,}|[^\S ]/g;

export function toTitleCase(s: string): string {
  return s.replace(/\p{L}[\p{L}\p{M}\p{Nd}'’]*/gu, (w) => {
    const first = String.fromCodePoint(w.codePointAt(0) as number);
    return first.toUpperCase() + w.slice(first.length).toLowerCase();
  });
}

export function toSentenceCase(s: string): string {
  const lower = s.toLowerCase();
  const m = /\p{L}/u.exec(lower);
  if (!m) return lower;
  return lower.slice(0, m.index) + m[0].toUpperCase() + lower.slice(m.index + m[0].length);
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const TRAILING_JUNK = new Set([',', ';', ':', '-', '–', '—', '/', '|']);

function trimTrailingJunk(s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s[end - 1] as string;
    if (!TRAILING_JUNK.has(c) && !/\s/.test(c)) break;
    end -= 1;
  }
  return s.slice(0, end);
}

function lastWhitespace(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (/\s/.test(s[i] as string)) return i;
  return -1;
}

/**
 * Cuts to at most `max` characters (code points, so a surrogate pair is never split), `ellipsis`
 * included. With `wordBoundary`, a cut inside a word moves back to the last space when that keeps
 * at least half of the text; separators left dangling at the end are removed.
 */
export function truncate(s: string, max: number, ellipsis: string, wordBoundary: boolean): string {
  if (s.length <= max) return s;
  const chars = [...s];
  if (chars.length <= max) return s;
  const budget = Math.max(0, max - [...ellipsis].length);
  let cut = chars.slice(0, budget).join('');
  // Mid-word when the characters on both sides of the cut are letters or digits.
  const midWord = WORD_CHAR.test(chars[budget] ?? ' ') && WORD_CHAR.test(chars[budget - 1] ?? ' ');
  if (wordBoundary && midWord) {
    const space = lastWhitespace(cut);
    if (space >= Math.floor(cut.length / 2)) cut = cut.slice(0, space);
  }
  cut = trimTrailingJunk(cut);
  return budget === 0 ? [...ellipsis].slice(0, max).join('') : cut + ellipsis;
}
