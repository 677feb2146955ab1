/**
 * A stream-free CSV engine: text chunks in, records (fields + line + byte offset) out.
 *
 * Semantics are csv-parse's with `{ relax_quotes: true, relax_column_count: true,
 * skip_empty_lines: true }` (the conformance tests in test/ingest/csv compare both on a corpus):
 * RFC 4180 quoting with doubled quotes, quoted fields spanning lines, `\n` or `\r\n` record ends
 * (or `\r` alone, the classic Mac line end, when the dialect says so: see `CsvDialect.lineEnd`),
 * a quote inside an unquoted field kept literally (`5" screen`), a quote inside a quoted field that
 * is not followed by a delimiter or a line end kept literally. An unclosed quote fails the file
 * (FEEDMILL_CSV_UNCLOSED_QUOTE) with the line where the field opened.
 *
 * Why not csv-parse itself: it parses ~78,000 merchant rows/s here; the ingest target is 150,000
 * offers/s including the SQLite inserts. Rows without quotes (most of a feed) take a fast path:
 * one `indexOf` for the line end, one for a quote, one native `split`.
 *
 * Memory is bounded: a record longer than `maxRecordChars` is an error, not an ever-growing buffer
 * (it is almost always an unclosed quote far above). One departure from csv-parse: a Ctrl-Z that
 * ends the input is dropped (see `end`).
 */
import { FeedmillError } from '../../errors.js';

export interface CsvDialect {
  delimiter: string;
  /** null: quoting disabled (some TSV exports). */
  quote: string | null;
  /**
   * 'cr': records end at a lone CR, and LF is content (Excel for Mac's "CSV (Macintosh)", classic
   * Mac exports); lines are counted in CRs. Absent: records end at LF or CR LF, a lone CR is content.
   * csv-parse discovers the same from the first line end outside quotes (see `sniffLineEnd`).
   */
  lineEnd?: 'cr' | undefined;
}

/**
 * Receives each record with the line it starts on and its raw text. The record's byte offset is
 * computed on demand by `CsvEngine.recordByteOffset()` (valid during the call): measuring UTF-8
 * lengths per record cost a third of the parse, and only rejected records need it.
 */
export interface CsvRecordSink {
  (fields: string[], line: number, raw: string): void;
}

const LF = 10;
const CR = 13;
const DOS_EOF = '\u001a';
/** A record longer than this is an error (almost always an unclosed quote far above). */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

export interface CsvEngineOptions {
  maxRecordChars?: number;
  /** Line and byte offset of the first character pushed (a chunk of a larger file). */
  firstLine?: number;
  firstByte?: number;
  /**
   * Source bytes of a decoded text, for byte offsets (`sourceLength` in decode.ts). @default UTF-8
   * length.
   */
  measure?: ((text: string) => number) | undefined;
}

export class CsvEngine {
  readonly #delim: string;
  readonly #delimCode: number;
  readonly #quote: string | null;
  readonly #quoteCode: number;
  readonly #onRecord: CsvRecordSink;
  readonly #maxRecordChars: number;
  readonly #measure: (text: string) => number;
  /** The character that ends a record ('\n', or '\r' for a CR dialect), and whether a CR before it belongs to the line end. */
  readonly #eol: string;
  readonly #eolCode: number;
  readonly #crlf: boolean;
  /** Unconsumed text: the start of a record that continues in the next chunk. */
  #buf = '';
  /** 1-based line of the start of #buf. */
  #line = 1;
  /** Byte offset of the start of #buf in the source (see `measure`). */
  #byteStart = 0;
  /** Source bytes of #buf. */
  #bufBytes = 0;
  /** Byte-offset checkpoint inside the buffer being parsed: char index and its byte offset. */
  #ckChar = 0;
  #ckByte = 0;
  /** Char index (in the buffer being parsed) of the record being delivered. */
  #recStart = 0;
  #parsing = '';
  #records = 0;
  /** Cache for #unquotedEnd: the first '\n' at or after #nlCacheAt (buffer length when none). */
  #nlCache = -1;
  #nlCacheAt = -1;

  constructor(dialect: CsvDialect, onRecord: CsvRecordSink, options: CsvEngineOptions = {}) {
    if (dialect.delimiter.length !== 1) throw new FeedmillError('FEEDMILL_INTERNAL', 'CSV delimiter must be one character');
    this.#delim = dialect.delimiter;
    this.#delimCode = dialect.delimiter.charCodeAt(0);
    this.#quote = dialect.quote;
    this.#quoteCode = dialect.quote === null ? -1 : dialect.quote.charCodeAt(0);
    this.#onRecord = onRecord;
    this.#crlf = dialect.lineEnd !== 'cr';
    this.#eol = this.#crlf ? '\n' : '\r';
    this.#eolCode = this.#eol.charCodeAt(0);
    this.#maxRecordChars = options.maxRecordChars ?? MAX_RECORD_CHARS;
    this.#measure = options.measure ?? Buffer.byteLength;
    this.#line = options.firstLine ?? 1;
    this.#byteStart = options.firstByte ?? 0;
  }

