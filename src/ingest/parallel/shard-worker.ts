/**
 * One shard of a parallel load, on its own thread. Work comes in as record-aligned CSV chunks (raw
 * bytes, with the line and byte offset where they start) or as batches of XML record texts (with
 * each record's line and path); this thread decodes, parses, maps and inserts them into its own
 * staging file. Only acks and counts go back. The ingest thread merges the shard files once every
 * item is in (shards.ts).
 *
 * Shard 0 writes the version's own file. The others write segments: every `segmentOffers` offers a
 * shard closes its file, reports it, and starts the next; the ingest thread sends the closed segment
 * to shard 0, which copies it in between two work items. So most of the merge runs while the load
 * goes on, on both cores, and the serial tail after the last chunk only copies the last segments.
 */
import { rm } from 'node:fs/promises';
import type { MessagePort } from 'node:worker_threads';
import { FeedmillError } from '../../errors.js';
import { StagingWriter, type ShardClose } from '../../staging/writer.js';
import { servePort, type PortMessage } from '../../worker-port.js';
import { decodeInPieces, sourceLength, StreamDecoder, type TextEncodingName } from '../decode.js';
import { CsvEngine, type CsvDialect } from '../csv/engine.js';
import { csvRowHandler } from '../csv/rows.js';
import { parseRecord } from '../xml/record-tree.js';
import { findProfile } from '../select-profile.js';
import type { ProfileContext, ProfileSink, XmlMapper, XmlNode } from '../profile.js';

interface CommonSetup {
  profile: string;
  defaultCurrency: string | undefined;
  sourceName: string;
  profileOptions: Readonly<Record<string, string>>;
}

export type ShardSetup =
  | (CommonSetup & { kind: 'csv'; header: string[]; dialect: CsvDialect; encoding: TextEncodingName })
  | (CommonSetup & { kind: 'xml'; root: { name: string; attrs: Record<string, string> }; encoding: TextEncodingName });

export interface ShardTask {
  path: string;
  rejectLimit: number;
  setup: ShardSetup;
  port: MessagePort;
  /** Offers per segment file (shards other than the first); undefined: one file, never rotated. */
  segmentOffers?: number | undefined;
}

/** A closed file of a shard's, with what it holds: merged into the version's file by shard 0. */
export interface ShardSegment {
  path: string;
  closed: ShardClose;
}

/** What a shard returns when it finishes: its last (or only) file. */
export type ShardResult = ShardSegment;

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
  /** With `bytes`: where each record's bytes end. */
  ends?: number[] | undefined;
  /** Line of each record's start tag, as the ingest thread's parser reported it. */
  lines: number[];
  paths: string[];
}

type ShardWork = { chunk: ShardChunk } | { xml: XmlRecordBatch } | { merge: ShardSegment };
export type ShardMessage = PortMessage<ShardWork>;
/** One work item done. `rejected` counts this shard's own records only, never merged segments'. */
export interface ShardAck {
  done: number;
  records: number;
  rejected: number;
  /** The work item's byte buffer, given back for the next one (see ShardSet.takeBuffer). */
  buffer?: ArrayBuffer | undefined;
}
/** On a shard's port: acks, and segments to merge (always posted before the ack of their last item). */
export type ShardReport = ShardAck | { segment: ShardSegment };

/** Appending needs few pages in cache (see StagingWriterOptions.cacheMiB). */
const SHARD_CACHE_MIB = 8;

