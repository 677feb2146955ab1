/**
 * A fast path for one XML record element in a parallel load's shard: the common shapes of feed
 * records (elements, plain attributes, text with the five entities and character references, CDATA,
 * comments) are read with native `indexOf` scans instead of saxes's character-by-character state
 * machine, which was about a third of a shard's time per Google item.
 *
 * The contract, held by property tests against saxes (test/ingest/xml/fast-record.test.ts): for any
 * input, `parseRecordFast` either returns exactly the node tree the saxes path builds (names,
 * attributes, text as written, children, lines) or returns `undefined`. It returns `undefined` for
 * everything it does not handle itself (a processing instruction, a DOCTYPE, an unknown entity, a
 * non-ASCII name, a suspicious construct) and for everything malformed, and the caller then parses
 * that record with saxes, the reference, which builds the tree or reports the exact error. So the
 * fast path can be strict and small: it never decides that a record is malformed, only that it is
 * sure a record is well-formed.
 */
import type { XmlNode } from '../profile.js';

/**
 * Characters that XML 1.0 forbids anywhere, and surrogates (a pair is valid, a lone half is not:
 * left to saxes). CR is normalised away before this test.
 */
const NOT_PLAIN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;
/** XML 1.0 §2.11: CR LF and a lone CR read as one LF, before parsing (Windows exports use CR LF). */
const LINE_END = /\r\n?/g;
/** The attributes of an element that has none: shared, so frozen (nothing writes a tree's nodes). */
const NO_ATTRIBUTES: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);
/** Deeper records exist nowhere in feeds; saxes takes them. */
const MAX_DEPTH = 64;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const AMP = 0x26;
const EQ = 0x3d;
const QUOT = 0x22;
const APOS = 0x27;
const NL = 0x0a;

/**
 * The record element that `s` holds entirely (nothing after it, only blanks before it), its start
 * tag ending on line `line`, or `undefined` when saxes must read it.
 */
export function parseRecordFast(text: string, line: number): XmlNode | undefined {
  const s = text.includes('\r') ? text.replace(LINE_END, '\n') : text;
  if (NOT_PLAIN.test(s)) return undefined;
  const r = new Reader(s);
  // Blanks before the record (a forwarded record's text keeps what stood before it) belong to no node.
  const first = r.blanks(0);
  if (s.charCodeAt(first) !== LT) return undefined;
  const root = r.startTag(first, 0);
  if (root === undefined) return undefined;
  // Lines are counted from the string's start; the record's start tag is known to end on `line`.
  const shift = line - root.line;
  root.line = line;
  if (r.selfClosed) return r.pos === s.length ? root : undefined;
  const stack: XmlNode[] = [root];
  let top = root;
  const n = s.length;
  while (true) {
    const lt = s.indexOf('<', r.pos);
    if (lt < 0) return undefined;
    if (lt > r.pos) {
      const chars = r.text(r.pos, lt);
      if (chars === undefined) return undefined;
      top.text += chars;
    }
    const next = s.charCodeAt(lt + 1);
    if (next === SLASH) {
      // An end tag: exactly the open element's name, blanks, '>'.
      const name = top.name;
      if (!s.startsWith(name, lt + 2)) return undefined;
      let p = lt + 2 + name.length;
      p = r.blanks(p);
      if (s.charCodeAt(p) !== GT) return undefined;
      r.pos = p + 1;
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent === undefined) return r.pos === n ? root : undefined;
      top = parent;
      continue;
    }
    if (next === BANG) {
      if (s.startsWith('<![CDATA[', lt)) {
        const end = s.indexOf(']]>', lt + 9);
        if (end < 0) return undefined;
        top.text += s.slice(lt + 9, end);
        r.pos = end + 3;
        continue;
      }
      if (s.startsWith('<!--', lt)) {
        const end = s.indexOf('--', lt + 4);
        if (end < 0 || s.charCodeAt(end + 2) !== GT) return undefined;
        r.pos = end + 3;
        continue;
      }
      return undefined;
    }
    if (stack.length >= MAX_DEPTH) return undefined;
    const child = r.startTag(lt, shift);
    if (child === undefined) return undefined;
    top.children.push(child);
    if (!r.selfClosed) {
      stack.push(child);
      top = child;
    }
  }
}

class Reader {
  readonly s: string;
  pos = 0;
  /** Newlines before `#counted`. */
  #lines = 0;
  #counted = 0;
  /** The first newline at or after `#counted` (-1: none), found by the last count. */
  #nextNl = -2;
  selfClosed = false;

  constructor(s: string) {
    this.s = s;
  }

  /** Counts the newlines of s[#counted, to): lines are only needed at start tags, so lazily. */
  countLines(to: number): void {
    if (to <= this.#counted) return;
    const s = this.s;
    // The search that stopped past the last `to` found the next newline already: start from it.
    let i = this.#nextNl === -2 ? s.indexOf('\n', this.#counted) : this.#nextNl;
    while (i >= 0 && i < to) {
      this.#lines++;
      i = s.indexOf('\n', i + 1);
    }
    this.#nextNl = i;
    this.#counted = to;
  }

  /** Skips XML blanks (space, tab, LF; CR was normalised away). */
  blanks(p: number): number {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(p);
      if (c !== 0x20 && c !== 0x09 && c !== NL) return p;
      p++;
    }
  }

