/**
 * Record elements of an XML byte stream, found without parsing them: the ingest thread gives saxes
 * only what lies outside records (verbatim), tells the XML engine where each record stood (its name
 * and newlines, so that lines and paths stay exactly right: `XmlEngine.scannedRecord`), and ships
 * the record bytes to shard threads, which parse them for real.
 *
 * The scan only tells constructs apart: comments, CDATA sections, PIs, `<!...>` declarations (to the
 * next '>', naively: saxes refuses DOCTYPEs anyway), end tags, and start tags whose quoted attribute
 * values may hold '>'. It jumps between them with `Buffer.indexOf` (native memchr) and never looks at
 * text byte by byte. It is not a validator: on a well-formed document it agrees with saxes, and on a
 * malformed one either it throws, or saxes fails on the outer bytes, or a shard fails on a record
 * (the caller then runs a validating pass for saxes's exact error, see first-error.ts).
 *
 * Bytes, not text: the encoding must be ASCII-compatible (UTF-8, Windows-1252, Mac Roman), where
 * '<', '>', quotes and newlines never occur inside a multi-byte character. Not UTF-16.
 *
 * Pull-based: the caller loops `while ((o = scanner.next()))`, feeding 'outer' bytes to saxes and
 * each record to the engine in its place. The first start tag (the root) is emitted alone, ending
 * its piece, so that the caller can learn the record test from saxes's root event and set it before
 * the scan goes on; until it is set, no element is a record.
 *
 * Outputs are views of the scanner's buffers (or of the pushed chunks), never written again by the
 * scanner: keep them as they are, but do not transfer their `.buffer` (it holds other bytes too).
 * 'outer' pieces may end inside a multi-byte character (decode them with a streaming decoder); a
 * record's bytes are a whole element.
 */
import { FeedmillError } from '../../errors.js';
import type { SingleByteEncoding } from '../legacy-encoding.js';

export type ScanOutput =
  /** Bytes outside records, verbatim. */
  | { kind: 'outer'; bytes: Buffer }
  /**
   * A whole record element (start tag to end tag), its name, and the newlines it holds (CR LF and a
   * lone CR count once, as XML reads them): `tagLines` inside its start tag, `lines` in all.
   * `gap`: blanks between a '>' and the record, which no one needs to read (not emitted as outer
   * bytes; `gapLines` newlines). `bare`: the last byte emitted before it is a '>' or a blank other
   * than CR, so the text on either side of it cannot join into something else once it is taken out
   * (see XmlEngine.scannedRecord).
   */
  | ({ kind: 'record'; bytes: Buffer; gap: Buffer } & ScannedRecord);

/** What the XML engine needs to know of a record the scanner took out of the stream. */
export interface ScannedRecord {
  name: string;
  gapLines: number;
  tagLines: number;
  lines: number;
  bare: boolean;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QMARK = 0x3f;
const DASH = 0x2d;
const LBRACKET = 0x5b;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const LF = 0x0a;
const CR = 0x0d;

const COMMENT_END = Buffer.from('-->');
const CDATA_OPEN = Buffer.from('<![CDATA[');
const CDATA_END = Buffer.from(']]>');
const PI_END = Buffer.from('?>');

const COMMENT = 1;
const CDATA = 2;
const PI = 3;
const DECL = 4;
const END_TAG = 5;
const START_TAG = 6;

/** Slots of the cached byte searches (see #find). */
const S_GT = 0;
const S_DQ = 1;
const S_SQ = 2;
const SLOT_BYTES = [GT, DQUOTE, SQUOTE];
/** Slots of the shortcut's needle searches (see #next). */
const S_BANG = 0;
const S_QMARK = 1;
const S_SAME = 2;

const DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;
const NO_BYTES = Buffer.alloc(0);

export class XmlRecordScanner {
  readonly #maxRecordBytes: number;
  #isRecord: ((name: string, depth: number) => boolean) | undefined;

