/**
 * The XML engine: a strict, non-validating XML 1.0 parser (saxes) driven chunk by chunk by the
 * ingest loop, which only pulls the next chunk once this one is handled (real backpressure).
 *
 * Why saxes and not sax: sax parses ~35 M characters/s here, saxes ~130 M on the same Google RSS
 * feed, and sax was the whole cost of an XML ingest. sax remains the reference: the conformance
 * tests (test/ingest/xml/engine-conformance.test.ts) run this engine and one built on
 * `sax.parser(true, { strictEntities: true })` on a corpus and on random documents, and require the
 * same records, lines and paths, and a refusal of the same malformed documents.
 *
 * DOCTYPE declarations are refused outright: no entity expansion (billion laughs), no external
 * entities. Elements outside records are streamed and forgotten; each record element is collected
 * whole as an `XmlNode` and handed to the profile's mapper, so memory is bounded by the largest record.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { FeedmillError } from '../../errors.js';
import type { ProfileSink, XmlMapper, XmlNode } from '../profile.js';
import type { ScannedRecord } from './record-scanner.js';
import { linesSinceOpenEntity, saxesReason } from './saxes-error.js';

export type RootHandler = (name: string, attrs: Readonly<Record<string, string>>) => XmlMapper;

/**
 * Receives each record as source text instead of a node tree (a parallel load, whose shard threads
 * parse and map it again). `text` runs from the end of the previous tag outside records to the end
 * of the record's end tag: the record plus whatever whitespace or comments stood before it.
 */
export interface RecordForwarder {
  record(text: string, line: number, path: string): void;
}

/**
 * What saxes reads where the byte scanner took a record out, unless the record was bare (after a
 * '>' or a blank other than CR): a comment ends the text before it exactly where the record did, so
 * that text on either side never joins (a CR before the record stays a lone CR, one newline; a `]]`
 * before it never meets a `>` after it; `&amp` before it never meets a `;` after it).
 */
const RECORD_STAND_IN = '<!---->';

export interface XmlEngineOptions {
  /** Characters a single record may hold before it is refused as runaway. @default 64 MiB */
  maxRecordChars?: number;
}

export class XmlEngine {
  readonly #parser: SaxesParser<{ position: true }>;
  readonly #onRoot: RootHandler;
  readonly #sink: ProfileSink;
  #mapper: XmlMapper | undefined;
  /** Names of the open elements outside the current record, and their path once asked for. */
  readonly #outer: string[] = [];
  #outerPath: string | undefined;
  /** Open elements of the record being collected (first = the record element). */
  readonly #stack: XmlNode[] = [];
  #recordPath = '';
  #recordChars = 0;
  readonly #maxRecordChars: number;
  readonly #counters = new Map<string, number>();
  #records = 0;
  #sawRoot = false;
  #forward: RecordForwarder | undefined;
  /** Forwarding: text pushed since `#outerEnd` (flat strings, sliced without copying) and where each starts. */
  readonly #chunks: string[] = [];
  readonly #chunkStarts: number[] = [];
  #pushed = 0;
  /** Forwarding: stream position after the last tag outside records, depth inside the current record. */
  #outerEnd = 0;
  #recordDepth = 0;
  #recordStart = 0;
  #recordLine = 0;
  /** Newlines of the records saxes never read (byte scanner mode): added to saxes's line. */
  #lineShift = 0;
  /** Forwarding as text keeps the text pushed since the last tag outside records; scanned mode needs none. */
  #keepText = true;