  /**
   * Byte offset, in the UTF-8 decoded stream, of the record being delivered to the sink. Measured
   * from the last checkpoint, so asking for every record stays linear.
   */
  recordByteOffset(): number {
    if (this.#recStart > this.#ckChar) {
      this.#ckByte += this.#measure(this.#parsing.slice(this.#ckChar, this.#recStart));
      this.#ckChar = this.#recStart;
    }
    return this.#ckByte;
  }

  get records(): number {
    return this.#records;
  }

  #offsetAt(charIndex: number): number {
    this.#recStart = charIndex;
    return this.recordByteOffset();
  }

  /** Lines consumed so far (the line the next record starts on). */
  get line(): number {
    return this.#line;
  }

  /**
   * `chunkBytes`: the chunk's source length when the caller knows it (a UTF-8 decoder does), so that
   * only the unparsed tail of each chunk is measured to carry byte offsets over: measuring whole
   * chunks cost about 0.9 µs per merchant row, for offsets that only rejects use.
   */
  push(chunk: string, chunkBytes?: number): void {
    this.#buf = this.#buf.length === 0 ? chunk : this.#buf + chunk;
    this.#bufBytes += chunkBytes ?? this.#measure(chunk);
    this.#parse(false);
    if (this.#buf.length > this.#maxRecordChars) {
      throw new FeedmillError(
        'FEEDMILL_CSV_UNCLOSED_QUOTE',
        `a record starting at line ${this.#line} runs for more than ${this.#maxRecordChars} characters: a quote is probably never closed there`,
        { line: this.#line, byteOffset: this.#byteStart },
      );
    }
  }

  end(): void {
    // A Ctrl-Z (SUB) as the very last character is the DOS end-of-file mark that old Windows tools
    // still append, not data: csv-parse would read it as a one-field record (or glue it to the last
    // field when no line end precedes it), and every load of such a file would report a bad record.
    if (this.#buf.endsWith(DOS_EOF)) {
      this.#buf = this.#buf.slice(0, -1);
      this.#bufBytes -= this.#measure(DOS_EOF);
    }
    this.#parse(true);
    this.#buf = '';
  }

  /**
   * Index of the delimiter or line end that closes an unquoted field starting at `i` (or the
   * length). Two native `indexOf` scans instead of a per-character loop; the line end position is
   * cached across the fields of a record, so each line is scanned for it once.
   */
  #unquotedEnd(buf: string, i: number): number {
    if (this.#nlCacheAt > i || this.#nlCache < i) {
      this.#nlCacheAt = i;
      const nl = buf.indexOf(this.#eol, i);
      this.#nlCache = nl === -1 ? buf.length : nl;
    }
    const d = buf.indexOf(this.#delim, i);
    let end = d !== -1 && d < this.#nlCache ? d : this.#nlCache;
    if (this.#crlf && end === this.#nlCache && end > i && end < buf.length && buf.charCodeAt(end - 1) === CR) end--;
    return end;
  }

  #parse(final: boolean): void {
    const buf = this.#buf;
    this.#nlCache = -1;
    this.#nlCacheAt = -1;
    const len = buf.length;
    let pos = 0;
    let line = this.#line;
    this.#parsing = buf;
    this.#ckChar = 0;
    this.#ckByte = this.#byteStart;
    const delim = this.#delim;
    const quote = this.#quote;
    const eol = this.#eol;
    const eolCode = this.#eolCode;
    const crlf = this.#crlf;

    while (pos < len) {
      const c0 = buf.charCodeAt(pos);
      // Empty line (skip_empty_lines).
      if (c0 === eolCode || (crlf && c0 === CR && buf.charCodeAt(pos + 1) === LF)) {
        const step = c0 === eolCode ? 1 : 2;
        pos += step;
        line++;
        continue;
      }
      const nl = buf.indexOf(eol, pos);
      if (nl === -1 && !final) break;
      const lineEnd = nl === -1 ? len : nl;
      const q = quote === null ? -1 : buf.indexOf(quote, pos);
      if (q === -1 || q >= lineEnd) {
        // Fast path: no quote before the line end.
        let textEnd = lineEnd;
        if (crlf && textEnd > pos && buf.charCodeAt(textEnd - 1) === CR) textEnd--;
        const raw = buf.slice(pos, textEnd);
        this.#records++;
        this.#recStart = pos;
        this.#onRecord(raw.split(delim), line, raw);
        pos = nl === -1 ? len : nl + 1;
        line++;
        continue;
      }
      // Slow path: quoted fields, possibly spanning lines.
      const start = pos;
      const fields: string[] = [];
      let i = pos;
      let newlines = 0;
      let complete = false;
      let relaxed = false;
      let relaxedPrefix = '';
      for (;;) {
        const quoted = i < len && buf.charCodeAt(i) === this.#quoteCode;
        if (quoted) {
          // Quoted field.
          let value = '';
          let j = i + 1;
          let closed = false;
          for (;;) {
            const k = buf.indexOf(quote as string, j);
            if (k === -1) break;
            if (k + 1 >= len && !final) break; // cannot tell yet if it is doubled or closing
            const next = buf.charCodeAt(k + 1);
            if (next === this.#quoteCode) {
              value += buf.slice(j, k + 1);
              j = k + 2;
              continue;
            }
            const crBeforeLf = crlf && next === CR && (k + 2 >= len || buf.charCodeAt(k + 2) === LF);
            if (k + 1 >= len || next === this.#delimCode || next === eolCode || crBeforeLf) {
              if (crBeforeLf && k + 2 >= len && !final) break;
              value += buf.slice(j, k);
              i = k + 1;
              closed = true;
              break;
            }
            // A closing quote followed by other text ("abc"def): like csv-parse with relax_quotes, the
            // field continues unquoted, the quotes read so far kept literally.
            relaxedPrefix = (quote as string) + value + buf.slice(j, k + 1);
            i = k + 1;
            relaxed = true;
            break;
          }
          if (!closed && !relaxed) {
            if (final) {
              throw new FeedmillError(
                'FEEDMILL_CSV_UNCLOSED_QUOTE',
                `the quoted field opened at line ${line + countNewlines(buf, start, i, eol)} is never closed; close the quote or escape it by doubling ("")`,
                { line: line + countNewlines(buf, start, i, eol), byteOffset: this.#offsetAt(start) },
              );
            }
            break; // need more data
          }
          if (closed) {
            newlines += countNewlines(value, 0, value.length, eol);
            fields.push(value);
          }
        }
        if (!quoted || relaxed) {
          // Unquoted field: up to the delimiter or the line end; quotes inside are literal.
          const k = this.#unquotedEnd(buf, i);
          if (k >= len && !final) break;
          if (relaxed) {
            newlines += countNewlines(relaxedPrefix, 0, relaxedPrefix.length, eol);
            fields.push(relaxedPrefix + buf.slice(i, k));
            relaxed = false;
          } else {
            fields.push(buf.slice(i, k));
          }
          i = k;
        }
        // After a field: delimiter, line end, or end of input.
        if (i >= len) {
          if (!final) break;
          complete = true;
          break;
        }
        const c = buf.charCodeAt(i);
        if (c === this.#delimCode) {
          i++;
          if (i >= len && final) {
            fields.push('');
            complete = true;
            break;
          }
          continue;
        }
        if (c === eolCode) {
          i++;
          complete = true;
          break;
        }
        if (crlf && c === CR && buf.charCodeAt(i + 1) === LF) {
          i += 2;
          complete = true;
          break;
        }
        if (crlf && c === CR && i + 1 >= len) {
          if (!final) break;
          i++;
          complete = true;
          break;
        }
        throw new FeedmillError('FEEDMILL_INTERNAL', `CSV engine stuck at line ${line}`);
      }
      if (!complete) break;
      let rawEnd = i;
      while (rawEnd > start && (buf.charCodeAt(rawEnd - 1) === eolCode || (crlf && buf.charCodeAt(rawEnd - 1) === CR))) rawEnd--;
      this.#records++;
      this.#recStart = start;
      this.#onRecord(fields, line, buf.slice(start, rawEnd));
      line += newlines + (buf.charCodeAt(i - 1) === eolCode ? 1 : 0);
      pos = i;
    }
    this.#buf = pos >= len ? '' : buf.slice(pos);
    this.#line = line;
    const tailBytes = pos >= len ? 0 : pos === 0 ? this.#bufBytes : this.#measure(this.#buf);
    this.#byteStart += this.#bufBytes - tailBytes;
    this.#bufBytes = tailBytes;
    this.#parsing = '';
  }
}

/** Line ends (`eol`: the dialect's record end character) in s[from, to). */
function countNewlines(s: string, from: number, to: number, eol: string): number {
  let n = 0;
  for (let i = s.indexOf(eol, from); i !== -1 && i < to; i = s.indexOf(eol, i + 1)) n++;
  return n;
}