  /** #view = the filled part of #data; its bytes from #start on are pending (not yet emitted). */
  #data: Buffer = Buffer.alloc(0);
  #view: Buffer = this.#data;
  /** True when #data was allocated here, so its tail past #view may be written. */
  #owned = false;
  #start = 0;
  /** Scan position: everything in [#start, #pos) is known complete (text and whole constructs). */
  #pos = 0;
  #ended = false;
  #done = false;
  #sawRoot = false;

  /** The construct starting at #consAt ('<'), classified but not yet complete; -1 when none. */
  #consAt = -1;
  #consKind = 0;
  /** Where to resume looking for its terminator. */
  #consScan = 0;
  /** In a start tag: the quote of the attribute value being skipped, or 0. */
  #quote = 0;
  /** Set by #construct for a complete start or end tag: the name's bytes and `/>`. */
  #nameStart = 0;
  #nameEnd = 0;
  #selfClosing = false;

  /** Names of the open elements outside records (raw bytes: end tags are compared byte for byte). */
  readonly #outer: Buffer[] = [];
  /** Inside a record: the record's '<' (= #start), the end of its start tag, and its open elements as name offsets from the '<'. */
  #inRecord = false;
  /** The last byte emitted (outer pieces are never empty). */
  #lastByte = 0;
  /** The blanks skipped before the current record, and their newlines. */
  #gap: Buffer = NO_BYTES;
  #gapLines = 0;
  #recName = '';
  #recTagEnd = 0;
  readonly #inner: number[] = [];

  /**
   * Cached forward searches for '>', '"' and "'": the next occurrence at or after #from[s] is #at[s]
   * (the end of #view then, when none), so it also answers any search from a position between the two. Without it,
   * looking for a quote in each start tag would scan to the buffer's end each time when the buffer
   * holds none (quadratic).
   */
  readonly #at = [0, 0, 0];
  readonly #from = [Infinity, Infinity, Infinity];
  /** The same cache for the record shortcut's multi-byte needles (see #recordEndAhead). */
  readonly #needles: (Buffer | undefined)[] = [Buffer.from('<!'), Buffer.from('<?'), undefined];
  readonly #needleAt = [0, 0, 0];
  readonly #needleFrom = [Infinity, Infinity, Infinity];
  #name: { open: Buffer; close: Buffer } | undefined;
  /** Single-byte documents: their decoder (streaming calls: see decodeSample in decode.ts). */
  readonly #nameDecoder: InstanceType<typeof TextDecoder> | undefined;

  /**
   * @param maxRecordBytes a record longer than this is refused as runaway. @default 256 MiB
   * @param encoding of the document: UTF-8 or a single-byte one (names are decoded in it).
   */
  constructor(maxRecordBytes: number = DEFAULT_MAX_RECORD_BYTES, encoding: 'utf-8' | SingleByteEncoding = 'utf-8') {
    this.#maxRecordBytes = maxRecordBytes;
    this.#nameDecoder = encoding === 'utf-8' ? undefined : new TextDecoder(encoding);
  }

  /** Text of `v[from, to)` (a name, or bytes quoted in an error) in the document's encoding. */
  #text(v: Buffer, from: number, to: number): string {
    const d = this.#nameDecoder;
    if (d === undefined) return v.toString('utf8', from, to);
    for (let k = from; k < to; k++) if ((v[k] as number) >= 0x80) return d.decode(v.subarray(from, to), { stream: true });
    return v.toString('latin1', from, to);
  }

  /** Consulted lazily at each start tag outside records; set it once the root is known. */
  setRecordTest(isRecord: (name: string, depth: number) => boolean): void {
    this.#isRecord = isRecord;
  }

