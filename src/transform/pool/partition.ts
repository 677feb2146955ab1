/**
 * How many rowid ranges an export is cut into. The count depends on the catalog only, never on the
 * number of workers: part boundaries are gzip member boundaries, so a count tied to the workers would
 * make the gzipped feed differ between a 1-core and a 2-core machine. Enough ranges for balance
 * (at least 16, so up to four workers each get four), small enough parts to bound a worker's memory
 * and a split feed's granularity.
 */
import type { RowidRange, StagingDb } from '../../staging/index.js';
import { oidBounds, rowidRanges } from '../../staging/index.js';

/** Offers per range on big catalogs. @default 20_000 */
export const DEFAULT_RANGE_ROWS = 20_000;
/** Fewest ranges (when the catalog has that many offers). */
export const MIN_RANGES = 16;

export interface IndexedRange extends RowidRange {
  /** Position of the range in feed order; names its part files. */
  index: number;
}

export function rangeCount(span: number, rangeRows: number = DEFAULT_RANGE_ROWS): number {
  if (span <= 0) return 0;
  return Math.min(span, Math.max(MIN_RANGES, Math.ceil(span / rangeRows)));
}

/**
 * The offers of a staging DB as rowid ranges in feed order. The count comes from the offers, not
 * the rowid span: a sharded load spaces its chunks' oids apart (evenly, so equal spans still hold
 * about equal numbers of offers).
 */
export function partitionOffers(db: StagingDb, rangeRows: number = DEFAULT_RANGE_ROWS): IndexedRange[] {
  const row = oidBounds(db);
  if (row === undefined) return [];
  const count = rangeCount(Math.min(row.hi - row.lo + 1, offerCount(db)), rangeRows);
  return rowidRanges(db, count).map((r, index) => ({ ...r, index }));
}

/** From the staging meta when the load recorded it (a full count reads the whole table). */
function offerCount(db: StagingDb): number {
  const meta = db.prepare("SELECT value FROM meta WHERE key = 'offers'").get() as { value: string } | undefined;
  const n = meta === undefined ? NaN : Number(meta.value);
  if (Number.isSafeInteger(n) && n > 0) return n;
  return (db.prepare('SELECT count(*) AS n FROM offers').get() as { n: number }).n;
}

/** `00042`: zero-padded so that part files also sort in feed order by name. */
export function partName(index: number, gzip: boolean): string {
  return `${String(index).padStart(6, '0')}.part${gzip ? '.gz' : ''}`;
}