  /** An ASCII XML name starting at p: its end, or -1. */
  name(p: number): number {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a)) return -1;
    let i = p + 1;
    for (;;) {
      const d = s.charCodeAt(i);
      if ((d >= 0x61 && d <= 0x7a) || (d >= 0x41 && d <= 0x5a) || (d >= 0x30 && d <= 0x39) || d === 0x5f || d === 0x3a || d === 0x2d || d === 0x2e) i++;
      else return i;
    }
  }

  /**
   * The start tag at `lt`: a node whose line is the line of its '>' plus `shift`, with `pos` after
   * the tag and `selfClosed` set for `<x/>`.
   */
  startTag(lt: number, shift: number): XmlNode | undefined {
    const s = this.s;
    const end = this.name(lt + 1);
    if (end < 0) return undefined;
    // Most feed elements have no attribute: they share one frozen empty map (a prototype-less
    // object is a dictionary, ~25 of them per Google item cost 5-8 % of this parser's time).
    const node: XmlNode = { name: s.slice(lt + 1, end), attrs: NO_ATTRIBUTES, text: '', children: [], line: 0 };
    let p = end;
    for (;;) {
      const b = this.blanks(p);
      const c = s.charCodeAt(b);
      if (c === GT || (c === SLASH && s.charCodeAt(b + 1) === GT)) {
        this.selfClosed = c === SLASH;
        this.pos = c === GT ? b + 1 : b + 2;
        break;
      }
      // An attribute needs a blank before its name.
      if (b === p) return undefined;
      const nameEnd = this.name(b);
      if (nameEnd < 0) return undefined;
      const q = this.blanks(nameEnd);
      if (s.charCodeAt(q) !== EQ) return undefined;
      const v = this.blanks(q + 1);
      const quote = s.charCodeAt(v);
      if (quote !== QUOT && quote !== APOS) return undefined;
      const close = s.indexOf(quote === QUOT ? '"' : "'", v + 1);
      if (close < 0) return undefined;
      const raw = s.slice(v + 1, close);
      // '<' is forbidden in values; tab and LF are normalised to spaces by the parser: left to saxes.
      if (raw.includes('<') || raw.includes('\t') || raw.includes('\n')) return undefined;
      const value = raw.includes('&') ? decodeReferences(raw) : raw;
      if (value === undefined) return undefined;
      const key = s.slice(b, nameEnd);
      // A prototype-less object, as saxes makes: `__proto__` is then an attribute like any other.
      if (node.attrs === NO_ATTRIBUTES) node.attrs = Object.create(null) as Record<string, string>;
      if (key in node.attrs) return undefined; // a repeated name is an error
      node.attrs[key] = value;
      p = close + 1;
    }
    this.countLines(this.pos);
    node.line = this.#lines + 1 + shift;
    return node;
  }

  /** Character data s[from, to): decoded, or undefined when saxes must read it. */
  text(from: number, to: number): string | undefined {
    const s = this.s;
    const raw = s.slice(from, to);
    // `]]>` may not stand in character data; '>' alone may.
    if (raw.includes(']]>')) return undefined;
    return raw.includes('&') ? decodeReferences(raw) : raw;
  }
}

const NAMED: ReadonlyMap<string, string> = new Map([['lt', '<'], ['gt', '>'], ['amp', '&'], ['quot', '"'], ['apos', "'"]]);
const DECIMAL = /^[0-9]+$/;
const HEX = /^[0-9A-Fa-f]+$/;

/** The five predefined entities and character references; anything else: undefined (saxes reads it). */
function decodeReferences(raw: string): string | undefined {
  let out = '';
  let start = 0;
  let amp = raw.indexOf('&');
  while (amp >= 0) {
    const semi = raw.indexOf(';', amp + 1);
    if (semi < 0 || semi - amp > 12) return undefined;
    let rep: string | undefined;
    if (raw.charCodeAt(amp + 1) === 0x23) {
      const hex = raw.charCodeAt(amp + 2) === 0x78;
      const digits = raw.slice(amp + (hex ? 3 : 2), semi);
      if (!(hex ? HEX : DECIMAL).test(digits)) return undefined;
      const code = Number.parseInt(digits, hex ? 16 : 10);
      if (!isXmlChar(code)) return undefined;
      rep = String.fromCodePoint(code);
    } else {
      rep = NAMED.get(raw.slice(amp + 1, semi));
      if (rep === undefined) return undefined;
    }
    out += raw.slice(start, amp) + rep;
    start = semi + 1;
    amp = raw.indexOf('&', start);
  }
  return out + raw.slice(start);
}

/** XML 1.0 `Char`. */
function isXmlChar(c: number): boolean {
  if (c < 0x20) return c === 0x09 || c === 0x0a || c === 0x0d;
  if (c < 0xd800) return true;
  if (c <= 0xdfff) return false;
  if (c <= 0xfffd) return true;
  return c >= 0x10000 && c <= 0x10ffff;
}