  constructor(onRoot: RootHandler, sink: ProfileSink, options: XmlEngineOptions = {}) {
    this.#onRoot = onRoot;
    this.#sink = sink;
    this.#maxRecordChars = options.maxRecordChars ?? 64 * 1024 * 1024;
    // Only the five XML entities and character references are known (no DTD is ever read).
    const p = new SaxesParser({ position: true, xmlns: false });
    this.#parser = p;
    p.on('error', (e: Error) => {
      const line = p.line + this.#lineShift;
      const back = linesSinceOpenEntity(p, e);
      if (back !== undefined) {
        throw new FeedmillError(
          'FEEDMILL_XML_MALFORMED',
          `the XML is not well-formed: a & on line ${line - back} starts an entity reference that no ';' ever ends (the parser read on to line ${line}: ${saxesReason(e)}); write a bare & as &amp;`,
          { line: line - back },
          { cause: e },
        );
      }
      throw new FeedmillError(
        'FEEDMILL_XML_MALFORMED',
        `the XML is not well-formed at line ${line}, column ${p.column + 1}: ${saxesReason(e)}`,
        { line, column: p.column + 1 },
        { cause: e },
      );
    });
    p.on('doctype', () => {
      const line = p.line + this.#lineShift;
      throw new FeedmillError('FEEDMILL_XML_DOCTYPE', `the XML declares a DOCTYPE at line ${line}; DOCTYPEs are refused (entity expansion): remove it`, { line });
    });
    p.on('opentag', (tag) => this.#open(tag as SaxesTagPlain));
    p.on('closetag', () => this.#close());
    p.on('text', (t) => this.#text(t));
    p.on('cdata', (t) => this.#text(t));
  }

  get records(): number {
    return this.#records;
  }

  push(text: string): void {
    if ((this.#forward !== undefined && this.#keepText) || !this.#sawRoot) {
      this.#chunks.push(text);
      this.#chunkStarts.push(this.#pushed);
    }
    this.#pushed += text.length;
    this.#parser.write(text);
    if (this.#forward === undefined) {
      this.#chunks.length = 0;
      this.#chunkStarts.length = 0;
    } else if (this.#recordDepth > 0 && this.#pushed - this.#recordStart > this.#maxRecordChars) {
      throw this.#tooLong(this.#recordLine);
    }
  }

  /**
   * From now on, records go to `f` instead of to the mapper as nodes. Called by the root handler
   * (before any record). 'text': the parser still reads everything and each record goes as its
   * source text. 'scanned': the byte scanner cut the records out and saxes reads only what lies
   * outside them (see `scannedRecord`). Either way lines and paths are those of a one-thread load;
   * the shards parse every record whole, so a malformed one still fails the load.
   */
  forwardRecords(f: RecordForwarder, mode: 'text' | 'scanned' = 'text'): void {
    this.#forward = f;
    this.#keepText = mode === 'text';
    if (!this.#keepText) {
      this.#chunks.length = 0;
      this.#chunkStarts.length = 0;
    }
    this.#outerEnd = this.#parser.position;
    // Nothing reads text here any more (records go as source text): without a handler, saxes
    // skips building text strings altogether.
    this.#parser.off('text');
    this.#parser.off('cdata');
  }

  end(): void {
    this.#parser.close();
    if (!this.#sawRoot) throw new FeedmillError('FEEDMILL_XML_MALFORMED', 'the XML has no root element', { line: 1 });
  }

  /**
   * Scanned mode (`forwardRecords(f, 'scanned')`): the byte scanner found a record element here,
   * right after the text pushed so far (and `gapLines` newlines of blanks it skipped); saxes never
   * reads it. `tagLines` and `lines` are the newlines in its start tag and in the whole element.
   * Forwarded with the line and path a parse of the element would give it (its text is empty: the
   * scanner ships its bytes itself).
   */
  scannedRecord({ name, gapLines, tagLines, lines, bare }: ScannedRecord): void {
    const f = this.#forward;
    if (f === undefined || this.#keepText || this.#recordDepth > 0) {
      throw new FeedmillError('FEEDMILL_INTERNAL', 'XmlEngine.scannedRecord() outside scanned forwarding');
    }
    const p = this.#parser;
    if (!bare) p.write(RECORD_STAND_IN);
    this.#lineShift += gapLines;
    const line = p.line + this.#lineShift + tagLines;
    this.#lineShift += lines;
    this.#records++;
    f.record('', line, this.#nextRecordPath(name));
  }

  /** The path of the next record named `name` under the open outer elements: `/rss/channel/item[3]`. */
  #nextRecordPath(name: string): string {
    this.#outerPath ??= `/${this.#outer.join('/')}`;
    const key = `${this.#outerPath}/${name}`;
    const n = (this.#counters.get(key) ?? 0) + 1;
    this.#counters.set(key, n);
    return `${key}[${n}]`;
  }

  /** The mapper chosen at the root element, for its `finish()`. */
  get mapper(): XmlMapper | undefined {
    return this.#mapper;
  }

  #open(tag: SaxesTagPlain): void {
    const line = this.#parser.line + this.#lineShift;
    if (this.#recordDepth > 0) {
      this.#recordDepth++;
      return;
    }
    if (this.#stack.length > 0) {
      const node: XmlNode = { name: tag.name, attrs: tag.attributes, text: '', children: [], line };
      (this.#stack[this.#stack.length - 1] as XmlNode).children.push(node);
      this.#stack.push(node);
      return;
    }
    if (!this.#sawRoot) {
      this.#sawRoot = true;
      this.#mapper = this.#onRoot(tag.name, tag.attributes);
    }
    const depth = this.#outer.length;
    if (depth > 0 && (this.#mapper as XmlMapper).isRecord(tag.name, depth)) {
      this.#recordPath = this.#nextRecordPath(tag.name);
      this.#recordChars = 0;
      if (this.#forward !== undefined) {
        this.#recordDepth = 1;
        this.#recordLine = line;
        this.#recordStart = this.#outerEnd;
        return;
      }
      this.#stack.push({ name: tag.name, attrs: tag.attributes, text: '', children: [], line });
      return;
    }
    this.#outer.push(tag.name);
    this.#outerPath = undefined;
    this.#outerTag();
  }

  #close(): void {
    if (this.#recordDepth > 0) {
      if (--this.#recordDepth > 0) return;
      const end = this.#parser.position;
      this.#records++;
      (this.#forward as RecordForwarder).record(this.#slice(this.#outerEnd, end), this.#recordLine, this.#recordPath);
      this.#outerTag();
      return;
    }
    if (this.#stack.length === 0) {
      this.#outer.pop();
      this.#outerPath = undefined;
      this.#outerTag();
      return;
    }
    const node = this.#stack.pop() as XmlNode;
    if (this.#stack.length > 0) return;
    this.#records++;
    (this.#mapper as XmlMapper).record(node, { line: node.line, path: this.#recordPath }, this.#sink);
  }

  #text(t: string): void {
    const top = this.#stack[this.#stack.length - 1];
    if (top === undefined) return;
    top.text += t;
    this.#recordChars += t.length;
    if (this.#recordChars > this.#maxRecordChars) throw this.#tooLong((this.#stack[0] as XmlNode).line);
  }

  #tooLong(line: number): FeedmillError {
    return new FeedmillError('FEEDMILL_XML_MALFORMED', `the record ${this.#recordPath} holds more than ${this.#maxRecordChars} characters of text`, {
      path: this.#recordPath,
      line,
    });
  }

  /** Forwarding: a tag outside records ended here; the text before it is no longer needed. */
  #outerTag(): void {
    if (this.#forward === undefined || !this.#keepText) return;
    const at = this.#parser.position;
    this.#outerEnd = at;
    let drop = 0;
    while (drop < this.#chunks.length && (this.#chunkStarts[drop] as number) + (this.#chunks[drop] as string).length <= at) drop++;
    if (drop > 0) {
      this.#chunks.splice(0, drop);
      this.#chunkStarts.splice(0, drop);
    }
  }

  /** Forwarding: the pushed text between two stream positions. */
  #slice(from: number, to: number): string {
    let out = '';
    for (let i = 0; i < this.#chunks.length; i++) {
      const start = this.#chunkStarts[i] as number;
      const chunk = this.#chunks[i] as string;
      const end = start + chunk.length;
      if (end <= from) continue;
      if (start >= to) break;
      out += chunk.slice(Math.max(0, from - start), Math.min(chunk.length, to - start));
    }
    return out;
  }
}
