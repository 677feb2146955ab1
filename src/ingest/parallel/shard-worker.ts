/**
 * One shard of a parallel load, on its own thread. Work comes in as record-aligned CSV chunks (raw
 * bytes, with the line and byte offset where they start) or as batches of XML record texts (with
 * each record's line and path); this thread decodes, parses, maps and inserts them into its own
 * staging file. Only acks and counts go back. The ingest thread merges the shard files once every
 * item is in (shards.ts).
 */
import type { MessagePort } from 'node:worker_threads';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { FeedmillError } from '../../errors.js';
import { StagingWriter, type LoadCounts } from '../../staging/writer.js';
import { servePort, type PortMessage } from '../../worker-port.js';
import { StreamDecoder } from '../decode.js';
import { CsvEngine, type CsvDialect } from '../csv/engine.js';
import { csvRowHandler } from '../csv/rows.js';
import { findProfile } from '../select-profile.js';
import type { ProfileContext, ProfileSink, XmlMapper, XmlNode } from '../profile.js';

interface CommonSetup {
  profile: string;
  defaultCurrency: string | undefined;
  sourceName: string;
  profileOptions: Readonly<Record<string, string>>;
}

export type ShardSetup =
  | (CommonSetup & { kind: 'csv'; header: string[]; dialect: CsvDialect })
  | (CommonSetup & { kind: 'xml'; root: { name: string; attrs: Record<string, string> } });

export interface ShardTask {
  path: string;
  rejectLimit: number;
  setup: ShardSetup;
  port: MessagePort;
}

export interface ShardChunk {
  /** Position of the chunk in the source: its offers take oids from `seq * CHUNK_OID_SPAN`. */
  seq: number;
  bytes: Uint8Array;
  /** Line of the chunk's first byte. */
  line: number;
  /** Offset of the chunk's first byte in the source (BOM included), for decoding errors. */
  sourceByte: number;
  /** Offset in the decoded text (BOM excluded), for rejects' byte offsets. */
  textByte: number;
}

export interface XmlRecordBatch {
  seq: number;
  /**
   * The records' source: as text (each with whatever stood between it and the previous one), or as
   * the UTF-8 bytes of the record elements back to back (found by the byte scanner).
   */
  texts?: string[] | undefined;
  bytes?: Uint8Array | undefined;
  /** Line of each record's start tag, as the ingest thread's parser reported it. */
  lines: number[];
  paths: string[];
}

export type ShardMessage = PortMessage<{ chunk: ShardChunk } | { xml: XmlRecordBatch }>;
export interface ShardAck {
  done: number;
  records: number;
  rejected: number;
}

/** Appending needs few pages in cache (see StagingWriterOptions.cacheMiB). */
const SHARD_CACHE_MIB = 8;
/** Decoding and parsing in 48 KiB pieces, as the ingest thread does (see ingest.ts for why). */
const PIECE = 48 * 1024;

