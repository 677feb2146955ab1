/**
 * generateCatalog: writes a deterministic catalog file, streaming with backpressure through
 * `pipeline` (and zlib or the zip writer), never holding more than one ~1 MB chunk.
 */
import { createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { FeedmillError } from '../../src/errors.js';
import { ZipWriter } from '../lib/zip-writer.js';
import { MerchantCsv } from './merchant-csv.js';
import { MerchantOffers } from './merchant-offers.js';
import { MerchantXml } from './merchant-xml.js';
import { resolveOptions, type Container, type Format, type GenerateOptions, type ResolvedOptions, type Shape } from './options.js';
import { catalogChunks, type RecordSource } from './record-source.js';
import { TourXml } from './tour-xml.js';

/** Bumped whenever the bytes for the same options change, so cached bench data sets are rebuilt. */
export const GENERATOR_VERSION = 1;

export interface GenerateResult {
  path: string;
  /** File size on disk (after the container). */
  bytes: number;
  offers: number;
  /** Merchant: item groups plus single offers. Tour: trips. */
  products: number;
  /** Size of the catalog text before the container. */
  rawBytes: number;
  shape: Shape;
  format: Format;
  container: Container;
  seed: string;
}

/**
 * Bytes per offer with a safety margin over the measured averages (merchant CSV ~850, RSS ~1,450,
 * tour ~100), to tell the zip writer up front when an entry may pass 4 GiB and needs ZIP64 in its
 * local header. Overestimating only costs 20 bytes of extra field.
 */
const BYTES_PER_OFFER: Record<`${Shape}-${Format}`, number> = { 'merchant-csv': 1100, 'merchant-xml': 1900, 'tour-xml': 130, 'tour-csv': 130 };

export function createSource(r: ResolvedOptions): RecordSource {
  if (r.shape === 'tour') return new TourXml(r.seed, r.tour as NonNullable<ResolvedOptions['tour']>);
  const offers = new MerchantOffers(r.seed, r.offers);
  return r.format === 'csv' ? new MerchantCsv(offers) : new MerchantXml(offers);
}

export async function generateCatalog(options: GenerateOptions): Promise<GenerateResult> {
  const r = resolveOptions(options);
  const source = createSource(r);
  const partial = `${r.out}.partial`;
  const signal = options.signal;
  let rawBytes = 0;
  function* counted(): Generator<Buffer> {
    for (const chunk of catalogChunks(source)) {
      signal?.throwIfAborted();
      rawBytes += chunk.length;
      yield chunk;
    }
  }
  try {
    if (r.container === 'plain') {
      await pipeline(counted(), createWriteStream(partial));
    } else if (r.container === 'gzip') {
      await pipeline(counted(), createGzip({ level: r.level }), createWriteStream(partial));
    } else {
      const file = createWriteStream(partial);
      try {
        const zip = new ZipWriter(file);
        await zip.addEntry(r.entryName, counted(), { level: r.level, sizeHint: r.offers * BYTES_PER_OFFER[`${r.shape}-${r.format}`] });
        await zip.finish();
      } catch (err) {
        file.destroy();
        throw err;
      }
    }
    await rename(partial, r.out);
  } catch (err) {
    await unlink(partial).catch(() => undefined);
    throw err;
  }
  if (source.offers !== r.offers) {
    throw new FeedmillError('FEEDMILL_INTERNAL', 'the generator wrote a different number of offers than asked', { asked: r.offers, written: source.offers });
  }
  const { size } = await stat(r.out);
  return {
    path: r.out,
    bytes: size,
    offers: source.offers,
    products: source.products,
    rawBytes,
    shape: r.shape,
    format: r.format,
    container: r.container,
    seed: r.seed,
  };
}
