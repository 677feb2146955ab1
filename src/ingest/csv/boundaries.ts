/**
 * Record boundaries of a CSV byte stream, found without parsing it: the places where CsvEngine
 * ends a record, so that a large file can be cut into record-aligned chunks parsed independently
 * (one CsvEngine per chunk) and give the same records as one parse of the whole file.
 *
 * A cut is safe just past any LF outside a quoted field: the engine ends a record there, or skips
 * an empty line. LF bytes inside quoted fields are content. Only quotes change that, so the scan
 * jumps from quote to quote with `Buffer.indexOf` (native memchr) and never looks at most bytes;
 * a file without quotes costs one forward `indexOf` and one `lastIndexOf` per buffer.
 *
 * The rules mirror CsvEngine (csv-parse with relax_quotes):
 * - a quote opens a quoted field only at a field start (start of input, after a delimiter, after a
 *   record-ending LF); elsewhere it is literal (`5" screen`);
 * - inside a quoted field, `""` is an escaped quote; a quote followed by any other byte ends the
 *   quoted part, and the field goes on unquoted from that byte. The engine tells apart a proper
 *   close (`"abc",`, `"abc"\n`, `"abc"\r\n`) from the relaxed `"abc"def` or `"abc"\rx`, but all of
 *   them leave the scan outside quotes at the same byte, so the difference does not matter here.
 *
 * Code units, not text: the delimiter and quote must be ASCII. In an ASCII-compatible encoding
 * (UTF-8, Windows-1252) the units are bytes, and those bytes never occur inside a multi-byte
 * character. In UTF-16 the units are 16-bit (`scan` then takes a Uint16Array over the bytes, in the
 * machine's byte order), and an ASCII character is one unit, never part of a surrogate pair.
 * A BOM is not part of the first field for the engine (StreamDecoder drops it): start the first
 * scan past it, `scan(buf, bom)`, or a quote opening the first field would be taken as literal.
 */
import { endianness } from 'node:os';
import { FeedmillError } from '../../errors.js';

const LF = 10;
const CR = 13;

/** How the scanned units hold a character: bytes, or UTF-16 units in either byte order. */
export type ScanUnits = 'byte' | 'utf-16le' | 'utf-16be';

/** Code units as `scan` reads them: bytes, or 16-bit units viewed in the machine's byte order. */
export type UnitArray = Uint8Array | Uint16Array;

/** The value an ASCII character has as a unit of `units` read through a Uint16Array on this machine. */
export function unitValue(code: number, units: ScanUnits): number {
  if (units === 'byte') return code;
  const swapped = (units === 'utf-16be') === (endianness() === 'LE');
  return swapped ? code << 8 : code;
}

/** Outside quotes, at the first byte of a field: a quote here opens a quoted field. */
const FIELD_START = 0;
/** Outside quotes, inside a field: a quote here is literal. */
const UNQUOTED = 1;
/** Inside a quoted field: LF is content; only a quote matters. */
const QUOTED = 2;

type Mode = typeof FIELD_START | typeof UNQUOTED | typeof QUOTED;

export class CsvBoundaryScanner {
  readonly #delim: number;
  /** -1 when quoting is disabled. */
  readonly #quote: number;
  readonly #lf: number;
  /** State at the end of the bytes scanned so far. */
  #mode: Mode = FIELD_START;
  /** In QUOTED, the last byte scanned was a quote: `""` or a close, decided by the next byte. */
  #pendingQuote = false;