export default async function runShard(task: ShardTask): Promise<LoadCounts | null> {
  const { setup } = task;
  const writer = new StagingWriter(task.path, { rejectLimit: task.rejectLimit, cacheMiB: SHARD_CACHE_MIB });
  const sink: ProfileSink = {
    product: () => {
      throw new FeedmillError('FEEDMILL_INTERNAL', `profile ${setup.profile} wrote a product in a parallel load`);
    },
    offer: () => {
      throw new FeedmillError('FEEDMILL_INTERNAL', `profile ${setup.profile} wrote a grouped offer in a parallel load`);
    },
    standaloneOffer: (p, o, line) => writer.standaloneOffer(p, o, line),
    acceptWithoutOffer: () => writer.acceptWithoutOffer(),
    reject: (r) => writer.reject(r),
  };
  const profile = findProfile(setup.profile);
  const ctx: ProfileContext = {
    defaultCurrency: setup.defaultCurrency,
    sourceName: setup.sourceName,
    get db(): never {
      throw new FeedmillError('FEEDMILL_INTERNAL', `profile ${setup.profile} uses the staging DB: it cannot load in parallel`);
    },
    readSibling: () => undefined,
    options: setup.profileOptions,
  };
  let records = 0;
  let load: (m: { chunk: ShardChunk } | { xml: XmlRecordBatch }) => number;

  if (setup.kind === 'csv') {
    const mapper = (profile.csv as NonNullable<typeof profile.csv>)(setup.header, ctx);
    load = (m) => {
      const chunk = (m as { chunk: ShardChunk }).chunk;
      writer.startChunk(chunk.seq);
      const bytes = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
      const decoder = new StreamDecoder({ encoding: 'utf-8', bom: 0 }, chunk.sourceByte);
      const engine: CsvEngine = new CsvEngine(setup.dialect, csvRowHandler(setup.header.length, mapper, sink, () => engine.recordByteOffset()), {
        firstLine: chunk.line,
        firstByte: chunk.textByte,
      });
      for (let i = 0; i < bytes.length; i += PIECE) engine.push(decoder.decode(bytes.subarray(i, i + PIECE)));
      engine.push(decoder.end());
      engine.end();
      records += engine.records;
      return chunk.seq;
    };
  } else {
    const mapper = (profile.xml as NonNullable<typeof profile.xml>)(setup.root.name, Object.assign(ctx, { xmlRoot: setup.root }));
    load = (m) => {
      const batch = (m as { xml: XmlRecordBatch }).xml;
      writer.startChunk(batch.seq);
      loadXmlBatch(batch, mapper, sink);
      records += batch.lines.length;
      return batch.seq;
    };
  }

  return servePort<{ chunk: ShardChunk } | { xml: XmlRecordBatch }, LoadCounts>(task.port, {
    work: (m) => {
      const done = load(m);
      const ack: ShardAck = { done, records, rejected: writer.counts().rejected };
      task.port.postMessage(ack);
    },
    finish: () => writer.closeShard(),
    abort: () => writer.abort(),
  });
}

/**
 * Parses a batch of record texts (already found well-formed by the ingest thread's parser) inside a
 * synthetic root, rebuilds each record's node tree exactly as the XML engine does, and maps it.
 * Node lines are shifted so that each record keeps the lines of the source file.
 */
function loadXmlBatch(batch: XmlRecordBatch, mapper: XmlMapper, sink: ProfileSink): void {
  const p = new SaxesParser({ xmlns: false });
  const stack: XmlNode[] = [];
  let index = 0;
  let shift = 0;
  p.on('error', (e: Error) => {
    // Records found by the byte scanner are parsed here for the first time: a malformed one fails
    // the load, and the ingest thread then reports saxes's exact error from a validating pass.
    throw new FeedmillError('FEEDMILL_XML_MALFORMED', `the record ${batch.paths[index] ?? ''} is not well-formed: ${e.message.split('\n')[0]}`, { path: batch.paths[index] });
  });
  let rootOpen = false;
  p.on('opentag', (tag) => {
    const t = tag as SaxesTagPlain;
    if (!rootOpen) {
      rootOpen = true; // the synthetic root
      return;
    }
    if (stack.length === 0) shift = (batch.lines[index] as number) - p.line;
    const node: XmlNode = { name: t.name, attrs: t.attributes, text: '', children: [], line: p.line + shift };
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.children.push(node);
    stack.push(node);
  });
  p.on('closetag', () => {
    const node = stack.pop();
    if (node === undefined) return; // the synthetic root
    if (stack.length > 0) return;
    mapper.record(node, { line: node.line, path: batch.paths[index] as string }, sink);
    index++;
  });
  const text = (t: string) => {
    const top = stack[stack.length - 1];
    if (top !== undefined) top.text += t;
  };
  p.on('text', text);
  p.on('cdata', text);
  p.write(`<${ROOT}>`);
  if (batch.texts !== undefined) for (const t of batch.texts) p.write(t);
  if (batch.bytes !== undefined) {
    // In pieces: one string per batch would land in V8's large-object space (slow to decode).
    const bytes = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
    const decoder = new StreamDecoder({ encoding: 'utf-8', bom: 0 });
    for (let i = 0; i < bytes.length; i += PIECE) p.write(decoder.decode(bytes.subarray(i, i + PIECE)));
    p.write(decoder.end());
  }
  p.write(`</${ROOT}>`).close();
  if (index !== batch.lines.length) {
    throw new FeedmillError('FEEDMILL_XML_MALFORMED', `a batch of ${batch.lines.length} XML records held ${index}`, { first: batch.paths[0] });
  }
}

/** A name no feed uses for its records (XML reserves names starting with "xml"). */
const ROOT = 'xml-feedmill-batch';
