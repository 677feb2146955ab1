/**
 * Per-value escaping for XML, CSV and TSV output: the innermost loop of every export.
 *
 * Each function first runs one precompiled regex test; the vast majority of catalog values (ids,
 * prices, URLs, most titles) need nothing and are returned as they are, without allocating. Only a
 * value that holds a special character takes the slow path, which jumps between special characters.
 *
 * Invariants, proven by round-trip property tests (render → sax / csv-parse → same value):
 * - XML: the output is well-formed XML 1.0 character data. Characters XML 1.0 forbids (C0 controls
 *   other than tab/LF/CR, U+FFFE, U+FFFF, lone surrogates) are removed, because no escape can carry
 *   them. `&` is always escaped, so entity-like text (`AT&amp;T`) comes back exactly as it went in.
 *   CR is written as `&#13;` (a parser would turn a raw CR into LF); in attributes, tab and LF are
 *   written as character references too (a parser would turn them into spaces).
 * - CSV (RFC 4180): a field holding the delimiter, a quote, CR or LF is quoted, quotes doubled.
 * - TSV (IANA text/tab-separated-values): fields cannot hold tab, CR or LF; each becomes a space.
 */

/** XML 1.0 forbidden characters, plus any UTF-16 surrogate (pairs are checked on the slow path). */
const XML_SLOW = /[&<>"\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;
const XML_ATTR_SLOW = /[&<>"\t\n\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

/** Escapes text content of an XML element. */
export function escapeXmlText(value: string): string {
  return XML_SLOW.test(value) ? escapeXmlSlow(value, false) : value;
}

/** Escapes a double-quoted XML attribute value. */
export function escapeXmlAttr(value: string): string {
  return XML_ATTR_SLOW.test(value) ? escapeXmlSlow(value, true) : value;
}

/** Removes the characters XML 1.0 cannot carry (what escaping drops), without escaping anything. */
export function removeXmlForbidden(value: string): string {
  if (!XML_FORBIDDEN.test(value)) return value;
  let out = '';
  let start = 0;
  const n = value.length;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    const skip = forbiddenLength(value, i, c);
    if (skip === 0) {
      if (c >= 0xd800 && c <= 0xdbff) i++; // a valid pair: keep both halves
      continue;
    }
    out += value.slice(start, i);
    start = i + 1;
  }
  return start === 0 ? value : out + value.slice(start);
}

/**
 * 1 when the UTF-16 unit at `i` is a character XML 1.0 forbids (a lone surrogate counts), else 0.
 * A high surrogate followed by a low one is a valid supplementary character.
 */
function forbiddenLength(s: string, i: number, c: number): number {
  if (c < 0x20) return c === 0x09 || c === 0x0a || c === 0x0d ? 0 : 1;
  if (c < 0xd800) return 0;
  if (c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff ? 0 : 1;
  }
  if (c <= 0xdfff) return 1; // a low surrogate without its high half
  return c === 0xfffe || c === 0xffff ? 1 : 0;
}

const XML_SLOW_ALL = new RegExp(XML_SLOW.source, 'g');
const XML_ATTR_SLOW_ALL = new RegExp(XML_ATTR_SLOW.source, 'g');

/**
 * The global twin of the test regex jumps from one special character to the next (a native scan):
 * a description with one quote costs two regex steps instead of a JS loop over its 500 characters
 * (0.64 µs an item in a Google export profile). `test` moves `lastIndex` without building a match.
 */
function escapeXmlSlow(s: string, attr: boolean): string {
  const re = attr ? XML_ATTR_SLOW_ALL : XML_SLOW_ALL;
  re.lastIndex = 0;
  let out = '';
  let start = 0;
  while (re.test(s)) {
    const i = re.lastIndex - 1;
    const c = s.charCodeAt(i);
    let rep: string;
    switch (c) {
      case 0x26: rep = '&amp;'; break;
      case 0x3c: rep = '&lt;'; break;
      case 0x3e: rep = '&gt;'; break;
      case 0x22: rep = '&quot;'; break;
      case 0x0d: rep = '&#13;'; break;
      case 0x09: rep = '&#9;'; break; // matched in attributes only
      case 0x0a: rep = '&#10;'; break; // idem
      default:
        if (forbiddenLength(s, i, c) === 0) {
          re.lastIndex = i + 2; // a valid surrogate pair: keep both halves
          continue;
        }
        rep = '';
    }
    out += s.slice(start, i) + rep;
    start = i + 1;
  }
  return out + s.slice(start);
}

const CSV_SLOW: Record<string, RegExp> = {
  ',': /[",\r\n]/,
  ';': /[";\r\n]/,
  '|': /["|\r\n]/,
  '\t': /["\t\r\n]/,
};

/**
 * Returns the RFC 4180 quoting function for one delimiter, built once per channel so that the hot
 * path holds a precompiled regex. Delimiters other than , ; | and tab are refused by the channel loader.
 */
export function csvQuoter(delimiter: string): (value: string) => string {
  const slow = CSV_SLOW[delimiter] ?? new RegExp(`["\\r\\n${delimiter.replace(/[\\\]^-]/g, '\\$&')}]`);
  return (value: string) => (slow.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
}

/** A comma-delimited RFC 4180 field. */
export const escapeCsvField: (value: string) => string = csvQuoter(',');

const TSV_SLOW = /[\t\r\n]/;
const TSV_ALL = /\r\n|[\t\r\n]/g;

/** A TSV field: tab, CR and LF cannot be carried, each becomes one space (CRLF counts as one). */
export function escapeTsvField(value: string): string {
  return TSV_SLOW.test(value) ? value.replace(TSV_ALL, ' ') : value;
}
