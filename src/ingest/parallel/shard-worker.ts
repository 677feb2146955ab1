/**
 * One shard of a parallel CSV load, on its own thread: record-aligned chunks of the source come in
 * (raw bytes, with the line and byte offset where they start), and this thread decodes, parses,
 * maps and inserts them into its own staging file. Only acks and counts go back. The ingest thread
 * merges the shard files once every chunk is in (src/ingest/parallel/csv-load.ts).
 */
import type { MessagePort } from 'node:worker_threads';
import { FeedmillError } from '../../errors.js';
import { servePort, type PortMessage } from '../../worker-port.js';
import { StagingWriter, type LoadCounts } from '../../staging/writer.js';
import { StreamDecoder } from '../decode.js';
import { CsvEngine, type CsvDialect } from '../csv/engine.js';
import { csvRowHandler } from '../csv/rows.js';
import { findProfile } from '../select-profile.js';
import type { ProfileSink } from '../profile.js';

export interface ShardTask {
  path: string;
  rejectLimit: number;
  profile: string;
  header: string[];
  dialect: CsvDialect;
  defaultCurrency: string | undefined;
  sourceName: string;
  profileOptions: Readonly<Record<string, string>>;
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

export type ShardMessage = PortMessage<{ chunk: ShardChunk }>;
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
  const writer = new StagingWriter(task.path, { rejectLimit: task.rejectLimit, cacheMiB: SHARD_CACHE_MIB });
  const sink: ProfileSink = {
    product: () => {
      throw new FeedmillError('FEEDMILL_INTERNAL', `profile ${task.profile} wrote a product in a parallel load`);
    },
    offer: () => {
      throw new FeedmillError('FEEDMILL_INTERNAL', `profile ${task.profile} wrote a grouped offer in a parallel load`);
    },
    standaloneOffer: (p, o, line) => writer.standaloneOffer(p, o, line),
    acceptWithoutOffer: () => writer.acceptWithoutOffer(),
    reject: (r) => writer.reject(r),
  };
  const profile = findProfile(task.profile);
  const mapper = (profile.csv as NonNullable<typeof profile.csv>)(task.header, {
    defaultCurrency: task.defaultCurrency,
    sourceName: task.sourceName,
    get db(): never {
      throw new FeedmillError('FEEDMILL_INTERNAL', `profile ${task.profile} uses the staging DB: it cannot load in parallel`);
    },
    readSibling: () => undefined,
    options: task.profileOptions,
  });
  let records = 0;

  const load = (chunk: ShardChunk): void => {
    writer.startChunk(chunk.seq);
    const bytes = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
    const decoder = new StreamDecoder({ encoding: 'utf-8', bom: 0 }, chunk.sourceByte);
    const engine: CsvEngine = new CsvEngine(task.dialect, csvRowHandler(task.header.length, mapper, sink, () => engine.recordByteOffset()), {
      firstLine: chunk.line,
      firstByte: chunk.textByte,
    });
    for (let i = 0; i < bytes.length; i += PIECE) engine.push(decoder.decode(bytes.subarray(i, i + PIECE)));
    engine.push(decoder.end());
    engine.end();
    records += engine.records;
  };

  return servePort<{ chunk: ShardChunk }, LoadCounts>(task.port, {
    work: (m) => {
      load(m.chunk);
      const ack: ShardAck = { done: m.chunk.seq, records, rejected: writer.counts().rejected };
      task.port.postMessage(ack);
    },
    finish: () => writer.closeShard(),
    abort: () => writer.abort(),
  });
}