export default async function runShard(task: ShardTask): Promise<ShardResult | null> {
  const { setup } = task;
  let path = task.path;
  let segments = 0;
  let writer = new StagingWriter(path, { rejectLimit: task.rejectLimit, cacheMiB: SHARD_CACHE_MIB });
  /** Rejects in segments this shard closed, and in segments merged into its file. */
  let handedOver = 0;
  let takenIn = 0;
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
    const measure = sourceLength(setup.encoding);
    load = (m) => {
      const chunk = (m as { chunk: ShardChunk }).chunk;
      writer.startChunk(chunk.seq);
      const bytes = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
      const decoder = new StreamDecoder({ encoding: setup.encoding, bom: 0 }, chunk.sourceByte);
      const engine: CsvEngine = new CsvEngine(setup.dialect, csvRowHandler(setup.header.length, mapper, sink, () => engine.recordByteOffset()), {
        firstLine: chunk.line,
        firstByte: chunk.textByte,
        measure,
      });
      decodeInPieces(decoder, bytes, (text, textBytes) => engine.push(text, textBytes));
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
      loadXmlBatch(batch, mapper, sink, setup.encoding);
      records += batch.lines.length;
      return batch.seq;
    };
  }

  const rotate = (): void => {
    const closed = writer.closeShard();
    handedOver += closed.counts.rejected;
    const segment: ShardSegment = { path, closed };
    task.port.postMessage({ segment } satisfies ShardReport, closed.idHashes === undefined ? [] : [closed.idHashes.buffer as ArrayBuffer]);
    path = `${task.path}-${++segments}`;
    writer = new StagingWriter(path, { rejectLimit: task.rejectLimit, cacheMiB: SHARD_CACHE_MIB });
  };
  const merge = (segment: ShardSegment): void => {
    // The segment's id hashes stay with the ingest thread, which hands them to the merged file.
    writer.appendShards([segment.path], [segment.closed], 'kept-elsewhere');
    takenIn += segment.closed.counts.rejected;
    // Copied: the file is dead. Freed on the thread pool, not on this thread's clock.
    rm(segment.path, { force: true }).catch(() => undefined);
  };

  return servePort<ShardWork, ShardResult>(task.port, {
    work: (m) => {
      let done = -1;
      let buffer: ArrayBuffer | undefined;
      if ('merge' in m) merge(m.merge);
      else {
        done = load(m);
        // Loaded: nothing holds the bytes any more (rows and rejects were copied into SQLite).
        buffer = ('chunk' in m ? m.chunk.bytes : m.xml.bytes)?.buffer as ArrayBuffer | undefined;
        if (task.segmentOffers !== undefined && writer.offersWritten >= task.segmentOffers) rotate();
      }
      const ack: ShardAck = { done, records, rejected: handedOver + writer.counts().rejected - takenIn, buffer };
      task.port.postMessage(ack satisfies ShardReport, buffer === undefined ? [] : [buffer]);
    },
    finish: () => ({ path, closed: writer.closeShard() }),
    abort: () => writer.abort(),
  });
}

/**
 * Maps a batch of records (found well-formed, or at least record-shaped, by the ingest thread).
 * Each record is read by the fast path when it can (fast-record.ts), else by saxes; either way its
 * node tree is the one a one-thread load builds, lines included.
 */
export function loadXmlBatch(batch: XmlRecordBatch, mapper: XmlMapper, sink: ProfileSink, encoding: TextEncodingName = 'utf-8'): void {
  const { texts, bytes, ends, lines, paths } = batch;
  const decoder = new StreamDecoder({ encoding, bom: 0 });
  const buf = bytes === undefined ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if ((buf === undefined ? texts?.length : ends?.length) !== lines.length) {
    throw new FeedmillError('FEEDMILL_INTERNAL', `a batch of ${lines.length} XML records came with another number of texts or ends`, { first: paths[0] });
  }
  let from = 0;
  for (let i = 0; i < lines.length; i++) {
    let text: string;
    if (buf !== undefined) {
      // One string per record: decoding stays far below V8's large-object size (see DECODE_PIECE).
      const to = (ends as number[])[i] as number;
      text = decoder.decode(buf.subarray(from, to));
      from = to;
    } else text = (texts as string[])[i] as string;
    const line = lines[i] as number;
    const path = paths[i] as string;
    const node = parseRecord(text, line, path);
    mapper.record(node, { line: node.line, path }, sink);
  }
  decoder.end();
}