  push(chunk: Buffer): void {
    if (this.#ended) throw new FeedmillError('FEEDMILL_INTERNAL', 'XML record scanner: push() after end() or takeRest()');
    if (chunk.length === 0) return;
    const len = this.#view.length;
    const pending = len - this.#start;
    if (pending === 0) {
      // Everything was emitted: take the chunk as it is, no copy.
      this.#rebase(len);
      this.#data = chunk;
      this.#owned = false;
      this.#view = chunk;
    } else if (this.#owned && len + chunk.length <= this.#data.length) {
      // Room in the tail: bytes past the end were never handed out, so writing there is safe.
      chunk.copy(this.#data, len);
      this.#view = this.#data.subarray(0, len + chunk.length);
    } else {
      // A new buffer (the old one may back emitted views), with room to grow: a record spanning
      // many chunks is copied O(log n) times, not once per chunk.
      const need = pending + chunk.length;
      const next = Buffer.allocUnsafe(need + Math.max(pending, chunk.length));
      this.#data.copy(next, 0, this.#start, len);
      chunk.copy(next, pending);
      this.#rebase(this.#start);
      this.#data = next;
      this.#owned = true;
      this.#view = next.subarray(0, need);
    }
    // A cached "none before the end" (at = the old end) no longer means none.
    const oldEnd = this.#view.length - chunk.length;
    for (let s = 0; s < 3; s++) {
      if ((this.#at[s] as number) >= oldEnd) this.#from[s] = Infinity;
      // A match found before the old end stays true, even for a needle of several bytes; only a
      // "none" (the old end) is void, a needle may now straddle it.
      if ((this.#needleAt[s] as number) >= oldEnd) this.#needleFrom[s] = Infinity;
    }
  }

  end(): void {
    this.#ended = true;
  }

  /**
   * Stops the scan and returns the bytes not yet emitted, verbatim (the caller then feeds the rest of
   * the input to saxes itself, e.g. when the root shows the load is not parallel). Later `next()`
   * calls return undefined, and `push()` throws.
   */
  takeRest(): Buffer {
    if (this.#inRecord) throw new FeedmillError('FEEDMILL_INTERNAL', 'XML record scanner: takeRest() inside a record');
    const rest = this.#view.subarray(this.#start);
    this.#start = this.#pos = this.#view.length;
    this.#consAt = -1;
    this.#done = this.#ended = true;
    return rest;
  }

  next(): ScanOutput | undefined {
    if (this.#done) return undefined;
    return this.#inRecord ? this.#scanRecord() : this.#scanOuter();
  }

  /** Positions move by -delta when the pending bytes move to the start of a new buffer. */
  #rebase(delta: number): void {
    if (delta === 0) return;
    this.#start -= delta;
    this.#pos -= delta;
    this.#recTagEnd -= delta;
    if (this.#consAt >= 0) this.#consAt -= delta;
    this.#consScan -= delta;
    for (let s = 0; s < 3; s++) {
      (this.#at as number[])[s] = (this.#at[s] as number) - delta;
      (this.#from as number[])[s] = (this.#from[s] as number) - delta;
      (this.#needleAt as number[])[s] = (this.#needleAt[s] as number) - delta;
      (this.#needleFrom as number[])[s] = (this.#needleFrom[s] as number) - delta;
    }
  }

  #scanOuter(): ScanOutput | undefined {
    const v = this.#view;
    const len = v.length;
    let p = this.#pos;
    for (;;) {
      const lt = this.#consAt >= 0 ? this.#consAt : v.indexOf(LT, p);
      if (lt === -1) {
        p = len;
        break;
      }
      const end = this.#construct(lt);
      if (end === -1) {
        p = lt;
        break;
      }
      if (this.#consKind === START_TAG) {
        const depth = this.#outer.length;
        if (!this.#sawRoot) {
          // The root ends this piece: the caller sets the record test from saxes's root event.
          this.#sawRoot = true;
          if (!this.#selfClosing) this.#outer.push(Buffer.from(v.subarray(this.#nameStart, this.#nameEnd)));
          this.#pos = end;
          return this.#emitOuter(end);
        }
        const test = this.#isRecord;
        let name: string;
        if (depth > 0 && test !== undefined && test((name = this.#text(v, this.#nameStart, this.#nameEnd)), depth)) {
          this.#recName = name;
          let piece: ScanOutput | undefined;
          this.#gap = NO_BYTES;
          this.#gapLines = 0;
          if (lt > this.#start) {
            // Blanks between a '>' saxes has read and the record: text no one reads, so the caller
            // need not decode it nor saxes read it (one outer piece less per record in a feed).
            if (this.#lastByte === GT && blanksOnly(v, this.#start, lt)) {
              this.#gap = v.subarray(this.#start, lt);
              this.#gapLines = newlines(v, this.#start, lt);
              this.#start = lt;
            } else piece = this.#emitOuter(lt);
          }
          this.#inRecord = true;
          this.#recTagEnd = end;
          this.#pos = end;
          this.#inner.length = 0;
          // A self-closing record has no inner stack: #scanRecord emits it at once.
          if (!this.#selfClosing) this.#inner.push(this.#nameStart - lt, this.#nameEnd - lt);
          return piece ?? this.#scanRecord();
        }
        if (!this.#selfClosing) this.#outer.push(Buffer.from(v.subarray(this.#nameStart, this.#nameEnd)));
      } else if (this.#consKind === END_TAG) {
        const open = this.#outer.pop();
        if (open === undefined || !this.#endTagNames(lt, open, 0, open.length)) {
          throw this.#anomaly(open === undefined ? `an end tag ${this.#quoteName(lt)} closes no open element` : `the end tag ${this.#quoteName(lt)} does not match <${this.#text(open, 0, open.length)}>`);
        }
      }
      p = end;
    }
    if (this.#ended) {
      // Incomplete input goes to saxes as it is: it reports the error.
      p = len;
      this.#done = true;
    }
    this.#pos = p;
    return p > this.#start ? this.#emitOuter(p) : undefined;
  }

  #scanRecord(): ScanOutput | undefined {
    const v = this.#view;
    const len = v.length;
    const r = this.#start;
    if (this.#inner.length === 0) return this.#emitRecord(this.#recTagEnd, this.#recTagEnd); // self-closing
    if (this.#inner.length === 2 && this.#consAt < 0) {
      const out = this.#recordEndAhead();
      if (out !== undefined) return out;
    }
    let p = this.#pos;
    for (;;) {
      const lt = this.#consAt >= 0 ? this.#consAt : v.indexOf(LT, p);
      if (lt === -1) {
        p = len;
        break;
      }
      const end = this.#construct(lt);
      if (end === -1) {
        p = lt;
        break;
      }
      if (this.#consKind === START_TAG) {
        if (!this.#selfClosing) this.#inner.push(this.#nameStart - r, this.#nameEnd - r);
      } else if (this.#consKind === END_TAG) {
        const ne = this.#inner.pop() as number;
        const ns = this.#inner.pop() as number;
        // Only the record's own end tag is checked here: a mismatch further in is found by the
        // shard, which parses the whole record (and a failed load is then re-checked by saxes).
        // Comparing every inner name cost 7 % of the ingest thread.
        if (this.#inner.length === 0) {
          if (!this.#endTagNames(lt, v, r + ns, r + ne)) {
            throw this.#anomaly(`the end tag ${this.#quoteName(lt)} does not match <${this.#text(v, r + ns, r + ne)}> in a record`);
          }
          return this.#emitRecord(this.#recTagEnd, end);
        }
      }
      p = end;
    }
    this.#pos = p;
    if (len - r > this.#maxRecordBytes) throw this.#tooLong();
    if (this.#ended) throw this.#anomaly(`the record <${this.#text(v, r + (this.#inner[0] as number), r + (this.#inner[1] as number))}> is never closed`);
    return undefined;
  }

  /**
   * The construct starting with the '<' at `lt`: its end (past its last byte), or -1 when it goes
   * on past the bytes at hand (the scan state is kept, so the next call resumes where this one left).
   * A complete tag sets #nameStart, #nameEnd and #selfClosing.
   */
  #construct(lt: number): number {
    const v = this.#view;
    const len = v.length;
    if (this.#consAt !== lt) {
      if (!this.#classify(lt)) return -1;
      this.#consAt = lt;
      this.#quote = 0;
    }
    let end = -1;
    switch (this.#consKind) {
      case COMMENT:
        end = this.#until(COMMENT_END, lt + 4);
        break;
      case CDATA:
        end = this.#until(CDATA_END, lt + 9);
        break;
      case PI:
        end = this.#until(PI_END, lt + 2);
        break;
      case DECL:
      case END_TAG: {
        const gt = this.#find(S_GT, this.#consScan);
        if (gt === -1) this.#consScan = len;
        else end = gt + 1;
        break;
      }
      default:
        end = this.#startTag();
    }
    if (end === -1) return -1;
    this.#consAt = -1;
    if (this.#consKind === START_TAG) {
      let n = lt + 1;
      // Names are short: a byte loop here is cheaper than any search.
      for (let c = v[n] as number; n < end && c !== GT && c !== SLASH && c !== 0x20 && c !== 0x09 && c !== LF && c !== CR; c = v[++n] as number);
      this.#nameStart = lt + 1;
      this.#nameEnd = n;
      this.#selfClosing = v[end - 2] === SLASH;
    }
    return end;
  }

  /** Decides what the '<' at `lt` opens, or returns false when too few bytes follow to tell. */
  #classify(lt: number): boolean {
    const v = this.#view;
    const len = v.length;
    if (lt + 1 >= len) return false;
    const b1 = v[lt + 1];
    if (b1 === BANG) {
      if (lt + 2 >= len) return false;
      const b2 = v[lt + 2];
      if (b2 === DASH) {
        if (lt + 3 >= len) return false;
        this.#consKind = v[lt + 3] === DASH ? COMMENT : DECL;
      } else if (b2 === LBRACKET) {
        const have = Math.min(len - lt, CDATA_OPEN.length);
        if (v.compare(CDATA_OPEN, 0, have, lt, lt + have) !== 0) this.#consKind = DECL;
        else if (have < CDATA_OPEN.length) return false;
        else this.#consKind = CDATA;
      } else {
        this.#consKind = DECL;
      }
    } else if (b1 === QMARK) {
      this.#consKind = PI;
    } else if (b1 === SLASH) {
      this.#consKind = END_TAG;
    } else {
      this.#consKind = START_TAG;
    }
    // From the first byte that may be a terminator ('<>' is malformed, but ends there for saxes too).
    this.#consScan = this.#consKind === START_TAG ? lt + 1 : lt + 2;
    return true;
  }

  /** Past the first `term` at or after max(from, #consScan), or -1 (the resume point is kept). */
  #until(term: Buffer, from: number): number {
    const v = this.#view;
    const k = v.indexOf(term, Math.max(from, this.#consScan));
    if (k !== -1) return k + term.length;
    // A terminator may start in the last bytes: look there again next time, not earlier.
    this.#consScan = Math.max(from, v.length - term.length + 1);
    return -1;
  }

  /**
   * The shortcut for a record at depth 1 (most of them, whole): its own end tag found with one
   * search instead of a walk over every tag inside. It holds when nothing between here and that end
   * tag can hide or nest one: no comment, CDATA section, PI or declaration (`<!`, `<?`) and no
   * start tag of the record's own name. Attribute values cannot hold '<'. Anything else, or bytes not
   * yet at hand, and the walk below runs instead. On a malformed record the cut may differ from the
   * walk's, but the shard parses the record whole and fails it (see the module comment).
   */
  #recordEndAhead(): ScanOutput | undefined {
    const v = this.#view;
    const r = this.#start;
    const ns = r + (this.#inner[0] as number);
    const ne = r + (this.#inner[1] as number);
    const name = this.#recordName(ns, ne);
    const p = this.#pos;
    let close = v.indexOf(name.close, p);
    if (close === -1) return undefined;
    // CDATA sections and comments before it are stepped over whole (a feed's HTML descriptions sit
    // in CDATA: 15 % of the bench's items, which took the walk below, ~25 tags each): what they
    // hold is text, so an end tag inside one is not the record's, and the search starts again past it.
    for (let bang = this.#next(S_BANG, p); bang < close; ) {
      const past = this.#pastTextSection(bang);
      if (past === -1) return undefined;
      if (past > close) {
        close = v.indexOf(name.close, past);
        if (close === -1) return undefined;
      }
      bang = this.#next(S_BANG, past);
    }
    const after = close + name.close.length;
    if (after >= v.length) return undefined;
    const c = v[after];
    let gt = after;
    if (c !== GT) {
      if (c !== 0x20 && c !== 0x09 && c !== LF && c !== CR) return undefined;
      gt = v.indexOf(GT, after);
      if (gt === -1) return undefined;
      for (let k = after; k < gt; k++) {
        const b = v[k];
        if (b !== 0x20 && b !== 0x09 && b !== LF && b !== CR) return undefined;
      }
    }
    if (this.#next(S_QMARK, p) < close) return undefined;
    // A start tag of the record's own name before `close` would nest: `<item` then a blank, '>' or '/'.
    for (let k = this.#next(S_SAME, p); k < close; k = this.#next(S_SAME, k + 1)) {
      const b = v[k + name.open.length];
      if (b === GT || b === SLASH || b === 0x20 || b === 0x09 || b === LF || b === CR) return undefined;
    }
    return this.#emitRecord(this.#recTagEnd, gt + 1);
  }

  /**
   * Past the end of the CDATA section or comment opening at `at` (a '<!'), or -1 when it is neither
   * (a declaration inside a record: the walk decides) or does not end in the bytes at hand.
   */
  #pastTextSection(at: number): number {
    const v = this.#view;
    let end: Buffer;
    let from: number;
    if (at + CDATA_OPEN.length <= v.length && v.compare(CDATA_OPEN, 0, CDATA_OPEN.length, at, at + CDATA_OPEN.length) === 0) {
      end = CDATA_END;
      from = at + CDATA_OPEN.length;
    } else if (v[at + 2] === DASH && v[at + 3] === DASH) {
      end = COMMENT_END;
      from = at + 4;
    } else return -1;
    const k = v.indexOf(end, from);
    return k === -1 ? -1 : k + end.length;
  }

  /** `<name` and `</name` of the current record, rebuilt only when the name changes. */
  #recordName(ns: number, ne: number): { open: Buffer; close: Buffer } {
    const v = this.#view;
    const cached = this.#name;
    if (cached !== undefined && cached.open.length === ne - ns + 1 && v.compare(cached.open, 1, cached.open.length, ns, ne) === 0) return cached;
    const bytes = v.subarray(ns, ne);
    const name = { open: Buffer.concat([Buffer.from('<'), bytes]), close: Buffer.concat([Buffer.from('</'), bytes]) };
    this.#name = name;
    this.#needles[S_SAME] = name.open;
    this.#needleFrom[S_SAME] = Infinity;
    return name;
  }

  /** The next needle `s` at or after p (the end of #view when none), from the cache when it still answers. */
  #next(s: number, p: number): number {
    const at = this.#needleAt[s] as number;
    if ((this.#needleFrom[s] as number) <= p && p <= at) return at;
    let found = this.#view.indexOf(this.#needles[s] as Buffer, p);
    if (found === -1) found = this.#view.length;
    this.#needleAt[s] = found;
    this.#needleFrom[s] = p;
    return found;
  }

  /** The end of the start tag being scanned, skipping quoted attribute values; -1 when incomplete. */
  #startTag(): number {
    const len = this.#view.length;
    let p = this.#consScan;
    for (;;) {
      if (this.#quote !== 0) {
        const close = this.#find(this.#quote === DQUOTE ? S_DQ : S_SQ, p);
        if (close === -1) {
          this.#consScan = len;
          return -1;
        }
        this.#quote = 0;
        p = close + 1;
      }
      const gt = this.#find(S_GT, p);
      const limit = gt === -1 ? len : gt;
      const dq = this.#find(S_DQ, p);
      const sq = this.#find(S_SQ, p);
      const q = dq !== -1 && dq < limit && (sq === -1 || dq < sq) ? dq : sq !== -1 && sq < limit ? sq : -1;
      if (q !== -1) {
        this.#quote = this.#view[q] as number;
        p = q + 1;
        continue;
      }
      if (gt === -1) {
        this.#consScan = len;
        return -1;
      }
      return gt + 1;
    }
  }

  /** The next `SLOT_BYTES[s]` at or after p (-1: none in the bytes at hand), from the cache when it still answers. */
  #find(s: number, p: number): number {
    const len = this.#view.length;
    let at = this.#at[s] as number;
    if (!((this.#from[s] as number) <= p && p <= at)) {
      at = this.#view.indexOf(SLOT_BYTES[s] as number, p);
      if (at === -1) at = len;
      this.#at[s] = at;
      this.#from[s] = p;
    }
    return at < len ? at : -1;
  }

  /** Whether the end tag at `lt` names exactly the bytes src[from, to) (then only blanks before its '>'). */
  #endTagNames(lt: number, src: Buffer, from: number, to: number): boolean {
    const v = this.#view;
    const n = to - from;
    const after = lt + 2 + n;
    if (after >= v.length || v.compare(src, from, to, lt + 2, after) !== 0) return false;
    const c = v[after];
    return c === GT || c === 0x20 || c === 0x09 || c === LF || c === CR;
  }

  #emitOuter(to: number): ScanOutput {
    const bytes = this.#view.subarray(this.#start, to);
    this.#start = to;
    this.#lastByte = bytes[bytes.length - 1] as number;
    return { kind: 'outer', bytes };
  }

  /** The record from #start to `end`; its start tag ends at `contentStart`. */
  #emitRecord(contentStart: number, end: number): ScanOutput {
    const v = this.#view;
    const r = this.#start;
    if (end - r > this.#maxRecordBytes) throw this.#tooLong();
    const bytes = v.subarray(r, end);
    const tagLines = newlines(v, r, contentStart);
    const lines = tagLines + newlines(v, contentStart, end);
    this.#inRecord = false;
    this.#inner.length = 0;
    this.#start = end;
    this.#pos = end;
    const b = this.#lastByte;
    this.#lastByte = GT;
    return { kind: 'record', bytes, gap: this.#gap, name: this.#recName, gapLines: this.#gapLines, tagLines, lines, bare: b === GT || b === 0x20 || b === LF || b === 0x09 };
  }

  /** The end tag at `lt` as written, for messages. */
  #quoteName(lt: number): string {
    const v = this.#view;
    const gt = v.indexOf(GT, lt);
    return this.#text(v, lt, Math.min(gt === -1 ? v.length : gt + 1, lt + 80));
  }

  #anomaly(what: string): FeedmillError {
    return new FeedmillError('FEEDMILL_XML_MALFORMED', `the XML is not well-formed: ${what}`);
  }

  #tooLong(): FeedmillError {
    return new FeedmillError('FEEDMILL_XML_MALFORMED', `an XML record is longer than ${this.#maxRecordBytes} bytes`, { maxRecordBytes: this.#maxRecordBytes });
  }
}

/**
 * Newlines in v[from, to) as XML reads them (§2.11): CR LF and a lone CR are one newline each. The
 * ranges end at a '>' or right before a '<', so a CR's follower is inside them or is not an LF.
 * Searched in a view of the range: a search that ran on to the end of the buffer would make a chunk
 * of many records quadratic.
 */
function newlines(v: Buffer, from: number, to: number): number {
  const w = v.subarray(from, to);
  let n = 0;
  for (let k = w.indexOf(LF); k !== -1; k = w.indexOf(LF, k + 1)) n++;
  for (let k = w.indexOf(CR); k !== -1; k = w.indexOf(CR, k + 1)) if (w[k + 1] !== LF) n++;
  return n;
}

/** Whether v[from, to) holds only XML blanks. */
function blanksOnly(v: Buffer, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const b = v[k];
    if (b !== 0x20 && b !== LF && b !== 0x09 && b !== CR) return false;
  }
  return true;
}