  /** delimiter and quote are single ASCII characters; quote null = quoting disabled (every LF ends a record). */
  constructor(dialect: { delimiter: string; quote: string | null }, units: ScanUnits = 'byte') {
    this.#delim = unitValue(asciiCode(dialect.delimiter, 'delimiter'), units);
    this.#quote = dialect.quote === null ? -1 : unitValue(asciiCode(dialect.quote, 'quote'), units);
    this.#lf = unitValue(LF, units);
    // The engine's behaviour with a delimiter equal to the quote is an accident of its branch
    // order, not something to mirror; such files are parsed on one thread.
    if (this.#delim === this.#quote) throw new FeedmillError('FEEDMILL_INTERNAL', 'CSV boundary scan: the delimiter and the quote are the same character');
  }

  /** True while inside a quoted field (e.g. at EOF: the file has an unclosed quote). */
  get inQuotes(): boolean {
    // A quote that is the last byte so far closes the field if the input ends there (the engine
    // does the same at EOF), so it does not count as inside: at EOF this is exactly "unclosed".
    return this.#mode === QUOTED && !this.#pendingQuote;
  }

  /**
   * Continues the scan over `buf` from index `from` (state carries over from the previous calls; the
   * caller passes each byte exactly once, in order, possibly across several buffers). Returns the index
   * just past the LAST record-ending LF found in buf[from..], or -1 when there is none.
   */
  scan(buf: UnitArray, from = 0): number {
    const len = buf.length;
    if (!Number.isInteger(from) || from < 0 || from > len) {
      throw new FeedmillError('FEEDMILL_INTERNAL', `CSV boundary scan: from ${from} is outside the buffer (length ${len})`);
    }
    if (from === len) return -1;
    const quote = this.#quote;
    if (quote < 0) {
      // No quoting: every LF ends a record, so only the last one matters.
      const lf = buf.lastIndexOf(this.#lf);
      return lf >= from ? lf + 1 : -1;
    }
    const delim = this.#delim;
    const LF = this.#lf;
    let mode = this.#mode;
    let p = from;
    if (this.#pendingQuote) {
      this.#pendingQuote = false;
      if (buf[p] === quote) p++; // the second half of `""`: still quoted
      else mode = UNQUOTED; // the quote closed the quoted part
    }
    // End of the last stretch outside quotes known to hold an LF; the LF itself is looked up once, at
    // the end, with lastIndexOf bounded below by that known LF.
    let lastStretchEnd = -1;
    // First LF at or after the start of the current stretch (len: none). Computed from a position
    // not after that start, it stays valid until a stretch starts past it: LFs are searched once
    // per region even when many short stretches (`"a","b","c"`) share a line.
    let lf = -1;
    while (p < len) {
      if (mode === QUOTED) {
        const k = buf.indexOf(quote, p);
        if (k === -1) break; // the quoted field goes on in the next buffer
        if (k + 1 === len) {
          this.#pendingQuote = true;
          break;
        }
        if (buf[k + 1] === quote) {
          p = k + 2;
        } else {
          mode = UNQUOTED;
          p = k + 1;
        }
        continue;
      }
      // A stretch outside quotes, from p up to the quote that opens the next quoted field.
      const start = p;
      let q = buf.indexOf(quote, p);
      while (q !== -1 && !(q === start ? mode === FIELD_START : buf[q - 1] === delim || buf[q - 1] === LF)) {
        q = buf.indexOf(quote, q + 1); // literal quote inside an unquoted field
      }
      const end = q === -1 ? len : q;
      if (lf < start) {
        lf = buf.indexOf(LF, start);
        if (lf === -1) lf = len;
      }
      if (lf < end) lastStretchEnd = end;
      if (q === -1) {
        const last = buf[len - 1];
        mode = last === delim || last === LF ? FIELD_START : UNQUOTED;
        break;
      }
      mode = QUOTED;
      p = q + 1;
    }
    this.#mode = mode;
    return lastStretchEnd === -1 ? -1 : buf.lastIndexOf(LF, lastStretchEnd - 1) + 1;
  }
}

function asciiCode(ch: string, what: string): number {
  const code = ch.length === 1 ? ch.charCodeAt(0) : -1;
  // Multi-byte characters cannot be matched byte by byte; LF and CR as delimiter or quote collide
  // with the record ends the scan is looking for.
  if (code < 0 || code > 0x7f || code === LF || code === CR) {
    throw new FeedmillError('FEEDMILL_INTERNAL', `CSV boundary scan: the ${what} must be one ASCII character other than CR and LF, got ${JSON.stringify(ch)}`);
  }
  return code;
}
