/**
 * The reference for the XML engine's conformance tests: the engine as first written on
 * `sax.parser()`, the library whose semantics feedmill follows. Production uses saxes (3.5-4x
 * faster here); test/ingest/xml/engine-conformance.test.ts proves both give the same records and
 * refuse the same documents.
 *
 * Original notes: `sax.parser()` in strict mode with strict entities, driven chunk by chunk by the
 * ingest loop (sax's own stream gives no backpressure: its `write()` always returns true, so we
 * feed the parser ourselves and only pull the next chunk when this one is handled).
 *
 * DOCTYPE declarations are refused outright: no entity expansion (billion laughs), no external
 * entities. Elements outside records are streamed and forgotten; each record element is collected
 * whole as an `XmlNode` and handed to the profile's mapper, so memory is bounded by the largest record.
 */
import sax from 'sax';
import { FeedmillError } from '../../../src/errors.js';
import type { ProfileSink, XmlMapper, XmlNode } from '../../../src/ingest/profile.js';

export type RootHandler = (name: string, attrs: Readonly<Record<string, string>>) => XmlMapper;

export interface XmlEngineOptions {
  /** Characters a single record may hold before it is refused as runaway. @default 64 MiB */
  maxRecordChars?: number;
}

export class SaxReferenceEngine {
  readonly #parser: sax.SAXParser;
  readonly #onRoot: RootHandler;
  readonly #sink: ProfileSink;
  #mapper: XmlMapper | undefined;
  /** Names of the open elements outside the current record. */
  readonly #outer: string[] = [];
  /** Open elements of the record being collected (first = the record element). */
  readonly #stack: XmlNode[] = [];
  #recordPath = '';
  #recordChars = 0;
  readonly #maxRecordChars: number;
  readonly #counters = new Map<string, number>();
  #records = 0;
  #sawRoot = false;

  constructor(onRoot: RootHandler, sink: ProfileSink, options: XmlEngineOptions = {}) {
    this.#onRoot = onRoot;
    this.#sink = sink;
    this.#maxRecordChars = options.maxRecordChars ?? 64 * 1024 * 1024;
    // strictEntities (in sax, missing from its typings): only the five XML entities and numeric references.
    const saxOptions: sax.SAXOptions & { strictEntities: boolean } = {
      trim: false,
      normalize: false,
      lowercase: false,
      xmlns: false,
      position: true,
      strictEntities: true,
    };
    const p = sax.parser(true, saxOptions);
    this.#parser = p;
    p.onerror = (e: Error) => {
      throw new FeedmillError(
        'FEEDMILL_XML_MALFORMED',
        `the XML is not well-formed at line ${p.line + 1}, column ${p.column + 1}: ${e.message.split('\n')[0]}`,
        { line: p.line + 1, column: p.column + 1 },
        { cause: e },
      );
    };
    p.ondoctype = () => {
      throw new FeedmillError('FEEDMILL_XML_DOCTYPE', `the XML declares a DOCTYPE at line ${p.line + 1}; DOCTYPEs are refused (entity expansion): remove it`, {
        line: p.line + 1,
      });
    };
    p.onopentag = (tag) => this.#open(tag as sax.Tag);
    p.onclosetag = (name) => this.#close(name);
    p.ontext = (t) => this.#text(t);
    p.oncdata = (t) => this.#text(t);
  }

  get records(): number {
    return this.#records;
  }

  push(text: string): void {
    this.#parser.write(text);
  }

  end(): void {
    this.#parser.close();
    if (!this.#sawRoot) throw new FeedmillError('FEEDMILL_XML_MALFORMED', 'the XML has no root element', { line: 1 });
  }

  /** The mapper chosen at the root element, for its `finish()`. */
  get mapper(): XmlMapper | undefined {
    return this.#mapper;
  }

  #open(tag: sax.Tag): void {
    const line = this.#parser.line + 1;
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
      const parentPath = `/${this.#outer.join('/')}`;
      const key = `${parentPath}/${tag.name}`;
      const n = (this.#counters.get(key) ?? 0) + 1;
      this.#counters.set(key, n);
      this.#recordPath = `${key}[${n}]`;
      this.#recordChars = 0;
      this.#stack.push({ name: tag.name, attrs: tag.attributes, text: '', children: [], line });
      return;
    }
    this.#outer.push(tag.name);
  }

  #close(name: string): void {
    if (this.#stack.length === 0) {
      this.#outer.pop();
      return;
    }
    const node = this.#stack.pop() as XmlNode;
    if (this.#stack.length > 0) return;
    this.#records++;
    (this.#mapper as XmlMapper).record(node, { line: node.line, path: this.#recordPath }, this.#sink);
    void name;
  }

  #text(t: string): void {
    const top = this.#stack[this.#stack.length - 1];
    if (top === undefined) return;
    top.text += t;
    this.#recordChars += t.length;
    if (this.#recordChars > this.#maxRecordChars) {
      throw new FeedmillError('FEEDMILL_XML_MALFORMED', `the record ${this.#recordPath} holds more than ${this.#maxRecordChars} characters of text`, {
        path: this.#recordPath,
        line: (this.#stack[0] as XmlNode).line,
      });
    }
  }
}
