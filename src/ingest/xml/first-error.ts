/**
 * One validating pass over an XML source: decoded and parsed exactly as a one-thread ingest does it,
 * without mapping or staging. A parallel load that meets malformed input (its shards parse records
 * the ingest thread only scanned) runs this once, so that the file fails with the very error, line
 * and column a one-thread load would report.
 */
import { FeedmillError, isFeedmillError } from '../../errors.js';
import { openContainer } from '../container.js';
import { detectEncoding, StreamDecoder } from '../decode.js';
import type { SingleByteEncoding } from '../legacy-encoding.js';
import type { XmlMapper } from '../profile.js';
import { XmlEngine } from './engine.js';

const HEAD = 64 * 1024;
const PIECE = 48 * 1024;

export interface FirstErrorOptions {
  maxInflatedBytes: number;
  /** An explicit encoding, as given to the ingest. */
  encoding?: string | undefined;
  /** The charset a server declared, as given to the ingest. */
  encodingHint?: SingleByteEncoding | undefined;
  /** The record test of the profile the ingest chose at this root (records bound some checks). */
  recordTest(rootName: string, rootAttrs: Readonly<Record<string, string>>): (name: string, depth: number) => boolean;
}

export async function firstXmlError(path: string, opts: FirstErrorOptions): Promise<FeedmillError | undefined> {
  const container = await openContainer(path, opts.maxInflatedBytes);
  try {
    let decoder: StreamDecoder | undefined;
    let head: Buffer | undefined;
    const engine: XmlEngine = new XmlEngine(
      (name, attrs) => {
        const mapper: XmlMapper = { isRecord: opts.recordTest(name, attrs), record: () => undefined };
        engine.forwardRecords({ record: () => undefined });
        return mapper;
      },
      { product: () => 0, offer: () => undefined, standaloneOffer: () => undefined, acceptWithoutOffer: () => undefined, reject: () => undefined },
    );
    const feed = (chunk: Buffer) => {
      const d = decoder as StreamDecoder;
      for (let i = 0; i < chunk.length; i += PIECE) engine.push(d.decode(chunk.subarray(i, i + PIECE)));
    };
    for await (const raw of container.stream as AsyncIterable<Buffer>) {
      let chunk = raw;
      if (decoder === undefined) {
        head = head === undefined ? chunk : Buffer.concat([head, chunk]);
        if (head.length < HEAD) continue;
        chunk = head;
        decoder = new StreamDecoder(detectEncoding(head.subarray(0, HEAD), opts.encoding, opts.encodingHint));
      }
      feed(chunk);
    }
    if (decoder === undefined) {
      decoder = new StreamDecoder(detectEncoding((head ?? Buffer.alloc(0)).subarray(0, HEAD), opts.encoding, opts.encodingHint));
      feed(head ?? Buffer.alloc(0));
    }
    engine.push(decoder.end());
    engine.end();
    return undefined;
  } catch (e) {
    if (isFeedmillError(e)) return e;
    throw e;
  } finally {
    await container.close();
  }
}
