/**
 * What a catalog needs in each place, from the size of its current staging file when there is one,
 * else from its offer count and a measured bytes-per-offer (docs/deploy.md shows the measurement).
 *
 * - staging: one more version of the catalog. During an ingest the current version and the one
 *   before it stay (an export may still read it) while the new one loads, so a catalog occupies up to
 *   three versions at its peak; two are already on disk, the free space must hold the third.
 * - parts: one gzip part set per channel, about half the staging bytes per channel.
 * - data: a new source upload beside the current one, and a new feed file per channel beside the
 *   published ones (the old ones go only after the new one is in place).
 */

/** A tour departure staged: a narrow offer row plus its `pid` index entry; trip text once per trip. */
export const TOUR_STAGING_BYTES_PER_OFFER = 130;
/** A flat merchant row staged with its own title, description, links (about 500 characters of text). */
export const FLAT_STAGING_BYTES_PER_OFFER = 750;
/** Gzip part bytes per channel per staged byte: conservative over the measured 0.15 (tour) to 0.4 (flat). */
export const PART_BYTES_PER_STAGING_BYTE = 0.5;

export interface CatalogSize {
  catalog: string;
  /** Channels the catalog is exported to (at least one is assumed). */
  channels: number;
  /** Offers of the current version; null before the first ingest. */
  offers: number | null;
  /** Size of the current staging file; null when unknown. */
  stagingBytes: number | null;
  /** Size of the kept source file of the current version; 0 when unknown. */
  sourceBytes: number;
}

export interface CatalogNeed {
  catalog: string;
  staging: number;
  parts: number;
  data: number;
  /** How staging was sized: the staging file itself, an estimate from the offer count, or not at all. */
  basis: 'staging-file' | 'offer-count' | 'none';
}

export function catalogNeed(size: CatalogSize): CatalogNeed {
  let staging: number;
  let basis: CatalogNeed['basis'];
  if (size.stagingBytes !== null) {
    staging = size.stagingBytes;
    basis = 'staging-file';
  } else if (size.offers !== null) {
    // The shape is unknown without the file: size for the larger, flat one.
    staging = size.offers * FLAT_STAGING_BYTES_PER_OFFER;
    basis = 'offer-count';
  } else {
    return { catalog: size.catalog, staging: 0, parts: 0, data: 0, basis: 'none' };
  }
  const feed = Math.ceil(staging * PART_BYTES_PER_STAGING_BYTE) * Math.max(1, size.channels);
  return { catalog: size.catalog, staging, parts: feed, data: size.sourceBytes + feed, basis };
}
